// src/auth: base64url, Ed25519 keys, JWT verification (every refusal the
// server must make) and client-certificate identities.
#include "auth/base64url.hpp"
#include "auth/client_cert.hpp"
#include "auth/ed25519.hpp"
#include "auth/jwt.hpp"
#include "config/config.hpp"
#include "daemon/http/http_auth.hpp"
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <unistd.h>
#include <vector>

using namespace fab;
using namespace fab::auth;
using Json = nlohmann::json;

namespace {

constexpr int64_t kNow = 1'800'000'000;

Ed25519Key new_key() {
    auto k = Ed25519Key::generate();
    BOOST_TEST_REQUIRE(k.ok());
    return std::move(k).value();
}

JwtPolicy policy() {
    return JwtPolicy{"fab", {"alice", "ci-bot"}, 60};
}

// A token with any header and claims, signed by `key` as EdDSA would be
// (whatever the header says), or with `signature` as given.
std::string forge(const Json& header, const Json& claims, const Ed25519Key* key,
                  std::string signature = "") {
    std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
    if (key) signature = key->sign(input).value();
    return input + "." + base64url_encode(signature);
}

Json good_claims() {
    return {{"iss", "fab"}, {"sub", "alice"}, {"iat", kNow - 10}, {"exp", kNow + 3600}};
}

std::string verify_error(const std::string& token, const Ed25519Key& key) {
    std::vector<Ed25519Key> keys;
    keys.push_back(Ed25519Key::from_public_pem(key.public_pem().value()).value());
    auto r = verify_jwt(token, keys, policy(), kNow);
    return r ? "" : r.error();
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(base64url_round_trips_every_length) {
    std::string bytes;
    for (int n = 0; n < 70; ++n) {
        auto back = base64url_decode(base64url_encode(bytes));
        BOOST_TEST_REQUIRE(back.has_value());
        BOOST_TEST(*back == bytes);
        bytes.push_back(static_cast<char>(n * 37 + 200));
    }
    BOOST_TEST(base64url_encode("\xfb\xff") == "-_8");
}

BOOST_AUTO_TEST_CASE(base64url_refuses_other_spellings) {
    BOOST_TEST(!base64url_decode("ab=").has_value());   // padding
    BOOST_TEST(!base64url_decode("ab+/").has_value());  // standard alphabet
    BOOST_TEST(!base64url_decode("abcde").has_value()); // impossible length
    BOOST_TEST(!base64url_decode("YR").has_value());    // non-zero leftover bits ("YQ" is "a")
    BOOST_TEST(base64url_decode("YQ").value() == "a");
}

BOOST_AUTO_TEST_CASE(keys_survive_pem_and_other_key_types_are_refused) {
    Ed25519Key key = new_key();
    auto priv = Ed25519Key::from_private_pem(key.private_pem().value());
    BOOST_TEST_REQUIRE(priv.ok());
    auto sig = priv->sign("hello").value();
    auto pub = Ed25519Key::from_public_pem(key.public_pem().value());
    BOOST_TEST_REQUIRE(pub.ok());
    BOOST_TEST(!pub->has_private());
    BOOST_TEST(pub->verify("hello", sig));
    BOOST_TEST(!pub->verify("hellO", sig));
    BOOST_TEST(!pub->sign("x").ok());

    EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    BOOST_TEST_REQUIRE(ec != nullptr);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, ec);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string ec_pem(data, static_cast<size_t>(n));
    BIO_free(bio);
    EVP_PKEY_free(ec);
    auto refused = Ed25519Key::from_public_pem(ec_pem);
    BOOST_TEST_REQUIRE(!refused.ok());
    BOOST_TEST(refused.error().find("not Ed25519") != std::string::npos);
    BOOST_TEST(!Ed25519Key::from_public_pem("not a key").ok());
}

BOOST_AUTO_TEST_CASE(an_issued_token_names_its_user) {
    Ed25519Key key = new_key();
    auto token = issue_jwt(key, "fab", "users/alice", kNow, 3600);
    BOOST_TEST_REQUIRE(token.ok());
    std::vector<Ed25519Key> keys;
    keys.push_back(new_key()); // a rotated-out key first: any key may verify
    keys.push_back(Ed25519Key::from_public_pem(key.public_pem().value()).value());
    auto id = verify_jwt(*token, keys, policy(), kNow);
    BOOST_TEST_REQUIRE(id.ok(), (id.ok() ? "" : id.error()));
    BOOST_TEST(id->user == "alice");
    BOOST_TEST(id->method == "jwt");
}

BOOST_AUTO_TEST_CASE(other_algorithms_are_refused) {
    Ed25519Key key = new_key();
    BOOST_TEST(verify_error(forge({{"alg", "none"}}, good_claims(), nullptr), key)
                   .find("alg \"none\" is not accepted") != std::string::npos);
    // Signed correctly, but claiming another algorithm: still refused.
    BOOST_TEST(
        verify_error(forge({{"alg", "HS256"}}, good_claims(), &key), key).find("alg \"HS256\"") !=
        std::string::npos);
    BOOST_TEST(
        verify_error(forge({{"alg", "RS256"}}, good_claims(), &key), key).find("alg \"RS256\"") !=
        std::string::npos);
    BOOST_TEST(verify_error(forge({{"typ", "JWT"}}, good_claims(), &key), key).find("no alg") !=
               std::string::npos);
    BOOST_TEST(verify_error(forge({{"alg", "EdDSA"}, {"crit", {"b64"}}}, good_claims(), &key), key)
                   .find("critical") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(signatures_must_come_from_the_servers_key) {
    Ed25519Key key = new_key(), other = new_key();
    std::string token = forge({{"alg", "EdDSA"}}, good_claims(), &other);
    BOOST_TEST(verify_error(token, key) == "invalid token: bad signature");
    BOOST_TEST(verify_error(token, other) == "");
    // Claims changed after signing.
    std::string good = forge({{"alg", "EdDSA"}}, good_claims(), &key);
    Json more = good_claims();
    more["sub"] = "ci-bot";
    std::string tampered = base64url_encode(Json({{"alg", "EdDSA"}}).dump()) + "." +
                           base64url_encode(more.dump()) + good.substr(good.rfind('.'));
    BOOST_TEST(verify_error(tampered, key) == "invalid token: bad signature");
}

BOOST_AUTO_TEST_CASE(time_claims_are_checked_with_a_minute_of_leeway) {
    Ed25519Key key = new_key();
    auto with = [&](const char* name, Json value) {
        Json c = good_claims();
        if (value.is_null())
            c.erase(name);
        else
            c[name] = value;
        return verify_error(forge({{"alg", "EdDSA"}}, c, &key), key);
    };
    BOOST_TEST(with("exp", kNow - 61).find("expired") != std::string::npos);
    BOOST_TEST(with("exp", kNow - 59) == "");
    BOOST_TEST(with("exp", nullptr).find("no valid exp") != std::string::npos);
    BOOST_TEST(with("exp", "tomorrow").find("no valid exp") != std::string::npos);
    BOOST_TEST(with("iat", kNow + 61).find("future") != std::string::npos);
    BOOST_TEST(with("iat", kNow + 59) == "");
    BOOST_TEST(with("iat", nullptr).find("no valid iat") != std::string::npos);
    BOOST_TEST(with("nbf", kNow + 3000).find("not valid yet") != std::string::npos);
    BOOST_TEST(with("nbf", kNow - 1) == "");
}

BOOST_AUTO_TEST_CASE(issuer_and_subject_must_be_known) {
    Ed25519Key key = new_key();
    auto with = [&](const char* name, Json value) {
        Json c = good_claims();
        c[name] = value;
        return verify_error(forge({{"alg", "EdDSA"}}, c, &key), key);
    };
    BOOST_TEST(with("iss", "someone-else").find("issuer") != std::string::npos);
    BOOST_TEST(with("sub", "mallory").find("\"mallory\" is not in allowed-users") !=
               std::string::npos);
    BOOST_TEST(with("sub", "org/team/ci-bot") == "");
    BOOST_TEST(with("sub", "alice/") != "");
    BOOST_TEST(with("sub", 42).find("no sub") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_tokens_are_refused_without_echoing_them) {
    Ed25519Key key = new_key();
    std::string good = forge({{"alg", "EdDSA"}}, good_claims(), &key);
    BOOST_TEST(verify_error(good.substr(0, good.size() - 5), key) != ""); // truncated
    BOOST_TEST(verify_error(good.substr(0, good.rfind('.')), key) != ""); // two parts
    BOOST_TEST(verify_error(good + ".x", key).find("three") != std::string::npos);
    BOOST_TEST(verify_error("!!!." + good.substr(good.find('.') + 1), key).find("header") !=
               std::string::npos);
    std::string huge(1 << 20, 'a');
    std::string e = verify_error(huge, key);
    BOOST_TEST(e.find("longer than 8192 bytes") != std::string::npos);
    BOOST_TEST(e.size() < 100u);
    BOOST_TEST(verify_error("", key) != "");
    // Not JSON objects inside.
    std::string arr = base64url_encode("[1]") + "." + base64url_encode("{}") + ".AA";
    BOOST_TEST(verify_error(arr, key).find("header") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bearer_header_parsing) {
    BOOST_TEST(bearer_token("Bearer abc").value() == "abc");
    BOOST_TEST(bearer_token("bearer   abc  ").value() == "abc");
    BOOST_TEST(!bearer_token("Basic dXNlcjpwdw==").ok());
    BOOST_TEST(!bearer_token("Bearer ").ok());
    BOOST_TEST(!bearer_token("").ok());
}

namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};

// A self-signed certificate with these CNs (none, one or several).
std::unique_ptr<X509, X509Free> certificate(const std::vector<std::string>& cns) {
    EVP_PKEY* k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    std::unique_ptr<X509, X509Free> x(X509_new());
    X509_set_version(x.get(), 2);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("fab tests"), -1, -1, 0);
    for (const auto& cn : cns)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.data()),
                                   static_cast<int>(cn.size()), -1, 0);
    X509_set_issuer_name(x.get(), name);
    X509_set_pubkey(x.get(), k);
    X509_sign(x.get(), k, nullptr);
    EVP_PKEY_free(k);
    return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(client_certificates_name_their_user_by_common_name) {
    std::vector<std::string> allowed = {"alice", "ci-bot"};
    auto ok = client_certificate_identity(certificate({"ci-bot"}).get(), allowed);
    BOOST_TEST_REQUIRE(ok.ok(), (ok.ok() ? "" : ok.error()));
    BOOST_TEST(ok->user == "ci-bot");
    BOOST_TEST(ok->method == "mtls");
    auto stranger = client_certificate_identity(certificate({"mallory"}).get(), allowed);
    BOOST_TEST(stranger.error().find("not in allowed-users") != std::string::npos);
    BOOST_TEST(client_certificate_identity(certificate({}).get(), allowed)
                   .error()
                   .find("no common name") != std::string::npos);
    BOOST_TEST(client_certificate_identity(certificate({"alice", "ci-bot"}).get(), allowed)
                   .error()
                   .find("more than one") != std::string::npos);
    BOOST_TEST(!client_certificate_identity(nullptr, allowed).ok());
    BOOST_TEST(!client_certificate_identity(certificate({"alice"}).get(), {}).ok());
}

// The daemon keeps verified tokens (http_auth.hpp): a kept token is still
// refused once it has expired, and one that failed is never kept.
BOOST_AUTO_TEST_CASE(the_servers_verified_token_cache_honours_expiry) {
    Ed25519Key key = new_key();
    char dir[] = "/tmp/fab-auth-test-XXXXXX";
    BOOST_TEST_REQUIRE(::mkdtemp(dir) != nullptr);
    std::string pub = std::string(dir) + "/jwt.pub.pem";
    BOOST_TEST_REQUIRE(write_file_atomic(pub, key.public_pem().value()).ok());
    ServerConfig config;
    config.auth = {"jwt"};
    config.allowed_users = {"alice"};
    config.jwt_public_keys = {pub};
    config.jwt_issuer = "fab";
    auto http_auth = http::HttpAuth::create(config);
    ::unlink(pub.c_str());
    ::rmdir(dir);
    BOOST_TEST_REQUIRE(http_auth.ok(), (http_auth.ok() ? "" : http_auth.error()));
    const http::HttpAuth& a = **http_auth;
    std::string bearer = "Bearer " + issue_jwt(key, "fab", "alice", kNow, 600).value();
    for (int i = 0; i < 2; ++i) { // verified, then from the cache
        auto id = a.identify(nullptr, bearer, kNow + i);
        BOOST_TEST_REQUIRE(id.ok(), (id.ok() ? "" : id.error()));
        BOOST_TEST(id->user == "alice");
    }
    BOOST_TEST(a.identify(nullptr, bearer, kNow + 600 + 60).ok()); // within the leeway
    auto late = a.identify(nullptr, bearer, kNow + 600 + 61);
    BOOST_TEST_REQUIRE(!late.ok());
    BOOST_TEST(late.error().find("expired") != std::string::npos, late.error());
    // A token not valid yet is refused, and stays refused until it is.
    std::string early = "Bearer " + issue_jwt(key, "fab", "alice", kNow + 3600, 600).value();
    BOOST_TEST(!a.identify(nullptr, early, kNow).ok());
    BOOST_TEST(!a.identify(nullptr, early, kNow).ok());
    BOOST_TEST(a.identify(nullptr, early, kNow + 3600).ok());
}

BOOST_AUTO_TEST_SUITE_END()
