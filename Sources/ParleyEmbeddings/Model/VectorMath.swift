import Foundation

/// Element-wise kernels of the encoder on 8-wide SIMD vectors: exp and erf by polynomial
/// approximation (both accurate to a few float ulps over the range that matters), GELU,
/// softmax, LayerNorm and bias addition. These run on plain pointers because they sit in the
/// encoder's innermost loops.
enum VectorMath {
    typealias Vector = SIMD8<Float>
    static let width = 8

    /// exp(x) for each lane: Cephes' expf, range-reduced by powers of two.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        // Clamp with lane selects: the generic min/max of SIMD are not inlined.
        var clamped = x.replacing(with: -87.33, where: x .< -87.33)
        clamped = clamped.replacing(with: 88.37, where: clamped .> 88.37)
        // Round to nearest by the 1.5·2^23 trick: adding it leaves the integer in the mantissa.
        let magic: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + magic
        let k = shifted - magic
        let r = clamped - k * 0.693_359_375 + k * 2.121_944_4e-4
        let r2 = r * r
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        let e = p * r2 + r + 1
        // 2^k from the integer held in `shifted`'s low mantissa bits.
        let integer = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000) &+ 127
        return e * unsafeBitCast(integer &<< 23, to: Vector.self)
    }

    /// erf(x) for each lane (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7).
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        let sign = Vector(repeating: 1).replacing(with: -1, where: x .< 0)
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var y = Vector(repeating: 1.061_405_429)
        y = y * t - 1.453_152_027
        y = y * t + 1.421_413_741
        y = y * t - 0.284_496_736
        y = y * t + 0.254_829_592
        y = y * t
        return sign * (1 - y * exp(-a * a))
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    static func gelu(_ data: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        let invSqrt2: Float = 0.707_106_781_186_547_5
        while index + width <= count {
            let x = load(data + index)
            store(0.5 * x * (1 + erf(x * invSqrt2)), to: data + index)
            index += width
        }
        while index < count {
            let x = data[index]
            data[index] = 0.5 * x * (1 + Foundation.erf(x * invSqrt2))
            index += 1
        }
    }

    /// Softmax of each of `rows` rows of `columns` values (row stride `stride`), in place.
    static func softmaxRows(_ data: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        let vectorEnd = columns - columns % width
        for row in 0..<rows {
            let base = data + row * stride
            var maxima = Vector(repeating: -.infinity)
            var column = 0
            while column < vectorEnd {
                let x = load(base + column)
                maxima = maxima.replacing(with: x, where: x .> maxima)
                column += width
            }
            var maximum = maxima.max()
            for tail in vectorEnd..<columns { maximum = Swift.max(maximum, base[tail]) }
            let shift = Vector(repeating: maximum)
            var sums = Vector.zero
            column = 0
            while column < vectorEnd {
                let e = exp(load(base + column) - shift)
                store(e, to: base + column)
                sums += e
                column += width
            }
            var sum = sums.sum()
            for tail in vectorEnd..<columns {
                let e = Foundation.exp(base[tail] - maximum)
                base[tail] = e
                sum += e
            }
            let scale = Vector(repeating: 1 / sum)
            column = 0
            while column < vectorEnd {
                store(load(base + column) * scale, to: base + column)
                column += width
            }
            for tail in vectorEnd..<columns { base[tail] *= scale[0] }
        }
    }

    /// LayerNorm of each row of `width` values, in place: (x - mean) / sqrt(var + eps) * gamma + beta.
    static func layerNorm(_ data: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float) {
        for row in 0..<rows {
            let base = data + row * width
            var sum: Float = 0
            for index in 0..<width { sum += base[index] }
            let mean = sum / Float(width)
            var squares: Float = 0
            for index in 0..<width {
                let centered = base[index] - mean
                squares += centered * centered
            }
            let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
            for index in 0..<width {
                base[index] = (base[index] - mean) * inverse * gamma[index] + beta[index]
            }
        }
    }

    /// Copies `bias` into each of `rows` rows (so that a GEMM with beta = 1 adds it).
    static func broadcastRows(_ bias: UnsafePointer<Float>, into data: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows {
            (data + row * width).update(from: bias, count: width)
        }
    }
}
