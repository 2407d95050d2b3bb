// Who a request comes from, once authenticated, and who may come in: the
// `[server] allowed-users` list, matched against a JWT's `sub` (its last
// path segment, so "users/alice" and "alice" are both alice) or a client
// certificate's CN.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fab::auth {

struct Identity {
    std::string user;        // the name matched against allowed-users
    std::string method;      // "jwt" or "mtls"
    int64_t valid_until = 0; // Unix seconds (jwt: exp plus the leeway); 0 = no bound
};

// "a/b/alice" → "alice"; "alice" → "alice"; "a/" → "".
std::string_view last_path_segment(std::string_view subject);

// Exact, case-sensitive match; an empty list lets nobody in.
bool user_allowed(std::string_view user, const std::vector<std::string>& allowed);

} // namespace fab::auth
