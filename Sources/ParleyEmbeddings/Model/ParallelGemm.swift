import Dispatch

/// Splits the encoder's work over a fixed number of threads. BLAS itself runs single-threaded
/// inside each part: our own split covers GEMMs and element-wise kernels alike, so the second
/// core is busy during softmax and GELU too, and BLAS worker threads never spin against ours.
struct WorkSplitter: Sendable {
    let threads: Int
    /// Up to this many rows, the unpacked kernel beats BLAS (which repacks the weights per call).
    static let smallRows = 48

    /// Runs `body(part, range)` for `threads` contiguous slices of `0..<count`.
    func forEachSlice(of count: Int, minimumSlice: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let parts = minimumSlice == .max ? 1 : max(1, min(threads, count / max(1, minimumSlice)))
        if parts == 1 {
            body(0, 0..<count)
            return
        }
        let size = (count + parts - 1) / parts
        // The slices write disjoint memory, and concurrentPerform returns only when all are done,
        // so handing the non-escaping body to its threads is safe.
        withoutActuallyEscaping(body) { escapable in
            let shared = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = part * size
                let end = min(count, start + size)
                if start < end { shared.value(part, start..<end) }
            }
        }
    }

    /// `C[m×n] = A[m×k] · B[n×k]ᵀ + beta · C`, split over rows when there are many, else over columns.
    func gemmTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m <= Self.smallRows, SmallGemm.supports(k: k) {
            forEachSlice(of: n, minimumSlice: 48) { _, columns in
                SmallGemm.timesTransposed(m: m, columns: columns, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            }
        } else if m >= 32 * threads {
            forEachSlice(of: m) { _, rows in
                Gemm.timesTransposed(m: rows.count, n: n, k: k, a: a + rows.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                                     beta: beta, c: c + rows.lowerBound * ldc, ldc: ldc)
            }
        } else {
            forEachSlice(of: n, minimumSlice: 64) { _, columns in
                Gemm.timesTransposed(m: m, n: columns.count, k: k, a: a, lda: lda, b: b + columns.lowerBound * ldb, ldb: ldb,
                                     beta: beta, c: c + columns.lowerBound, ldc: ldc)
            }
        }
    }
}

/// Carries a value across threads where the caller guarantees the access is safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
