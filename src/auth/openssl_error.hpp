// OpenSSL's reason for its last failure, for error messages.
#pragma once

#include <string>

namespace fab::auth {

// The oldest entry of OpenSSL's error queue as text, and the queue emptied
// (a stale entry would be blamed on the next, unrelated call).
std::string openssl_reason();

} // namespace fab::auth
