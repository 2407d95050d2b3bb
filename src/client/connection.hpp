// A blocking client of a fab socket (the daemon's or an agent host's).
// Used by `fab` commands and the hook: plain POSIX, no event loop, every
// wait bounded by a deadline.
#pragma once

#include "protocol/envelope.hpp"
#include "protocol/framing.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>

namespace fab {

// busy: the socket exists but its listen backlog stayed full until the
// deadline (a stopped or wedged daemon).
enum class ConnectError { none, absent, refused, busy, other };

// How long a client waits for connect() before giving up.
constexpr int kConnectTimeoutMs = 5000;

class Connection {
  public:
    // Connects and checks that the peer runs as our uid (SO_PEERCRED).
    // `why` tells absent (no socket) / refused (stale) / busy / other apart.
    // Never waits longer than `timeout_ms` for the peer to accept.
    static Result<Connection> open(const std::string& socket_path, ConnectError* why = nullptr,
                                   int timeout_ms = kConnectTimeoutMs);

    // Sends a request and waits for the response with the same id, skipping
    // events. Returns the payload on success, the daemon's error otherwise.
    Result<Json> request(const std::string& type, const Json& payload = Json::object(),
                         int timeout_ms = 30000);

    // ping + protocol major check; returns the ping payload.
    Result<Json> handshake(int timeout_ms = 5000);

    // The handshake and one request in a single write: one round trip
    // instead of two (most CLI commands are exactly this).
    Result<Json> call(const std::string& type, const Json& payload, int timeout_ms = 30000);

    Status send_line(const std::string& line);
    // Next line from the peer (events or responses); empty error on EOF is
    // reported as "connection closed". timeout_ms < 0 waits forever.
    Result<std::string> read_line(int timeout_ms);

    int fd() const { return fd_.get(); }
    // Called with each event that arrives while request()/call() wait
    // (otherwise skipped), e.g. a clone's progress.
    void on_event(std::function<void(const Json&)> f) { on_event_ = std::move(f); }

  private:
    explicit Connection(UniqueFd fd) : fd_(std::move(fd)) {}
    Result<Json> await(const std::string& id, int64_t deadline_ms);
    static Status check_protocol(const Json& ping);
    UniqueFd fd_;
    LineBuffer in_;
    int next_id_ = 1;
    std::function<void(const Json&)> on_event_;
};

// Connects and performs the handshake. Errors read like
// "daemon not running (no socket at …); start it with: fab server start".
Result<Connection> connect_daemon(const std::string& socket_path);

} // namespace fab
