// libspng (Debian: libspng-dev).
#include <spng.h>
