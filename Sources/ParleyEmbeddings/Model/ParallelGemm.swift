/// Splits the encoder's work over a fixed number of threads: dense layers, attention heads and
/// element-wise kernels alike, so the second core is busy during softmax and GELU too. BLAS (the
/// attention products) runs single-threaded inside each part, so its threads never spin against ours.
struct WorkSplitter: Sendable {
    let pool: ForkJoinPool
    var threads: Int { pool.threads }
    /// Below this many rows per thread, threads share a GEMM's columns rather than its rows.
    static let rowSplitMinimum = 64

    init(threads: Int) {
        pool = ForkJoinPool(threads: threads)
    }

    /// Runs `body(part, range)` for `threads` contiguous slices of `0..<count`.
    func forEachSlice(of count: Int, minimumSlice: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let parts = minimumSlice == .max ? 1 : max(1, min(threads, count / max(1, minimumSlice)))
        let size = (count + parts - 1) / parts
        // The slices write disjoint memory.
        pool.perform(parts: parts) { part in
            let start = part * size
            let end = min(count, start + size)
            if start < end { body(part, start..<end) }
        }
    }

    /// `C[m×n] = A[m×k] · Wᵀ (+ C when accumulating)`: split over rows when there are enough for
    /// every thread, else over the weight's panels.
    func gemmTransposed(m: Int, a: UnsafePointer<Float>, lda: Int, weight: PanelMatrix, accumulate: Bool,
                        c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m >= Self.rowSplitMinimum * threads {
            // Whole tiles per thread, so no thread computes a ragged tile in the middle.
            let tiles = (m + PanelGemm.rowsPerTile - 1) / PanelGemm.rowsPerTile
            forEachSlice(of: tiles) { _, slice in
                let rows = slice.lowerBound * PanelGemm.rowsPerTile..<min(m, slice.upperBound * PanelGemm.rowsPerTile)
                PanelGemm.multiply(rows: rows, panels: 0..<weight.panelCount, a: a, lda: lda, b: weight, accumulate: accumulate,
                                   c: c, ldc: ldc)
            }
        } else {
            forEachSlice(of: weight.panelCount, minimumSlice: 2) { _, panels in
                PanelGemm.multiply(rows: 0..<m, panels: panels, a: a, lda: lda, b: weight, accumulate: accumulate, c: c, ldc: ldc)
            }
        }
    }
}
