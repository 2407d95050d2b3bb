// JSON Web Tokens signed with Ed25519 ("EdDSA", RFC 8037), the only kind the
// server accepts. Verification order matters: the header is read only to
// check `alg`, the signature is checked before any claim is believed, then
// the claims: `exp` (required), `iat` (required, not in the future), `nbf`
// (if present), `iss` (must equal the configured issuer), `sub` (its last
// path segment must be an allowed user). Every refusal says why, for the
// 401's error body; none of them echoes the token.
#pragma once

#include "auth/ed25519.hpp"
#include "auth/identity.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fab::auth {

constexpr size_t kMaxTokenBytes = 8 * 1024;

struct JwtPolicy {
    std::string issuer;
    std::vector<std::string> allowed_users;
    int64_t leeway_seconds = 60;
};

// The token of an `Authorization: Bearer <token>` header value (the scheme
// is case-insensitive, as HTTP says).
Result<std::string_view> bearer_token(std::string_view authorization);

// `keys`: the server's public keys (several during a key rotation); the
// token is good when any of them verifies it. `now`: Unix seconds.
Result<Identity> verify_jwt(std::string_view token, std::span<const Ed25519Key> keys,
                            const JwtPolicy& policy, int64_t now);

// A token for `subject` from `issuer`, valid from `now` for `ttl_seconds`.
Result<std::string> issue_jwt(const Ed25519Key& key, const std::string& issuer,
                              const std::string& subject, int64_t now, int64_t ttl_seconds);

} // namespace fab::auth
