#include "net/curl_lib.hpp"

#include <dlfcn.h>
#include <string>

namespace fab::net {

namespace {
constexpr const char* kSoname = "libcurl.so.4";
// CURLOPT_PROTOCOLS_STR and CURLOPT_PREREQFUNCTION (http_client.cpp).
constexpr unsigned kMinVersion = 0x075500; // 7.85.0
} // namespace

Result<CurlLib> load_curl() {
    void* h = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* why = ::dlerror();
        return make_error(std::string("cannot load ") + kSoname +
                          " (install libcurl4): " + (why ? why : "unknown error"));
    }
    CurlLib lib;
#define FAB_CURL_LOOKUP(name)                                                                      \
    lib.name = reinterpret_cast<decltype(lib.name)>(::dlsym(h, "curl_" #name));                    \
    if (!lib.name) return make_error(std::string(kSoname) + " has no curl_" #name);
    FAB_CURL_FUNCTIONS(FAB_CURL_LOOKUP)
#undef FAB_CURL_LOOKUP
    const curl_version_info_data* v = lib.version_info(CURLVERSION_NOW);
    if (!v || v->version_num < kMinVersion)
        return make_error(std::string(kSoname) + " is libcurl " + (v ? v->version : "?") +
                          "; fab needs 7.85 or later");
    return lib;
}

} // namespace fab::net
