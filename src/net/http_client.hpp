// A minimal blocking HTTP/1.1 client: one POST with a JSON body, one
// response, one connection (`Connection: close`), and a total deadline that
// covers name resolution, connect, TLS handshake, sending and reading.
// `http://` is plain TCP; `https://` is TLS through OpenSSL, verifying the
// peer against the system trust store, with SNI and host-name checks.
//
// Blocking: call it on the libuv thread pool (ev::queue_work), never on the
// loop thread. Thread-safe: no shared state between calls. Only `fabd` links
// it (OpenSSL must stay out of `fab`).
//
// The pure parts (URL parsing, request formatting, the response parser) are
// exposed for unit tests.
#pragma once

#include "util/result.hpp"

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fab::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

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

// The bytes of a POST request. Fails on header names or values holding
// CR, LF or NUL (header injection, e.g. from an API key in the environment).
Result<std::string> format_post(const Url& url, const Headers& headers, std::string_view body,
                                std::string_view content_type = "application/json");

struct Response {
    int status = 0;
    std::string reason;
    Headers headers; // names as received
    std::string body;
    // First value of `name` (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

// Incremental response parser: status line, headers, then a body framed by
// `Transfer-Encoding: chunked`, `Content-Length`, or the end of the stream.
// 1xx interim responses are skipped. Bounded: headers and body beyond the
// limits are errors, not memory growth.
class ResponseParser {
  public:
    static constexpr size_t kMaxHeaderBytes = 64 * 1024;
    static constexpr size_t kMaxBodyBytes = 8 * 1024 * 1024;

    // Feeds bytes; false on a protocol error (see error()). Bytes after a
    // complete response are ignored.
    bool feed(std::string_view data);
    // The peer closed the connection; false if that cuts the response short.
    bool finish();
    bool done() const { return state_ == State::done; }
    const std::string& error() const { return error_; }
    Response& response() { return resp_; }

  private:
    enum class State {
        status_line,
        headers,
        body_length,
        body_close,
        chunk_size,
        chunk_data,
        chunk_data_end,
        trailers,
        done,
        failed
    };
    bool fail(std::string why);
    bool take_line(std::string& line); // one line from buf_ (CRLF or LF), false if incomplete
    bool on_status_line(const std::string& line);
    bool on_header_line(const std::string& line);
    bool start_body();

    State state_ = State::status_line;
    std::string buf_; // unconsumed input
    size_t header_bytes_ = 0;
    size_t remaining_ = 0; // body_length / chunk_data
    Response resp_;
    std::string error_;
};

struct PostOptions {
    int timeout_ms = 30000;                    // total, from the call
    const std::atomic<bool>* cancel = nullptr; // polled; true → fail early ("cancelled")
    std::string ca_file;                       // tests/overrides; "" = system store
};

// Sends `body` to `url` and reads the whole response. Any HTTP status is a
// success here (the caller decides what a 4xx means); errors are network,
// TLS, protocol, deadline or cancellation failures, worded for a log line.
// Error messages never contain header values (they may be secrets).
Result<Response> post(const std::string& url, const Headers& headers, std::string_view body,
                      const PostOptions& opts = {});

} // namespace fab::net
