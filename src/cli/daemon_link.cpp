#include "cli/daemon_link.hpp"

#include <climits>
#include <cstdlib>
#include <unistd.h>

namespace fab::cli {

std::optional<Connection> connect_daemon_socket(const Invocation& inv, int& exit_code) {
    ConnectError why{};
    auto c = Connection::open(inv.paths.socket, &why);
    if (c) return std::move(*c);
    if (why == ConnectError::absent || why == ConnectError::refused)
        exit_code = fail("daemon not running; start it with: fab server start", Exit::no_daemon);
    else if (why == ConnectError::busy)
        exit_code = fail("daemon not responding: " + c.error(), Exit::no_daemon);
    else
        exit_code = fail(c.error());
    return std::nullopt;
}

std::optional<Connection> open_daemon(const Invocation& inv, int& exit_code) {
    auto c = connect_daemon_socket(inv, exit_code);
    if (!c) return std::nullopt;
    if (auto h = c->handshake(); !h) {
        exit_code = fail(h.error());
        return std::nullopt;
    }
    return c;
}

std::optional<Json> call_daemon(const Invocation& inv, const std::string& type, const Json& payload,
                                int& exit_code, int timeout_ms) {
    auto c = connect_daemon_socket(inv, exit_code);
    if (!c) return std::nullopt;
    auto r = c->call(type, payload, timeout_ms);
    if (!r) {
        exit_code = fail(r.error());
        return std::nullopt;
    }
    exit_code = Exit::ok;
    return std::move(*r);
}

std::string sibling_program(const char* name) {
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        std::string dir(self, static_cast<size_t>(n));
        dir.resize(dir.rfind('/') + 1);
        std::string candidate = dir + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return name; // found through PATH by exec
}

} // namespace fab::cli
