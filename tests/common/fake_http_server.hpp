// A fake HTTP or HTTPS server for the tests: a thread of the test process
// listening on 127.0.0.1 (any free port). It serves one connection after
// another, reads one request from each (headers and Content-Length body),
// records it and sends back what the handler returns. With TLS it presents a
// throwaway self-signed certificate made in memory for one subjectAltName;
// cert() is that certificate in a PEM file, for a client to trust it.
//
// Used by tests/unit/http_client_test.cpp (the client itself) and
// tests/integration/llm_checker_test.cpp (the daemon's llm checker).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "util/fd.hpp"

namespace fab::test {

// (At namespace scope: a nested struct's default member initializers cannot
// serve a default argument of the enclosing class.)
struct FakeHttpOptions {
    bool tls = false;
    std::string san = "DNS:localhost"; // tls: the certificate's subjectAltName
};

class FakeHttpServer {
  public:
    // The raw response to one raw request; std::nullopt holds the connection
    // open, unanswered, until the server stops (a silent or hung server).
    using Handler = std::function<std::optional<std::string>(const std::string& request)>;

    using Options = FakeHttpOptions;

    explicit FakeHttpServer(Handler handler, Options opts = {});
    ~FakeHttpServer(); // stops the thread, closes every connection, removes the certificate
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;

    int port() const { return port_; }
    // "http://host:port" or "https://host:port".
    std::string url(const std::string& host = "127.0.0.1") const;
    // tls: the PEM file of the certificate ("" without tls).
    std::string cert() const;

    // Every request read so far, in order.
    std::vector<std::string> requests() const;
    // The first request, once read; "" if none came within `timeout_ms`.
    std::string first_request(int timeout_ms = 5000) const;
    // The server name (SNI) the first client sent, once its connection has
    // been handled; "" if none was sent or none came within `timeout_ms`.
    std::string sni(int timeout_ms = 3000) const;

  private:
    struct Tls; // the certificate, key and SSL_CTX (OpenSSL stays out of this header)
    class Conn;

    void serve();
    bool handle(Conn& c); // true: hold the connection open, unanswered

    Handler handler_;
    std::unique_ptr<Tls> tls_;
    UniqueFd fd_;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_; // guards what follows; cv_ tells a waiting test it changed
    mutable std::condition_variable cv_;
    int handled_ = 0; // connections whose exchange is over (or held)
    std::vector<std::string> requests_;
    std::string sni_;    // of the first connection
    std::thread thread_; // last: started once everything above exists
};

// A handler that always sends `reply`.
FakeHttpServer::Handler canned(std::string reply);
// A handler that never answers.
FakeHttpServer::Handler silent();

} // namespace fab::test
