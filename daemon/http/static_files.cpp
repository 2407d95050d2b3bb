// Finding a web UI file for a request path: the path is made canonical
// first (static_files.hpp), then looked up in the built-in table — no
// request ever becomes a filesystem path.
#include "daemon/http/static_files.hpp"

#include "daemon/http/routes.hpp"

#include <vector>

namespace fab::http {

namespace {

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

std::optional<std::string> normalise_web_path(std::string_view raw) {
    if (raw.empty() || raw.front() != '/') return std::nullopt;
    // A '%' must start a full escape; '+' is a plus in a path (not a space).
    for (size_t i = 0; i < raw.size(); ++i)
        if (raw[i] == '%' && (i + 2 >= raw.size() || !is_hex(raw[i + 1]) || !is_hex(raw[i + 2])))
            return std::nullopt;
    std::string plus_kept;
    for (char c : raw) plus_kept += c == '+' ? std::string("%2B") : std::string(1, c);
    std::string decoded = percent_decode(plus_kept);
    std::vector<std::string> segments;
    size_t at = 0;
    while (at <= decoded.size()) {
        size_t end = decoded.find('/', at);
        if (end == std::string::npos) end = decoded.size();
        std::string seg = decoded.substr(at, end - at);
        at = end + 1;
        if (seg.find('\0') != std::string::npos || seg.find('\\') != std::string::npos)
            return std::nullopt;
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (segments.empty()) return std::nullopt; // above the root
            segments.pop_back();
            continue;
        }
        segments.push_back(std::move(seg));
    }
    if (segments.empty()) return std::string("/index.html");
    std::string out;
    for (const auto& s : segments) out += "/" + s;
    return out;
}

const WebAsset* find_web_asset(std::string_view raw_path) {
    auto path = normalise_web_path(raw_path);
    if (!path) return nullptr;
    for (const WebAsset& a : web_assets())
        if (a.path == *path) return &a;
    return nullptr;
}

bool is_web_request(std::string_view method, std::string_view path) {
    if (method != "GET" && method != "HEAD") return false;
    if (path == "/health" || path == "/api" || path.starts_with("/api/")) return false;
    return true;
}

} // namespace fab::http
