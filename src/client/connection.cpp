#include "client/connection.hpp"

#include "protocol/messages.hpp"
#include "protocol/version.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace fab {

namespace {

// connect(2) on a non-blocking socket, retried until `deadline`. A Unix
// socket whose listen backlog is full (a stopped or wedged daemon) answers
// EAGAIN at once instead of queueing us, so the retry is a short sleep, not
// a poll on the socket. Returns 0 or the errno that ended the attempt
// (EAGAIN when the deadline passed with the backlog still full).
int connect_until(int fd, const sockaddr_un& addr, int64_t deadline) {
    int pause_ms = 1;
    for (;;) {
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return 0;
        int err = errno;
        if (err == EINTR) continue;
        int64_t left = deadline - monotonic_ms();
        if (err == EINPROGRESS) {
            if (left <= 0) return ETIMEDOUT;
            pollfd p{fd, POLLOUT, 0};
            int rc = ::poll(&p, 1, static_cast<int>(left));
            if (rc < 0 && errno == EINTR) continue;
            if (rc <= 0) return rc == 0 ? ETIMEDOUT : errno;
            int so = 0;
            socklen_t len = sizeof so;
            if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len) != 0) return errno;
            return so;
        }
        if (err != EAGAIN || left <= 0) return err;
        ::poll(nullptr, 0, static_cast<int>(std::min<int64_t>(pause_ms, left)));
        pause_ms = std::min(pause_ms * 2, 50);
    }
}

} // namespace

Result<Connection> Connection::open(const std::string& path, ConnectError* why, int timeout_ms) {
    auto set_why = [&](ConnectError e) {
        if (why) *why = e;
    };
    set_why(ConnectError::other);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        return make_error("socket path too long (" + std::to_string(path.size()) +
                          " bytes): " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return make_error("socket: " + errno_string(errno));
    int err = connect_until(fd.get(), addr, monotonic_ms() + std::max(timeout_ms, 0));
    if (err != 0) {
        if (err == ENOENT) set_why(ConnectError::absent);
        if (err == ECONNREFUSED) set_why(ConnectError::refused);
        if (err == EAGAIN || err == ETIMEDOUT) {
            set_why(ConnectError::busy);
            return make_error(path + ": not accepting connections (listen backlog full for " +
                              std::to_string(timeout_ms) + " ms; is the daemon stopped?)");
        }
        return make_error(path + ": " + errno_string(err));
    }
    // Requests wait with poll and deadlines of their own; sends block (the
    // hook bounds them with SO_SNDTIMEO).
    int fl = ::fcntl(fd.get(), F_GETFL);
    if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0)
        return make_error("fcntl: " + errno_string(errno));
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return make_error("SO_PEERCRED: " + errno_string(errno));
    if (cred.uid != ::getuid())
        return make_error(path + ": owned by uid " + std::to_string(cred.uid) +
                          ", not ours; refusing to talk to it");
    set_why(ConnectError::none);
    return Connection(std::move(fd));
}

Status Connection::send_line(const std::string& line) {
    size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::send(fd_.get(), line.data() + off, line.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error("send: " + errno_string(errno));
        }
        off += static_cast<size_t>(n);
    }
    return {};
}

Result<std::string> Connection::read_line(int timeout_ms) {
    int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
    std::string line;
    char buf[65536];
    for (;;) {
        switch (in_.next(line)) {
        case LineBuffer::Next::line:
            return line;
        case LineBuffer::Next::too_long:
            return make_error("response line too long");
        case LineBuffer::Next::need_more:
            break;
        }
        int wait = -1;
        if (deadline >= 0) {
            int64_t left = deadline - monotonic_ms();
            if (left <= 0) return make_error("timed out waiting for the daemon");
            wait = static_cast<int>(left);
        }
        pollfd p{fd_.get(), POLLIN, 0};
        int rc = ::poll(&p, 1, wait);
        if (rc < 0 && errno != EINTR) return make_error("poll: " + errno_string(errno));
        if (rc <= 0) continue;
        ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return make_error("recv: " + errno_string(errno));
        }
        if (n == 0) return make_error("connection closed");
        in_.append(buf, static_cast<size_t>(n));
    }
}

Result<Json> Connection::await(const std::string& id, int64_t deadline) {
    for (;;) {
        int left = static_cast<int>(std::max<int64_t>(0, deadline - monotonic_ms()));
        auto line = read_line(left);
        if (!line) return make_error(line.error());
        Json j = Json::parse(*line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return make_error("malformed response from daemon");
        if (j.value("type", "") == "event") {
            if (on_event_) on_event_(j);
            continue;
        }
        if (j.value("id", "") != id) continue;
        if (!j.value("success", false)) return make_error(j.value("error", "request failed"));
        auto p = j.find("payload");
        return p == j.end() ? Json::object() : *p;
    }
}

Result<Json> Connection::request(const std::string& type, const Json& payload, int timeout_ms) {
    std::string id = "c" + std::to_string(next_id_++);
    if (auto s = send_line(encode_request(type, id, payload)); !s) return make_error(s.error());
    return await(id, monotonic_ms() + timeout_ms);
}

Status Connection::check_protocol(const Json& ping) {
    int major = ping.value("protocol", 0);
    if (major != kProtocolMajor)
        return make_error("daemon speaks protocol " + std::to_string(major) + ", this fab speaks " +
                          std::to_string(kProtocolMajor) + "; restart it with: fab server restart");
    return {};
}

Result<Json> Connection::handshake(int timeout_ms) {
    auto r = request(msg::kPing, {{"protocol", kProtocolMajor}, {"client", "fab"}}, timeout_ms);
    if (!r) return r;
    if (auto s = check_protocol(*r); !s) return make_error(s.error());
    return r;
}

Result<Json> Connection::call(const std::string& type, const Json& payload, int timeout_ms) {
    std::string ping_id = "c" + std::to_string(next_id_++);
    std::string id = "c" + std::to_string(next_id_++);
    std::string both =
        encode_request(msg::kPing, ping_id, {{"protocol", kProtocolMajor}, {"client", "fab"}}) +
        encode_request(type, id, payload);
    if (auto s = send_line(both); !s) return make_error(s.error());
    int64_t deadline = monotonic_ms() + timeout_ms;
    auto ping = await(ping_id, deadline);
    if (!ping) return make_error(ping.error());
    if (auto s = check_protocol(*ping); !s) return make_error(s.error());
    return await(id, deadline);
}

Result<Connection> connect_daemon(const std::string& socket_path) {
    ConnectError why{};
    auto c = Connection::open(socket_path, &why);
    if (!c) {
        if (why == ConnectError::absent || why == ConnectError::refused)
            return make_error("daemon not running (" + c.error() +
                              "); start it with: fab server start");
        if (why == ConnectError::busy)
            return make_error("daemon not responding (" + c.error() + ")");
        return make_error(c.error());
    }
    auto h = c->handshake();
    if (!h) return make_error(h.error());
    return c;
}

} // namespace fab
