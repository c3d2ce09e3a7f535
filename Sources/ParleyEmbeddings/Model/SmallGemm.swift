import CBLAS

/// `C[m×n] = A[m×k] · B[n×k]ᵀ + beta · C` for few rows of A (a single query's tokens).
///
/// BLAS repacks B (a weight matrix of up to 1536×384) on every call, which costs as much as the
/// arithmetic when A has only a few dozen rows. This kernel reads B's rows where they are: each
/// block of two B rows stays in L1 while every row of A passes over it, with eight vector
/// accumulators (four A rows × two B rows: few enough to stay in registers), so every weight
/// is read from memory once per call.
enum SmallGemm {
    typealias Vector = SIMD8<Float>
    static let lanes = 8
    /// How many weight rows ahead to prefetch (DRAM latency is longer than one block takes).
    static let prefetchDistance = 1

    /// Whether the kernel handles this shape (k must be a multiple of the vector width).
    static func supports(k: Int) -> Bool { k % lanes == 0 }

    static func timesTransposed(m: Int, columns: Range<Int>, k: Int, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        var j = columns.lowerBound
        while j + 2 <= columns.upperBound {
            var i = 0
            while i + 4 <= m {
                block4x2(i: i, j: j, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                i &+= 4
            }
            while i < m {
                block1x2(i: i, j: j, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                i &+= 1
            }
            j &+= 2
        }
        while j < columns.upperBound {
            for i in 0..<m { single(i: i, j: j, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) }
            j &+= 1
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func block4x2(i: Int, j: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
        let b0 = b + j * ldb, b1 = b0 + ldb
        var c00 = Vector.zero, c01 = Vector.zero
        var c10 = Vector.zero, c11 = Vector.zero
        var c20 = Vector.zero, c21 = Vector.zero
        var c30 = Vector.zero, c31 = Vector.zero
        // While the first rows of A pass over these two weight rows, fetch the next two.
        let prefetchNext = i == 0
        let next = b1 + Self.prefetchDistance * ldb
        var p = 0
        while p < k {
            if prefetchNext {
                parley_prefetch(next + p)
                parley_prefetch(next + ldb + p)
            }
            let w0 = load(b0 + p), w1 = load(b1 + p)
            let x0 = load(a0 + p), x1 = load(a1 + p)
            c00.addProduct(x0, w0); c01.addProduct(x0, w1)
            c10.addProduct(x1, w0); c11.addProduct(x1, w1)
            let x2 = load(a2 + p), x3 = load(a3 + p)
            c20.addProduct(x2, w0); c21.addProduct(x2, w1)
            c30.addProduct(x3, w0); c31.addProduct(x3, w1)
            p &+= lanes
        }
        let base = c + i * ldc + j
        let keep = beta
        base[0] = c00.sum() + (keep == 0 ? 0 : keep * base[0])
        base[1] = c01.sum() + (keep == 0 ? 0 : keep * base[1])
        base[ldc] = c10.sum() + (keep == 0 ? 0 : keep * base[ldc])
        base[ldc + 1] = c11.sum() + (keep == 0 ? 0 : keep * base[ldc + 1])
        base[2 * ldc] = c20.sum() + (keep == 0 ? 0 : keep * base[2 * ldc])
        base[2 * ldc + 1] = c21.sum() + (keep == 0 ? 0 : keep * base[2 * ldc + 1])
        base[3 * ldc] = c30.sum() + (keep == 0 ? 0 : keep * base[3 * ldc])
        base[3 * ldc + 1] = c31.sum() + (keep == 0 ? 0 : keep * base[3 * ldc + 1])
    }

    @inline(__always)
    private static func block1x2(i: Int, j: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let row = a + i * lda
        let b0 = b + j * ldb, b1 = b0 + ldb
        var c0 = Vector.zero, c1 = Vector.zero, d0 = Vector.zero, d1 = Vector.zero
        var p = 0
        // Two independent accumulator pairs hide the FMA latency.
        while p + 2 * lanes <= k {
            let x = load(row + p), y = load(row + p + lanes)
            c0.addProduct(x, load(b0 + p)); c1.addProduct(x, load(b1 + p))
            d0.addProduct(y, load(b0 + p + lanes)); d1.addProduct(y, load(b1 + p + lanes))
            p &+= 2 * lanes
        }
        while p < k {
            let x = load(row + p)
            c0.addProduct(x, load(b0 + p)); c1.addProduct(x, load(b1 + p))
            p &+= lanes
        }
        let base = c + i * ldc + j
        base[0] = (c0 + d0).sum() + (beta == 0 ? 0 : beta * base[0])
        base[1] = (c1 + d1).sum() + (beta == 0 ? 0 : beta * base[1])
    }

    @inline(__always)
    private static func single(i: Int, j: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                               beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let row = a + i * lda, weights = b + j * ldb
        var accumulator = Vector.zero
        var p = 0
        while p < k {
            accumulator.addProduct(load(row + p), load(weights + p))
            p &+= lanes
        }
        let target = c + i * ldc + j
        target.pointee = accumulator.sum() + (beta == 0 ? 0 : beta * target.pointee)
    }
}
