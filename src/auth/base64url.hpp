// base64url without padding (RFC 4648 §5), as JWTs use it (RFC 7515 §2).
// Decoding is strict: any character outside the alphabet, a padding sign, or
// a length that cannot come from encoding (n % 4 == 1) is an error, and so
// are non-zero bits left over in the last character, so one token has one
// spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fab::auth {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace fab::auth
