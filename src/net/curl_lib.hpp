// libcurl, loaded with dlopen on first use instead of linked into `fabd`.
//
// Why: libcurl4-openssl on Debian 12 pulls in 18 more shared libraries
// (GnuTLS through librtmp, LDAP, SASL, p11-kit, nghttp2, brotli, …), and their
// relocations and constructors cost every daemon ~0.5 MiB RssAnon and
// ~3.4 MiB VmRSS at start-up (bench/run section 3: 1.25 → 1.76 MiB RssAnon),
// although most daemons never make an HTTP call (only the llm permission
// checker does). Loaded on the first request, the cost is paid by the daemons
// that use it, once.
//
// The headers are those of the libcurl the build found (meson checks the
// version); the library loaded is its soname, libcurl.so.4.
#pragma once

#include "util/result.hpp"

#include <curl/curl.h>

namespace fab::net {

// The functions of libcurl that the HTTP client calls, by their names
// without the curl_ prefix.
#define FAB_CURL_FUNCTIONS(X)                                                                      \
    X(global_init)                                                                                 \
    X(global_cleanup)                                                                              \
    X(version_info)                                                                                \
    X(easy_init)                                                                                   \
    X(easy_cleanup)                                                                                \
    X(easy_setopt)                                                                                 \
    X(easy_getinfo)                                                                                \
    X(easy_strerror)                                                                               \
    X(multi_init)                                                                                  \
    X(multi_cleanup)                                                                               \
    X(multi_setopt)                                                                                \
    X(multi_add_handle)                                                                            \
    X(multi_remove_handle)                                                                         \
    X(multi_socket_action)                                                                         \
    X(multi_info_read)                                                                             \
    X(multi_strerror)                                                                              \
    X(slist_append)                                                                                \
    X(slist_free_all)

struct CurlLib {
#define FAB_CURL_MEMBER(name) decltype(&::curl_##name) name = nullptr;
    FAB_CURL_FUNCTIONS(FAB_CURL_MEMBER)
#undef FAB_CURL_MEMBER
};

// dlopen()s libcurl.so.4 (a second call finds it loaded) and looks up every
// function; an error names what is missing. The library is never unloaded:
// OpenSSL registers exit handlers that must find it mapped.
Result<CurlLib> load_curl();

} // namespace fab::net
