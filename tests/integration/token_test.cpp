// `fab token keygen|issue` through `fab` and its sibling `fab-remote`: the key
// pair's files and modes, no silent replacement of a key, and a token that
// the server's verifier (src/auth) accepts for its subject.
#include "harness.hpp"

#include "auth/ed25519.hpp"
#include "auth/jwt.hpp"
#include "util/strings.hpp"

#include <boost/test/unit_test.hpp>
#include <ctime>
#include <sys/stat.h>

using namespace fab;
using namespace fab::test;

namespace {

int mode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(token)

BOOST_AUTO_TEST_CASE(keygen_writes_a_private_pair_and_never_replaces_it_silently) {
    Sandbox sb;
    std::string dir = sb.root() + "/keys";
    auto r = sb.fab({"token", "keygen", "--dir", dir});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(mode_of(dir + "/jwt-ed25519.pem") == 0600);
    BOOST_TEST(mode_of(dir + "/jwt-ed25519.pub.pem") == 0644);
    BOOST_TEST(r.out.find("jwt-public-key = " + dir + "/jwt-ed25519.pub.pem") != std::string::npos);
    std::string first = read_text(dir + "/jwt-ed25519.pem");

    r = sb.fab({"token", "keygen", "--dir", dir});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("exists") != std::string::npos);
    BOOST_TEST(read_text(dir + "/jwt-ed25519.pem") == first);

    r = sb.fab({"token", "keygen", "--dir", dir, "--force"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(read_text(dir + "/jwt-ed25519.pem.old") == first);
    BOOST_TEST(read_text(dir + "/jwt-ed25519.pem") != first);
    BOOST_TEST(mode_of(dir + "/jwt-ed25519.pem.old") == 0600);
}

BOOST_AUTO_TEST_CASE(issued_tokens_verify_for_their_subject_only) {
    Sandbox sb;
    BOOST_TEST_REQUIRE(sb.fab({"token", "keygen"}).code == 0);
    auto r = sb.fab({"token", "issue", "--sub", "users/alice", "--ttl", "15m"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    std::string token(trim(r.out));
    auto key = auth::Ed25519Key::load_public(sb.fab_dir() + "/config/jwt-ed25519.pub.pem");
    BOOST_TEST_REQUIRE(key.ok());
    std::vector<auth::Ed25519Key> keys;
    keys.push_back(std::move(key).value());
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    auto id = auth::verify_jwt(token, keys, {"fab", {"alice"}, 60}, now);
    BOOST_TEST_REQUIRE(id.ok(), (id.ok() ? "" : id.error()));
    BOOST_TEST(id->user == "alice");
    // 15 minutes, not more.
    BOOST_TEST(!auth::verify_jwt(token, keys, {"fab", {"alice"}, 60}, now + 16 * 60 + 61).ok());
    BOOST_TEST(!auth::verify_jwt(token, keys, {"fab", {"bob"}, 60}, now).ok());

    r = sb.fab({"token", "issue", "--sub", "alice", "--ttl", "soon"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find("--ttl \"soon\"") != std::string::npos);
    r = sb.fab({"token", "issue", "--ttl", "1h"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find("--sub") != std::string::npos);
    r = sb.fab({"token", "issue", "--sub", "alice", "--key", sb.root() + "/missing.pem"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("missing.pem") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
