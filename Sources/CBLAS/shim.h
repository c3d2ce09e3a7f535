// The few BLAS entry points Parley uses. On Linux they come from OpenBLAS (Debian's
// libopenblas-dev); on macOS from Accelerate. Linking is set on the targets that import this module.
#ifndef PARLEY_CBLAS_SHIM_H
#define PARLEY_CBLAS_SHIM_H

#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
static inline void parley_blas_set_threads(int n) { (void)n; }
static inline int parley_blas_threads(void) { return 1; }
#else
// Declared here rather than through <cblas.h>, which Debian resolves through the
// alternatives system and may point at a BLAS other than OpenBLAS.
enum { CblasRowMajor = 101, CblasColMajor = 102 };
enum { CblasNoTrans = 111, CblasTrans = 112 };
void cblas_sgemm(const int order, const int transA, const int transB, const int m, const int n, const int k,
                 const float alpha, const float *a, const int lda, const float *b, const int ldb,
                 const float beta, float *c, const int ldc);
float cblas_sdot(const int n, const float *x, const int incx, const float *y, const int incy);
void openblas_set_num_threads(int threads);
int openblas_get_num_threads(void);
static inline void parley_blas_set_threads(int n) { openblas_set_num_threads(n); }
static inline int parley_blas_threads(void) { return openblas_get_num_threads(); }
#endif

#endif
