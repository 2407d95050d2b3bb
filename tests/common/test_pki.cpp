#include "test_pki.hpp"

#include <boost/test/unit_test.hpp>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <utility>
#include <vector>

namespace fab::test {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Key new_key() {
    Key k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    BOOST_REQUIRE(k);
    return k;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
    BIO* out = BIO_new_file(path.c_str(), "w");
    BOOST_REQUIRE(out);
    bool ok = cert ? PEM_write_bio_X509(out, cert) == 1
                   : PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    BIO_free(out);
    BOOST_REQUIRE(ok);
}

// A certificate for `key` named `cn`, signed by `issuer_key` under
// `issuer` (itself when null), with these v3 extensions.
Cert make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
               const std::vector<std::pair<int, std::string>>& exts) {
    Cert x(X509_new());
    BOOST_REQUIRE(x);
    X509_set_version(x.get(), 2);
    unsigned char serial[8];
    BOOST_REQUIRE(RAND_bytes(serial, sizeof serial) == 1);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600);
    BOOST_REQUIRE(X509_set_pubkey(x.get(), key) == 1);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("fab tests"), -1, -1, 0);
    if (!cn.empty())
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509* signer = issuer ? issuer : x.get();
    X509_set_issuer_name(x.get(), X509_get_subject_name(signer));
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, signer, x.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : exts) {
        X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
        BOOST_REQUIRE_MESSAGE(e, "bad certificate extension " + value);
        X509_add_ext(x.get(), e, -1);
        X509_EXTENSION_free(e);
    }
    BOOST_REQUIRE(X509_sign(x.get(), issuer_key, EVP_sha256()) > 0);
    return x;
}

} // namespace

struct TestCa::Impl {
    Key key;
    Cert cert;
};

TestCa::TestCa(const std::string& dir, const std::string& name)
    : impl_(std::make_unique<Impl>()), dir_(dir), cert_file_(dir + "/" + name + ".pem") {
    std::filesystem::create_directories(dir);
    impl_->key = new_key();
    impl_->cert = make_cert(impl_->key.get(), name, nullptr, impl_->key.get(),
                            {{NID_basic_constraints, "critical,CA:TRUE"},
                             {NID_key_usage, "critical,keyCertSign,cRLSign"},
                             {NID_subject_key_identifier, "hash"}});
    write_pem(cert_file_, impl_->cert.get(), nullptr);
}

TestCa::~TestCa() = default;

TestCa::Issued TestCa::issue_server(const std::string& stem) {
    Key key = new_key();
    Cert cert = make_cert(key.get(), "localhost", impl_->cert.get(), impl_->key.get(),
                          {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_ext_key_usage, "serverAuth"},
                           {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"}});
    Issued out{dir_ + "/" + stem + ".pem", dir_ + "/" + stem + ".key"};
    write_pem(out.cert_file, cert.get(), nullptr);
    write_pem(out.key_file, nullptr, key.get());
    return out;
}

TestCa::Issued TestCa::issue_client(const std::string& stem, const std::string& common_name) {
    Key key = new_key();
    Cert cert = make_cert(
        key.get(), common_name, impl_->cert.get(), impl_->key.get(),
        {{NID_basic_constraints, "critical,CA:FALSE"}, {NID_ext_key_usage, "clientAuth"}});
    Issued out{dir_ + "/" + stem + ".pem", dir_ + "/" + stem + ".key"};
    write_pem(out.cert_file, cert.get(), nullptr);
    write_pem(out.key_file, nullptr, key.get());
    return out;
}

} // namespace fab::test
