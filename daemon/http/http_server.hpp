// The HTTP API (server mode): h2o (its libuv build) on the daemon's own loop,
// HTTP/1.1 keep-alive and h2c, no HTTP parsing of ours. Routes
// (routes.cpp) turn a request into a protocol Request and dispatch it to the
// same handlers as the Unix socket; the answer comes back through an
// HttpResponder. SSE streams (sse.cpp) are h2o streaming responses with a
// bounded buffer each. Loopback only until authentication exists. Loop
// thread only.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <uv.h>

namespace fab {

class Daemon;
class SseStream;
struct ServerConfig;
namespace http {
class HttpAuth;
}

// "PORT", "HOST:PORT" or "[V6]:PORT" (default host 127.0.0.1).
struct ListenAddress {
    std::string host;
    int port = 0;
};
Result<ListenAddress> parse_listen_address(const std::string& spec);
bool is_loopback_host(const std::string& host);
constexpr const char* kDefaultHttpListen = "127.0.0.1:3000";

class HttpServer {
  public:
    HttpServer(uv_loop_t* loop, Daemon& d);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Loads the authentication settings (keys, certificates), binds and
    // listens; refuses a non-loopback address without authentication.
    Status listen(const std::string& spec, const ServerConfig& config);
    // nullptr before listen().
    const http::HttpAuth* auth() const { return auth_.get(); }
    // Stops accepting, ends every SSE stream and asks h2o to close its
    // connections; the loop then runs out.
    void close();
    const std::string& address() const { return address_; }
    Daemon& daemon() { return d_; }

    // SSE streams register here so close() can end them.
    void add_stream(SseStream* s) { streams_.insert(s); }
    void remove_stream(SseStream* s) { streams_.erase(s); }
    // Other responses that stay open (an attach over POST /api/v1/messages)
    // register how to end them, so that close() does not wait on them.
    void add_open_response(const void* key, std::function<void()> end) {
        open_responses_[key] = std::move(end);
    }
    void remove_open_response(const void* key) { open_responses_.erase(key); }
    const std::set<SseStream*>& streams() const { return streams_; }
    // Streams closed because their client fell too far behind.
    void count_dropped_stream() { ++dropped_streams_; }
    uint64_t dropped_streams() const { return dropped_streams_; }

    struct Impl; // h2o's structures (http_server.cpp)

  private:
    void on_connection(uv_stream_t* listener);

    uv_loop_t* loop_;
    Daemon& d_;
    std::unique_ptr<Impl> impl_;
    uv_tcp_t* listener_ = nullptr; // closed before freed (ev::close_and_free)
    std::string address_;
    std::unique_ptr<http::HttpAuth> auth_;
    std::set<SseStream*> streams_;
    std::map<const void*, std::function<void()>> open_responses_;
    uint64_t dropped_streams_ = 0;
    bool closed_ = false;
};

} // namespace fab
