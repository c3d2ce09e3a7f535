import CBLAS

/// Row-major single-precision GEMM: C = alpha · A · op(B) + beta · C.
enum Gemm {
    /// `C[m×n] = alpha · A[m×k] · B[n×k]ᵀ + beta · C` (B stored as rows of length k, like PyTorch weights).
    @inline(__always)
    static func timesTransposed(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(Int32(CblasRowMajor), Int32(CblasNoTrans), Int32(CblasTrans), Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C[m×n] = alpha · A[m×k] · B[k×n] + beta · C`.
    @inline(__always)
    static func times(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(Int32(CblasRowMajor), Int32(CblasNoTrans), Int32(CblasNoTrans), Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Sets how many threads BLAS may use (on 2 cores: never nest BLAS threads in our own).
    static func setThreads(_ count: Int) {
        parley_blas_set_threads(Int32(count))
    }
}
