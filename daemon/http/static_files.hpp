// The web UI's files (share/web/*), compiled into fabd by daemon/meson.build
// and served at `/` (static_response.cpp). Built in rather than installed
// under share/: the daemon then finds them the same way from the build tree
// and after `meson install`, the page always matches the API of the daemon
// serving it, and serving never reads the disk on the loop thread nor opens
// a path a request named. No h2o here (unit tests use it).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fab::http {

struct WebAsset {
    std::string_view path;         // "/app.js"
    std::string_view content_type; // "text/javascript; charset=utf-8"
    std::string_view body;
};

// Every file of share/web, as built in (web_assets.cpp, generated).
std::span<const WebAsset> web_assets();

// A request path (without its query) made canonical: percent-decoded, empty
// and "." segments dropped, ".." taking the previous segment away, "/" →
// "/index.html". nullopt when it climbs above the root or holds a NUL, a
// backslash or a malformed escape: such a path names no file of ours.
std::optional<std::string> normalise_web_path(std::string_view raw);

// The asset a request path names, or nullptr.
const WebAsset* find_web_asset(std::string_view raw_path);

// True for the paths the web UI owns: GET/HEAD of anything outside /api/
// and /health. These are served without authentication (the page has to
// load to ask for a token; it holds no data).
bool is_web_request(std::string_view method, std::string_view path);

// The Content-Security-Policy of every page: same-origin scripts, styles and
// fetches only, no inline code, no framing.
inline constexpr std::string_view kWebCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

} // namespace fab::http
