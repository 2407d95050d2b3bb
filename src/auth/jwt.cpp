#include "auth/jwt.hpp"

#include "auth/base64url.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <strings.h>

namespace fab::auth {

namespace {

using Json = nlohmann::json;

// A JSON object from one base64url part, or nothing.
std::optional<Json> decode_object(std::string_view part) {
    auto bytes = base64url_decode(part);
    if (!bytes) return std::nullopt;
    Json j = Json::parse(*bytes, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

// A NumericDate claim (RFC 7519 §2: seconds, may be fractional).
std::optional<int64_t> numeric_date(const Json& claims, const char* name) {
    auto it = claims.find(name);
    if (it == claims.end() || !it->is_number()) return std::nullopt;
    double v = it->get<double>();
    if (!std::isfinite(v) || v < 0 || v > 1e15) return std::nullopt;
    return static_cast<int64_t>(v);
}

Error refuse(const std::string& why) {
    return make_error("invalid token: " + why);
}

} // namespace

Result<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() ||
        strncasecmp(authorization.data(), kScheme.data(), kScheme.size()) != 0)
        return make_error("the Authorization header is not \"Bearer <token>\"");
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return make_error("the Authorization header holds no token");
    return token;
}

Result<Identity> verify_jwt(std::string_view token, std::span<const Ed25519Key> keys,
                            const JwtPolicy& policy, int64_t now) {
    if (token.size() > kMaxTokenBytes)
        return refuse("longer than " + std::to_string(kMaxTokenBytes) + " bytes");
    size_t dot1 = token.find('.');
    size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return refuse("not three dot-separated parts");
    std::string_view header_part = token.substr(0, dot1);
    std::string_view claims_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
    std::string_view signature_part = token.substr(dot2 + 1);

    auto header = decode_object(header_part);
    if (!header) return refuse("the header is not base64url-encoded JSON");
    auto alg = header->find("alg");
    if (alg == header->end() || !alg->is_string()) return refuse("the header names no alg");
    if (*alg != "EdDSA")
        return refuse("alg \"" + alg->get<std::string>().substr(0, 32) +
                      "\" is not accepted (only EdDSA)");
    // Extensions we do not implement must not be ignored (RFC 7515 §4.1.11).
    if (header->contains("crit")) return refuse("the header has critical extensions");

    auto signature = base64url_decode(signature_part);
    if (!signature) return refuse("the signature is not base64url");
    std::string_view signed_part = token.substr(0, dot2);
    bool verified = false;
    for (const auto& key : keys)
        if (key.verify(signed_part, *signature)) {
            verified = true;
            break;
        }
    if (!verified) return refuse("bad signature");

    auto claims = decode_object(claims_part);
    if (!claims) return refuse("the claims are not base64url-encoded JSON");
    auto exp = numeric_date(*claims, "exp");
    if (!exp) return refuse("no valid exp claim");
    if (now > *exp + policy.leeway_seconds) return refuse("expired");
    auto iat = numeric_date(*claims, "iat");
    if (!iat) return refuse("no valid iat claim");
    if (*iat > now + policy.leeway_seconds) return refuse("issued in the future (iat)");
    if (claims->contains("nbf")) {
        auto nbf = numeric_date(*claims, "nbf");
        if (!nbf) return refuse("the nbf claim is not a date");
        if (*nbf > now + policy.leeway_seconds) return refuse("not valid yet (nbf)");
    }
    auto iss = claims->find("iss");
    if (iss == claims->end() || !iss->is_string() || *iss != policy.issuer)
        return refuse("wrong or missing issuer (iss)");
    auto sub = claims->find("sub");
    if (sub == claims->end() || !sub->is_string()) return refuse("no sub claim");
    std::string user(last_path_segment(sub->get<std::string>()));
    if (!user_allowed(user, policy.allowed_users))
        return refuse("user \"" + user.substr(0, 64) + "\" is not in allowed-users");
    return Identity{user, "jwt", *exp + policy.leeway_seconds};
}

Result<std::string> issue_jwt(const Ed25519Key& key, const std::string& issuer,
                              const std::string& subject, int64_t now, int64_t ttl_seconds) {
    if (ttl_seconds <= 0) return make_error("the lifetime must be positive");
    Json header = {{"alg", "EdDSA"}, {"typ", "JWT"}};
    Json claims = {{"iss", issuer}, {"sub", subject}, {"iat", now}, {"exp", now + ttl_seconds}};
    std::string signing_input =
        base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
    auto sig = key.sign(signing_input);
    if (!sig) return make_error(sig.error());
    return signing_input + "." + base64url_encode(*sig);
}

} // namespace fab::auth
