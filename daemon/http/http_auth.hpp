// Who may use the HTTP API: `[server] auth` (jwt, mtls, in order; the first
// that succeeds wins), allowed-users, the JWT keys and issuer, and the TLS
// certificate, key and client CA. Built once at start-up from the config;
// every file is loaded then, so a bad key or certificate stops the start
// with an error naming the file, never a request later. No h2o here.
#pragma once

#include "auth/ed25519.hpp"
#include "auth/jwt.hpp"
#include "auth/tls_server.hpp"
#include "config/config.hpp"
#include "util/result.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fab::http {

class HttpAuth {
  public:
    static Result<std::unique_ptr<HttpAuth>> create(const ServerConfig& config);

    // A method is configured: every request must authenticate.
    bool required() const { return !methods_.empty(); }
    // HTTPS when a certificate is configured; nullptr = plain HTTP.
    SSL_CTX* tls_context() const { return tls_ ? tls_->context() : nullptr; }
    // The identity of a request on the TLS connection `ssl` (nullptr for
    // plain HTTP) with this Authorization header, or why it is refused (for
    // the 401).
    Result<auth::Identity> identify(const SSL* ssl, std::string_view authorization,
                                    int64_t now) const;

  private:
    HttpAuth() = default;
    std::vector<std::string> methods_; // "jwt" / "mtls", in order
    std::vector<auth::Ed25519Key> keys_;
    auth::JwtPolicy policy_;
    std::unique_ptr<auth::TlsServer> tls_;
    // Tokens already verified (signature and claims), kept until they
    // expire: an Ed25519 verification per request cost three quarters of
    // the authenticated throughput. The keys never change while the daemon
    // runs; a later time only moves a token nearer its exp. Bounded (cleared
    // when full); loop thread only.
    static constexpr size_t kMaxVerifiedTokens = 256;
    mutable std::unordered_map<std::string, auth::Identity> verified_;
};

} // namespace fab::http
