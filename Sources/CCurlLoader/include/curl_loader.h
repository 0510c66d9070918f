// libcurl, loaded when a download starts instead of when netdissect starts: one HTTP(S) GET with
// callbacks for the headers and the body. Linking libcurl (through FoundationNetworking, as
// URLSession did) made every netdissect command load it and ~30 libraries it needs (TLS,
// Kerberos, LDAP) at start-up, ~10 ms each time, and made netdissect fail to start on a machine
// without them even though only `broden download` uses the network.
#ifndef ND_CURL_LOADER_H
#define ND_CURL_LOADER_H

#include <stddef.h>

/// Called with `size * count` bytes (one header line, or a piece of the body); returns the bytes
/// taken, anything else stops the transfer.
typedef size_t (*nd_curl_data_callback)(char *bytes, size_t size, size_t count, void *context);

/// Loads libcurl once (the file `NETDISSECT_LIBCURL` names, else libcurl.so.4, else
/// libcurl-gnutls.so.4); NULL when it is there, else what went wrong, in one line.
const char *nd_curl_load(void);

/// One GET of `url` following redirects, `range` ("N-", or NULL for the whole resource) sent as
/// `Range: bytes=N-`, given up when fewer than one byte a second arrives for `idle_seconds` (or a
/// connection takes that long). Header lines go to `on_header`, the body to `on_body`. Returns
/// libcurl's result code (0: the transfer completed; -1: libcurl is not loaded), the last HTTP
/// status in `*status`, and libcurl's message for a failure in `message` (`message_size` bytes,
/// at least 256).
int nd_curl_get(const char *url, const char *range, long idle_seconds, nd_curl_data_callback on_header,
                nd_curl_data_callback on_body, void *context, long *status, char *message, size_t message_size);

/// libcurl's description of a result code ("" when libcurl is not loaded).
const char *nd_curl_describe(int code);

#endif
