#include "auth/client_cert.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

namespace fab::auth {

Result<Identity> client_certificate_identity(X509* cert, const std::vector<std::string>& allowed) {
    if (!cert) return make_error("no client certificate");
    X509_NAME* name = X509_get_subject_name(cert);
    int at = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    if (at < 0) return make_error("the client certificate has no common name (CN)");
    if (X509_NAME_get_index_by_NID(name, NID_commonName, at) >= 0)
        return make_error("the client certificate has more than one common name (CN)");
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
    unsigned char* utf8 = nullptr;
    int len = data ? ASN1_STRING_to_UTF8(&utf8, data) : -1;
    if (len < 0) return make_error("the client certificate's CN is not text");
    std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
    if (cn.find('\0') != std::string::npos)
        return make_error("the client certificate's CN holds a NUL byte");
    if (!user_allowed(cn, allowed))
        return make_error("user \"" + cn.substr(0, 64) + "\" is not in allowed-users");
    return Identity{cn, "mtls"};
}

} // namespace fab::auth
