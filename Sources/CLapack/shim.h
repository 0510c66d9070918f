// LAPACK (and the one BLAS routine its callers need) through the Fortran symbols OpenBLAS exports
// (Debian: libopenblas-dev ships LAPACK inside libopenblas but no LAPACKE header). Integers are
// 32-bit (the LP64 interface Debian builds). Character arguments are followed, as gfortran
// passes them, by their hidden lengths at the end of the argument list.
#include <stddef.h>

/// Real Schur factorisation A = Z T Z^T of a general n x n matrix (column-major).
void dgees_(const char *jobvs, const char *sort, int (*select)(const double *, const double *),
            const int *n, double *a, const int *lda, int *sdim, double *wr, double *wi,
            double *vs, const int *ldvs, double *work, const int *lwork, int *bwork, int *info,
            size_t jobvs_len, size_t sort_len);

/// Householder QR factorisation of an m x n matrix (column-major).
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau,
             double *work, const int *lwork, int *info);

/// Forms the m x n matrix Q with orthonormal columns from dgeqrf's reflectors.
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda,
             const double *tau, double *work, const int *lwork, int *info);

/// C = alpha op(A) op(B) + beta C, all column-major.
void dgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc, size_t transa_len, size_t transb_len);
