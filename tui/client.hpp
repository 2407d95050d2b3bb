// A non-blocking client of the daemon's socket on the TUI's loop: connect,
// ping, requests matched to replies by id, events passed on as they come.
// NDJSON framing with the protocol's line bound. One connection at a time;
// the app reconnects (with backoff) after `on_down`. Loop thread only.
#pragma once

#include "ev/stream.hpp"
#include "ev/timer.hpp"
#include "protocol/envelope.hpp"
#include "protocol/framing.hpp"
#include "util/result.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fab::tui {

class Client {
  public:
    using ReplyFn = std::function<void(Result<Json>)>;
    using EventFn = std::function<void(const Json&)>;
    using DownFn = std::function<void(const std::string& why)>;

    // `handshake_timeout_ms` bounds connect + ping.
    Client(uv_loop_t* loop, std::string socket_path, uint64_t handshake_timeout_ms = 5000);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Connects and pings. `on_up` gets the ping reply; `on_down` runs once
    // when connecting fails or the connection ends (not after close()).
    void connect(ReplyFn on_up, EventFn on_event, DownFn on_down);
    // Sends a request; `done` runs with the reply's payload or error (or
    // "not connected" at once). Dropped silently by close().
    void request(const std::string& type, const Json& payload, ReplyFn done);
    void close();
    bool up() const { return up_; }

  private:
    void on_connected(int status);
    void on_data(const char* data, size_t len);
    void on_line(const std::string& line);
    void down(const std::string& why);

    uv_loop_t* loop_;
    std::string path_;
    std::unique_ptr<ev::Stream> stream_;
    std::vector<std::unique_ptr<ev::Stream>> dead_; // closed, freed by reap_
    ev::Timer reap_;
    // Bounds connect + ping: a stopped daemon whose socket still accepts
    // (or whose backlog is full) is reported, and the app retries.
    ev::Timer handshake_;
    uint64_t handshake_timeout_ms_;
    LineBuffer in_;
    std::map<std::string, ReplyFn> pending_;
    ReplyFn on_up_;
    EventFn on_event_;
    DownFn on_down_;
    int next_id_ = 1;
    bool up_ = false;
    // A pending uv_connect_t outlives a closed stream (its callback runs
    // with UV_ECANCELED): it holds only this weak token to find its client.
    std::shared_ptr<Client*> self_;
};

} // namespace fab::tui
