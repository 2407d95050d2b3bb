#include "auth/tls_server.hpp"

#include "auth/client_cert.hpp"
#include "auth/openssl_error.hpp"
#include "util/log.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace fab::auth {

namespace {

// What a connection leaves behind in its SSL object: where to remove its
// identity when OpenSSL frees it.
struct ConnectionSlot {
    std::shared_ptr<TlsServer::Identities> identities;
    const void* ssl;
};

void free_slot(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    auto* slot = static_cast<ConnectionSlot*>(ptr);
    if (!slot) return;
    slot->identities->erase(slot->ssl);
    delete slot;
}

// The SSL_CTX's ex_data slot that points back at its TlsServer.
int server_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

} // namespace

Result<std::unique_ptr<TlsServer>> TlsServer::create(const TlsServerConfig& config) {
    std::unique_ptr<TlsServer> s(new TlsServer());
    s->config_ = config;
    s->ctx_ = SSL_CTX_new(TLS_server_method());
    if (!s->ctx_) return make_error("cannot create a TLS context: " + openssl_reason());
    SSL_CTX_set_min_proto_version(s->ctx_, TLS1_2_VERSION);
    SSL_CTX_set_options(s->ctx_, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_use_certificate_chain_file(s->ctx_, config.cert_file.c_str()) != 1)
        return make_error(config.cert_file +
                          ": cannot use it as the server's certificate: " + openssl_reason());
    if (SSL_CTX_use_PrivateKey_file(s->ctx_, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return make_error(config.key_file +
                          ": cannot use it as the server's key: " + openssl_reason());
    if (SSL_CTX_check_private_key(s->ctx_) != 1)
        return make_error(config.key_file + ": does not match the certificate " + config.cert_file);
    if (!config.client_ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(s->ctx_, config.client_ca_file.c_str(), nullptr) != 1)
            return make_error(config.client_ca_file +
                              ": cannot load the client CA: " + openssl_reason());
        // Tell clients which CAs we accept (so a client with several
        // certificates picks the right one).
        if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str()))
            SSL_CTX_set_client_CA_list(s->ctx_, names);
        int mode = SSL_VERIFY_PEER;
        if (config.client_cert_required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        SSL_CTX_set_verify(s->ctx_, mode, &TlsServer::on_verify);
        SSL_CTX_set_verify_depth(s->ctx_, 4);
        s->ex_index_ = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_slot);
        SSL_CTX_set_info_callback(s->ctx_, &TlsServer::on_info);
    }
    SSL_CTX_set_ex_data(s->ctx_, server_index(), s.get());
    return s;
}

TlsServer::~TlsServer() {
    if (ctx_) {
        // Live connections keep the context alive; they must not find us.
        SSL_CTX_set_ex_data(ctx_, server_index(), nullptr);
        SSL_CTX_free(ctx_);
    }
}

const Identity* TlsServer::client_identity(const SSL* ssl) const {
    auto it = identities_->find(ssl);
    return it == identities_->end() ? nullptr : &it->second;
}

// Chain verification, then our own rule at the leaf: its CN must be an
// allowed user. With JWT as a fallback, a failure here is not fatal: the
// handshake goes on and the connection simply has no identity.
int TlsServer::on_verify(int preverified, X509_STORE_CTX* store) {
    SSL* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self =
        ssl ? static_cast<TlsServer*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), server_index()))
            : nullptr;
    if (!self) return 0;
    bool ok = preverified == 1;
    if (ok && X509_STORE_CTX_get_error_depth(store) == 0) {
        auto id = client_certificate_identity(X509_STORE_CTX_get_current_cert(store),
                                              self->config_.allowed_users);
        if (!id) {
            log::warn("TLS client certificate refused: " + id.error());
            ok = false;
        }
    } else if (!ok) {
        log::warn(std::string("TLS client certificate refused: ") +
                  X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
    }
    return ok || !self->config_.client_cert_required ? 1 : 0;
}

// At the end of a handshake: record the identity of a certificate that
// passed on_verify (SSL_get_verify_result is X509_V_OK only then).
void TlsServer::on_info(const SSL* cssl, int where, int) {
    if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
    SSL* ssl = const_cast<SSL*>(cssl);
    auto* self = static_cast<TlsServer*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), server_index()));
    if (!self || SSL_get_ex_data(ssl, self->ex_index_)) return;
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return;
    auto id = client_certificate_identity(cert, self->config_.allowed_users);
    if (!id) return;
    (*self->identities_)[ssl] = *id;
    SSL_set_ex_data(ssl, self->ex_index_, new ConnectionSlot{self->identities_, ssl});
}

} // namespace fab::auth
