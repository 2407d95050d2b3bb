// HTTP(S) URLs as fab accepts them in its config (a provider's base-url):
// checked when the config is read, so that a typo is reported with the
// provider's name rather than as a failed request minutes later. Pure code;
// libcurl does the parsing that matters on the wire.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>

namespace fab::net {

struct Url {
    std::string scheme; // "http" or "https"
    std::string host;   // without brackets for IPv6 literals
    int port = 0;       // explicit or the scheme's default
    bool default_port = true;
    std::string target; // path and query, always starting with '/'
};

// http[s]://host[:port][/path][?query]; no user info, no fragment kept.
Result<Url> parse_url(std::string_view url);

// `base` + `path`, with exactly one '/' between them ("http://h/v1/" +
// "/responses" → "http://h/v1/responses").
std::string join_url(std::string_view base, std::string_view path);

} // namespace fab::net
