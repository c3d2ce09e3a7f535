/// `C[m×n] = A[m×k] · Bᵀ (+ C)` with B packed in panels (`PanelMatrix`): every dense layer of
/// the encoder.
///
/// Each block of four rows of A passes over a panel, broadcasting one A value per row against
/// three 8-float weight vectors: twelve accumulators that stay in registers, and weights read in
/// one sequential stream. Rows go in blocks that stay in L2 while every panel passes over them.
/// Every output is the same sequence of fused multiply-adds whichever block or thread computes
/// it, so a text gets the same vector alone as in any batch.
enum PanelGemm {
    typealias Vector = SIMD8<Float>
    static let rowsPerTile = 4
    /// Rows of A per block: 64 rows of 1,536 floats are 384 KiB, well inside L2.
    static let rowsPerBlock = 64

    /// Computes columns of `panels` for `rows` of A and C; adds to C when `accumulate`, else overwrites it.
    static func multiply(rows: Range<Int>, panels: Range<Int>, a: UnsafePointer<Float>, lda: Int, b: PanelMatrix,
                         accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rowsPerTile * PanelMatrix.width) { edge in
            var blockStart = rows.lowerBound
            while blockStart < rows.upperBound {
                let blockEnd = min(rows.upperBound, blockStart + rowsPerBlock)
                for panel in panels {
                    multiplyBlock(rows: blockStart..<blockEnd, panel: panel, a: a, lda: lda, b: b, accumulate: accumulate,
                                  c: c, ldc: ldc, edge: edge.baseAddress!)
                }
                blockStart = blockEnd
            }
        }
    }

    @inline(__always)
    private static func multiplyBlock(rows: Range<Int>, panel: Int, a: UnsafePointer<Float>, lda: Int, b: PanelMatrix,
                                      accumulate: Bool, c: UnsafeMutablePointer<Float>, ldc: Int, edge: UnsafeMutablePointer<Float>) {
        let width = PanelMatrix.width
        let weights = b.panel(panel)
        let firstColumn = panel * width
        let columns = min(width, b.columns - firstColumn)
        let last = rows.upperBound - 1
        var row = rows.lowerBound
        while row <= last {
            // A ragged tile repeats its last row of A and is written through `edge`.
            let tile = product(a + row * lda, a + min(row + 1, last) * lda, a + min(row + 2, last) * lda,
                               a + min(row + 3, last) * lda, weights: weights, depth: b.depth)
            let target = c + row * ldc + firstColumn
            let tileRows = min(rowsPerTile, rows.upperBound - row)
            if tileRows == rowsPerTile, columns == width {
                tile.store(to: target, stride: ldc, accumulate: accumulate)
            } else {
                tile.store(to: edge, stride: width, accumulate: false)
                for r in 0..<tileRows {
                    for column in 0..<columns {
                        let value = edge[r * width + column]
                        target[r * ldc + column] = accumulate ? target[r * ldc + column] + value : value
                    }
                }
            }
            row += rowsPerTile
        }
    }

    /// Four rows of A times one panel (`depth` steps of 24 floats).
    @inline(__always)
    private static func product(_ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>,
                                _ a3: UnsafePointer<Float>, weights: UnsafePointer<Float>, depth k: Int) -> Tile {
        var t = Tile()
        var w = weights
        var p = 0
        while p < k {
            let w0 = load(w), w1 = load(w + 8), w2 = load(w + 16)
            var x = Vector(repeating: a0[p])
            t.c00.addProduct(x, w0); t.c01.addProduct(x, w1); t.c02.addProduct(x, w2)
            x = Vector(repeating: a1[p])
            t.c10.addProduct(x, w0); t.c11.addProduct(x, w1); t.c12.addProduct(x, w2)
            x = Vector(repeating: a2[p])
            t.c20.addProduct(x, w0); t.c21.addProduct(x, w1); t.c22.addProduct(x, w2)
            x = Vector(repeating: a3[p])
            t.c30.addProduct(x, w0); t.c31.addProduct(x, w1); t.c32.addProduct(x, w2)
            p &+= 1
            w += PanelMatrix.width
        }
        return t
    }

    @inline(__always)
    fileprivate static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    /// A 4×24 block of C in twelve registers.
    fileprivate struct Tile {
        var c00 = Vector.zero, c01 = Vector.zero, c02 = Vector.zero
        var c10 = Vector.zero, c11 = Vector.zero, c12 = Vector.zero
        var c20 = Vector.zero, c21 = Vector.zero, c22 = Vector.zero
        var c30 = Vector.zero, c31 = Vector.zero, c32 = Vector.zero

        @inline(__always)
        func store(to c: UnsafeMutablePointer<Float>, stride: Int, accumulate: Bool) {
            put(c00, c, accumulate); put(c01, c + 8, accumulate); put(c02, c + 16, accumulate)
            put(c10, c + stride, accumulate); put(c11, c + stride + 8, accumulate); put(c12, c + stride + 16, accumulate)
            put(c20, c + 2 * stride, accumulate); put(c21, c + 2 * stride + 8, accumulate); put(c22, c + 2 * stride + 16, accumulate)
            put(c30, c + 3 * stride, accumulate); put(c31, c + 3 * stride + 8, accumulate); put(c32, c + 3 * stride + 16, accumulate)
        }

        @inline(__always)
        private func put(_ value: Vector, _ target: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
            let sum = accumulate ? value + PanelGemm.load(target) : value
            UnsafeMutableRawPointer(target).storeBytes(of: sum, as: Vector.self)
        }
    }
}
