// Ed25519 keys for JWTs (RFC 8037 "EdDSA"), through OpenSSL 3's EVP API:
// generate, load and save as PEM (PKCS#8 private, SubjectPublicKeyInfo
// public), sign, verify. The key handle is owned (RAII); a key that is not
// Ed25519 is refused when loaded, so no other algorithm can slip in.
#pragma once

#include "util/result.hpp"

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace fab::auth {

class Ed25519Key {
  public:
    static Result<Ed25519Key> generate();
    // PEM text of a private key (any PKCS#8 Ed25519 key) or a public key.
    static Result<Ed25519Key> from_private_pem(std::string_view pem);
    static Result<Ed25519Key> from_public_pem(std::string_view pem);
    // Reads PEM files; errors name the file.
    static Result<Ed25519Key> load_private(const std::string& path);
    static Result<Ed25519Key> load_public(const std::string& path);

    bool has_private() const { return private_; }
    Result<std::string> private_pem() const;
    Result<std::string> public_pem() const;

    // The 64-byte signature of `message`; needs the private key.
    Result<std::string> sign(std::string_view message) const;
    bool verify(std::string_view message, std::string_view signature) const;

  private:
    struct Free {
        void operator()(EVP_PKEY* k) const;
    };
    Ed25519Key(EVP_PKEY* key, bool has_private) : key_(key), private_(has_private) {}
    std::unique_ptr<EVP_PKEY, Free> key_;
    bool private_ = false;
};

} // namespace fab::auth
