// The HTTP(S) client of `fabd`: libcurl's multi-socket interface driven by
// the daemon's libuv loop (one uv_poll per socket curl asks to watch, one
// uv_timer for curl's timeouts). Nothing blocks the loop: name resolution is
// curl's (threaded resolver), TLS is curl's OpenSSL back end, and each
// transfer ends in a callback on the loop thread.
//
// What it guarantees to every caller:
//   - TLS verification on (peer and host name); the trusted certificates are
//     PostOptions::ca_file if given, else $SSL_CERT_FILE / $SSL_CERT_DIR if
//     set (as OpenSSL's default paths read them), else the system store.
//   - A total deadline per transfer (resolve, connect, TLS, send, receive).
//   - A bounded response body (PostOptions::max_body_bytes).
//   - No header injection: names must be tokens, values hold no CR, LF, NUL.
//   - Error messages are one log line and never contain header values (they
//     may hold API keys).
//   - Only http and https; redirects are not followed.
// Connections are kept between transfers (curl's connection cache), so a
// second request to the same API skips the TCP and TLS handshakes.
//
// Loop thread only. Only `fabd` has it, and loads libcurl on the first
// request (net/curl_lib.hpp says why): libcurl and OpenSSL stay out of `fab`
// and `fab-host` (see ARCHITECTURE.md), and out of an idle `fabd`.
#pragma once

#include "net/url.hpp"
#include "util/result.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef struct uv_loop_s uv_loop_t;

namespace fab::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Names must be RFC 9110 tokens; values must not hold CR, LF or NUL (a line
// break in an API key read from the environment would inject headers). The
// error names the header, never its value.
Status check_headers(const Headers& headers);

struct Response {
    int status = 0;
    std::string reason; // "" over HTTP/2, which has none
    Headers headers;    // of the final response, names as received
    std::string body;
    // First value of `name` (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

struct PostOptions {
    int timeout_ms = 30000;                  // total, from the call
    size_t max_body_bytes = 8 * 1024 * 1024; // a longer body fails the transfer
    std::string ca_file;                     // PEM file of trusted certificates; "" = default
    std::string content_type = "application/json";
};

class HttpClient {
  public:
    // Any HTTP status is a success here (the caller decides what a 4xx
    // means); errors are network, TLS, protocol, size, deadline or
    // cancellation failures. Called once, on the loop thread, never from
    // inside post() itself.
    using Done = std::function<void(Result<Response>)>;
    using Id = uint64_t;

    explicit HttpClient(uv_loop_t* loop);
    // Drops every transfer in flight without calling its callback (their
    // owners are going away too) and closes the connections. The loop must
    // run afterwards for the uv handles to finish closing (ev::close_loop).
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Starts a POST of `body` to `url`; `done` runs when it ends. Bad input
    // (URL, headers) is an error here, and then `done` is never called.
    Result<Id> post(const std::string& url, const Headers& headers, std::string body,
                    const PostOptions& opts, Done done);

    // Ends one transfer now; its callback gets "cancelled" before this
    // returns. False if it had already finished.
    bool cancel(Id id);
    // cancel() for every transfer in flight (for shutdown).
    void cancel_all();
    size_t in_flight() const;

  private:
    struct Impl;
    // Created on first use, when libcurl is loaded (net/curl_lib.hpp): an
    // idle daemon pays nothing for curl.
    Result<Impl*> impl();
    uv_loop_t* loop_;
    std::unique_ptr<Impl> impl_;
};

} // namespace fab::net
