// libsixel (Debian: libsixel-dev). Handles arrive in Swift as OpaquePointer?.
#include <sixel/sixel.h>
