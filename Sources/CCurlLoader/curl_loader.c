// libcurl through dlopen (`curl_loader.h`). Only the stable parts of libcurl's ABI are used:
// the easy interface and option numbers unchanged since libcurl 7.x.
#include "curl_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Option numbers: type base (long 0, pointer 10000, function 20000) + number, as curl.h defines them.
enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_RANGE = 10007, OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011, OPT_USERAGENT = 10018, OPT_LOW_SPEED_LIMIT = 19, OPT_LOW_SPEED_TIME = 20,
    OPT_HEADERDATA = 10029, OPT_FOLLOWLOCATION = 52, OPT_MAXREDIRS = 68, OPT_CONNECTTIMEOUT = 78,
    OPT_HEADERFUNCTION = 20079, OPT_NOSIGNAL = 99,
};
enum { INFO_RESPONSE_CODE = 0x200002 };
enum { CURL_ERROR_SIZE = 256 };

static struct {
    void *(*easy_init)(void);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_perform)(void *);
    int (*easy_getinfo)(void *, int, ...);
    void (*easy_cleanup)(void *);
    const char *(*easy_strerror)(int);
    const char *problem;
} curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static char problem[512];

static void load(void) {
    const char *chosen = getenv("NETDISSECT_LIBCURL");
    void *library;
    if (chosen && *chosen) {
        library = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            const char *why = dlerror();
            snprintf(problem, sizeof problem, "NETDISSECT_LIBCURL=%s cannot be loaded (%s); unset it or name a libcurl.so.4",
                     chosen, why ? why : "unknown reason");
            curl.problem = problem;
            return;
        }
    } else {
        library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!library) library = dlopen("libcurl-gnutls.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            curl.problem = "libcurl is not installed (libcurl.so.4); install it (Debian: apt install libcurl4)";
            return;
        }
    }
    curl.easy_init = (void *(*)(void))dlsym(library, "curl_easy_init");
    curl.easy_setopt = (int (*)(void *, int, ...))dlsym(library, "curl_easy_setopt");
    curl.easy_perform = (int (*)(void *))dlsym(library, "curl_easy_perform");
    curl.easy_getinfo = (int (*)(void *, int, ...))dlsym(library, "curl_easy_getinfo");
    curl.easy_cleanup = (void (*)(void *))dlsym(library, "curl_easy_cleanup");
    curl.easy_strerror = (const char *(*)(int))dlsym(library, "curl_easy_strerror");
    if (!curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo
        || !curl.easy_cleanup || !curl.easy_strerror) {
        curl.easy_init = NULL;
        curl.problem = "the libcurl found lacks its easy interface";
    }
}

const char *nd_curl_load(void) {
    pthread_once(&once, load);
    return curl.easy_init ? NULL : curl.problem;
}

int nd_curl_get(const char *url, const char *range, long idle_seconds, nd_curl_data_callback on_header,
                nd_curl_data_callback on_body, void *context, long *status, char *message, size_t message_size) {
    *status = 0;
    if (message_size > 0) message[0] = 0;
    if (nd_curl_load() || message_size < CURL_ERROR_SIZE) return -1;
    void *handle = curl.easy_init();
    if (!handle) return -1;
    curl.easy_setopt(handle, OPT_URL, url);
    if (range) curl.easy_setopt(handle, OPT_RANGE, range);
    curl.easy_setopt(handle, OPT_ERRORBUFFER, message);
    curl.easy_setopt(handle, OPT_USERAGENT, "netdissect");
    curl.easy_setopt(handle, OPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(handle, OPT_MAXREDIRS, 10L);
    curl.easy_setopt(handle, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, OPT_CONNECTTIMEOUT, idle_seconds);
    curl.easy_setopt(handle, OPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(handle, OPT_LOW_SPEED_TIME, idle_seconds);
    curl.easy_setopt(handle, OPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(handle, OPT_HEADERDATA, context);
    curl.easy_setopt(handle, OPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(handle, OPT_WRITEDATA, context);
    int code = curl.easy_perform(handle);
    curl.easy_getinfo(handle, INFO_RESPONSE_CODE, status);
    curl.easy_cleanup(handle);
    return code;
}

const char *nd_curl_describe(int code) {
    return nd_curl_load() ? "" : curl.easy_strerror(code);
}
