// The HTTP server's TLS: an OpenSSL server context (TLS 1.2 or newer, the
// configured certificate and key) and, with `[server] tls-client-ca`, client
// certificates (mTLS). When mTLS is the only method, a missing, untrusted or
// not-allowed client certificate fails the handshake; when JWT is on too,
// such a connection is let through without an identity and must bring a
// token instead.
//
// Which user a connection is: at the end of the handshake the identity is
// recorded under the connection's SSL object, and forgotten when OpenSSL
// frees it (an ex_data free callback), so an address reused by a later
// connection never inherits it.
#pragma once

#include "auth/identity.hpp"
#include "util/result.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct x509_store_ctx_st X509_STORE_CTX;

namespace fab::auth {

struct TlsServerConfig {
    std::string cert_file;             // PEM chain: the server's certificate first
    std::string key_file;              // PEM private key
    std::string client_ca_file;        // PEM CAs that sign client certificates; "" = no mTLS
    bool client_cert_required = false; // mTLS is the only method
    std::vector<std::string> allowed_users;
};

class TlsServer {
  public:
    // Errors name the file and OpenSSL's reason.
    static Result<std::unique_ptr<TlsServer>> create(const TlsServerConfig& config);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    SSL_CTX* context() const { return ctx_; }
    // The verified, allowed client certificate's identity on the connection
    // of `ssl`; nullptr when it showed none.
    const Identity* client_identity(const SSL* ssl) const;
    size_t connections_with_identity() const { return identities_->size(); }

    using Identities = std::map<const void*, Identity>;

  private:
    TlsServer() = default;
    SSL_CTX* ctx_ = nullptr;
    TlsServerConfig config_;
    // Shared with every live connection's ex_data, so a connection freed
    // after this object still finds a valid map to leave.
    std::shared_ptr<Identities> identities_ = std::make_shared<Identities>();
    int ex_index_ = -1;

    static int on_verify(int preverified, X509_STORE_CTX* store);
    static void on_info(const SSL* ssl, int where, int ret);
};

} // namespace fab::auth
