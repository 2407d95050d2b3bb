// The daemon's connection to one agent host (hosts/<id>.sock): requests with
// callbacks matched by id, and pushed records. Connecting retries for a while
// because a freshly spawned host needs a moment to bind. Loop thread only.
#pragma once

#include "ev/stream.hpp"
#include "ev/timer.hpp"
#include "protocol/envelope.hpp"
#include "protocol/framing.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace fab {

class HostLink {
  public:
    using Callback = std::function<void(Result<Json>)>;
    using EventFn = std::function<void(const Json& event)>;
    using ClosedFn = std::function<void()>;

    HostLink(uv_loop_t* loop, std::string socket_path)
        : loop_(loop), path_(std::move(socket_path)) {}
    ~HostLink();
    HostLink(const HostLink&) = delete;
    HostLink& operator=(const HostLink&) = delete;

    // Tries to connect until `timeout_ms` passes; `done(ok)`.
    void connect(int64_t timeout_ms, std::function<void(bool)> done);
    void request(const std::string& type, const Json& payload, Callback cb);
    void on_event(EventFn fn) { on_event_ = std::move(fn); }
    void on_closed(ClosedFn fn) { on_closed_ = std::move(fn); }
    bool connected() const { return stream_ != nullptr; }
    void close();

  private:
    void try_connect();
    void on_data(const char* d, size_t n);
    void fail_all(const std::string& why);

    uv_loop_t* loop_;
    std::string path_;
    std::unique_ptr<ev::Stream> stream_;
    std::unique_ptr<ev::Timer> retry_;
    uv_connect_t* connect_req_ = nullptr;
    std::function<void(bool)> connect_done_;
    int64_t deadline_ = 0;
    LineBuffer in_;
    std::map<std::string, Callback> pending_;
    uint64_t next_id_ = 1;
    EventFn on_event_;
    ClosedFn on_closed_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace fab
