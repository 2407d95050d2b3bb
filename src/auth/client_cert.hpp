// mTLS: the identity of a client certificate that the TLS handshake has
// already verified against `[server] tls-client-ca`. The user is the
// subject's common name (exactly one CN; two would be ambiguous), and must
// be an allowed user.
#pragma once

#include "auth/identity.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

typedef struct x509_st X509;

namespace fab::auth {

Result<Identity> client_certificate_identity(X509* cert, const std::vector<std::string>& allowed);

} // namespace fab::auth
