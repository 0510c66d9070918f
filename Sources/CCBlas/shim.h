// OpenBLAS through its CBLAS interface (Debian: libopenblas-dev, pthread variant).
#include <cblas.h>
// Thread control is OpenBLAS-specific and declared in its cblas.h:
// openblas_set_num_threads, openblas_get_num_threads.
