#include "daemon/http/http_auth.hpp"

#include <algorithm>

namespace fab::http {

Result<std::unique_ptr<HttpAuth>> HttpAuth::create(const ServerConfig& c) {
    std::unique_ptr<HttpAuth> a(new HttpAuth());
    for (const auto& m : c.auth) {
        if (m != "jwt" && m != "mtls")
            return make_error("[server] auth: unknown method \"" + m + "\" (jwt, mtls)");
        if (std::find(a->methods_.begin(), a->methods_.end(), m) == a->methods_.end())
            a->methods_.push_back(m);
    }
    auto uses = [&](const char* m) {
        return std::find(a->methods_.begin(), a->methods_.end(), m) != a->methods_.end();
    };
    if (a->required() && c.allowed_users.empty())
        return make_error("[server] auth is set but allowed-users is empty: nobody could sign in");
    if (uses("jwt")) {
        if (c.jwt_public_keys.empty())
            return make_error("[server] auth = jwt needs jwt-public-key (make a pair with: fab "
                              "token keygen)");
        for (const auto& path : c.jwt_public_keys) {
            auto key = auth::Ed25519Key::load_public(path);
            if (!key) return make_error("[server] jwt-public-key: " + key.error());
            a->keys_.push_back(std::move(key).value());
        }
        a->policy_ = {c.jwt_issuer.empty() ? "fab" : c.jwt_issuer, c.allowed_users, 60};
    }
    if (uses("mtls") && (c.tls_cert.empty() || c.tls_client_ca.empty()))
        return make_error("[server] auth = mtls needs tls-cert, tls-key and tls-client-ca");
    if (c.tls_cert.empty() != c.tls_key.empty())
        return make_error("[server] tls-cert and tls-key go together");
    if (!c.tls_cert.empty()) {
        auto tls = auth::TlsServer::create({c.tls_cert, c.tls_key,
                                            uses("mtls") ? c.tls_client_ca : std::string(),
                                            uses("mtls") && !uses("jwt"), c.allowed_users});
        if (!tls) return make_error("[server] " + tls.error());
        a->tls_ = std::move(tls).value();
    }
    return a;
}

Result<auth::Identity> HttpAuth::identify(const SSL* ssl, std::string_view authorization,
                                          int64_t now) const {
    std::string why;
    for (const auto& m : methods_) {
        if (m == "mtls") {
            if (const auth::Identity* id = tls_ && ssl ? tls_->client_identity(ssl) : nullptr)
                return *id;
            if (why.empty()) why = "no accepted client certificate";
        } else if (!authorization.empty()) {
            auto token = auth::bearer_token(authorization);
            if (!token) return make_error(token.error());
            std::string key(*token);
            if (auto hit = verified_.find(key); hit != verified_.end()) {
                if (now <= hit->second.valid_until) return hit->second;
                verified_.erase(hit);
            }
            auto id = auth::verify_jwt(*token, keys_, policy_, now);
            if (id) {
                if (verified_.size() >= kMaxVerifiedTokens) verified_.clear();
                verified_.emplace(std::move(key), *id);
            }
            return id;
        } else {
            why = "a bearer token is required (Authorization: Bearer <token>)";
        }
    }
    return make_error(why.empty() ? "not authenticated" : why);
}

} // namespace fab::http
