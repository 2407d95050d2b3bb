#include "auth/ed25519.hpp"

#include "auth/openssl_error.hpp"
#include "util/fs.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace fab::auth {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// OpenSSL's reason for the last failure, and its error queue emptied (a
// stale entry would be blamed on the next, unrelated call).
BioPtr memory_bio(std::string_view text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::string> bio_text(BIO* b) {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    if (n < 0 || !data) return make_error("cannot write PEM: " + openssl_reason());
    return std::string(data, static_cast<size_t>(n));
}

} // namespace

void Ed25519Key::Free::operator()(EVP_PKEY* k) const {
    EVP_PKEY_free(k);
}

Result<Ed25519Key> Ed25519Key::generate() {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (!k) return make_error("cannot generate an Ed25519 key: " + openssl_reason());
    return Ed25519Key(k, true);
}

Result<Ed25519Key> Ed25519Key::from_private_pem(std::string_view pem) {
    if (pem.size() > 64 * 1024) return make_error("not an Ed25519 private key (too large)");
    auto bio = memory_bio(pem);
    EVP_PKEY* k = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (!k) return make_error("not a PEM private key: " + openssl_reason());
    Ed25519Key key(k, true);
    if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) return make_error("the private key is not Ed25519");
    return key;
}

Result<Ed25519Key> Ed25519Key::from_public_pem(std::string_view pem) {
    if (pem.size() > 64 * 1024) return make_error("not an Ed25519 public key (too large)");
    auto bio = memory_bio(pem);
    EVP_PKEY* k = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (!k) return make_error("not a PEM public key: " + openssl_reason());
    Ed25519Key key(k, false);
    if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) return make_error("the public key is not Ed25519");
    return key;
}

Result<Ed25519Key> Ed25519Key::load_private(const std::string& path) {
    auto text = read_file(path);
    if (!text) return make_error(text.error());
    auto key = from_private_pem(*text);
    if (!key) return make_error(path + ": " + key.error());
    return key;
}

Result<Ed25519Key> Ed25519Key::load_public(const std::string& path) {
    auto text = read_file(path);
    if (!text) return make_error(text.error());
    // A private key file also holds the public key: accept either.
    auto key = from_public_pem(*text);
    if (!key && text->find("PRIVATE KEY") != std::string::npos) key = from_private_pem(*text);
    if (!key) return make_error(path + ": " + key.error());
    return key;
}

Result<std::string> Ed25519Key::private_pem() const {
    if (!private_) return make_error("no private key");
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        !PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr))
        return make_error("cannot write the private key: " + openssl_reason());
    return bio_text(bio.get());
}

Result<std::string> Ed25519Key::public_pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_PUBKEY(bio.get(), key_.get()))
        return make_error("cannot write the public key: " + openssl_reason());
    return bio_text(bio.get());
}

Result<std::string> Ed25519Key::sign(std::string_view message) const {
    if (!private_) return make_error("signing needs the private key");
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::string sig(64, '\0');
    size_t len = sig.size();
    // Ed25519 hashes internally: no digest, one-shot EVP_DigestSign.
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        return make_error("cannot sign: " + openssl_reason());
    sig.resize(len);
    return sig;
}

bool Ed25519Key::verify(std::string_view message, std::string_view signature) const {
    if (signature.size() != 64) return false;
    MdCtxPtr ctx(EVP_MD_CTX_new());
    bool ok =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1;
    ERR_clear_error();
    return ok;
}

} // namespace fab::auth
