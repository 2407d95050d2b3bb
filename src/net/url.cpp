#include "net/url.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>

namespace fab::net {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

Result<Url> parse_url(std::string_view s) {
    Url u;
    auto sep = s.find("://");
    if (sep == std::string_view::npos) return make_error("not an http(s) URL: no \"://\"");
    for (char c : s.substr(0, sep)) u.scheme.push_back(lower(c));
    if (u.scheme != "http" && u.scheme != "https")
        return make_error("unsupported URL scheme \"" + u.scheme + "\" (use http or https)");
    std::string_view rest = s.substr(sep + 3);
    auto hash = rest.find('#');
    if (hash != std::string_view::npos) rest = rest.substr(0, hash);
    auto auth_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view target = auth_end == std::string_view::npos ? "" : rest.substr(auth_end);
    if (authority.find('@') != std::string_view::npos)
        return make_error("URLs with user info are not supported");
    std::string_view port;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return make_error("unterminated IPv6 address in URL");
        u.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return make_error("unexpected text after the IPv6 address in URL");
            port = after.substr(1);
            if (port.empty()) return make_error("empty port in URL");
        }
        unsigned char buf[sizeof(in6_addr)];
        if (::inet_pton(AF_INET6, u.host.c_str(), buf) != 1)
            return make_error("invalid IPv6 address in URL");
    } else {
        auto colon = authority.find(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return make_error("empty port in URL");
        }
        for (char c : u.host)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_'))
                return make_error("invalid character in URL host");
    }
    if (u.host.empty()) return make_error("URL has no host");
    if (!port.empty()) {
        auto p = all_digits(port) && port.size() <= 5 ? parse_int(port) : std::nullopt;
        if (!p || *p < 1 || *p > 65535) return make_error("invalid port in URL");
        u.port = static_cast<int>(*p);
        u.default_port = false;
    } else {
        u.port = u.scheme == "https" ? 443 : 80;
    }
    if (target.empty()) target = "/";
    u.target = target[0] == '?' ? "/" + std::string(target) : std::string(target);
    for (char c : u.target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return make_error("invalid character in URL path (spaces and control characters "
                              "must be percent-encoded)");
    return u;
}

std::string join_url(std::string_view base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return std::string(base) + "/" + std::string(path);
}

} // namespace fab::net
