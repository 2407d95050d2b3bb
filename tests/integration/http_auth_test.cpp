// The HTTP API secured: HTTPS with a certificate made by the test, JWTs from
// `fab token`, client certificates (mTLS), both together, and the remote CLI
// over HTTPS with a token. Driven with the curl program and `fab
// --server-url`; the claims' edge cases (expiry, alg, …) are unit tests
// (tests/unit/auth_test.cpp).
#include "harness.hpp"
#include "test_pki.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;

namespace {

struct Secured {
    Sandbox sb;
    int port = free_port();
    std::string url = "https://127.0.0.1:" + std::to_string(port);
    std::string pki = sb.root() + "/pki";
    TestCa server_ca{pki, "server-ca"}, client_ca{pki, "client-ca"},
        stranger_ca{pki, "stranger-ca"};
    TestCa::Issued server_cert = server_ca.issue_server("server");

    // config.ini's [server] section, then the daemon with HTTPS.
    void start(const std::string& server_section) {
        write_config(server_section);
        auto r = sb.fab({"server", "start", "--http", "127.0.0.1:" + std::to_string(port)});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    void write_config(const std::string& server_section) {
        std::filesystem::create_directories(sb.fab_dir() + "/config");
        std::ofstream(sb.config_file()) << "[server]\n"
                                        << "tls-cert = " << server_cert.cert_file << "\n"
                                        << "tls-key = " << server_cert.key_file << "\n"
                                        << server_section;
    }
    std::string keygen(const std::string& dir) {
        auto r = sb.fab({"token", "keygen", "--dir", dir});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return dir + "/jwt-ed25519.pub.pem";
    }
    std::string token(const std::string& sub, const std::string& dir) {
        auto r = sb.fab({"token", "issue", "--sub", sub, "--key", dir + "/jwt-ed25519.pem"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return std::string(trim(r.out));
    }
    // curl's exit code and the HTTP status ("000" when no response).
    std::pair<int, std::string> get(const std::string& path, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {"curl", "-sS",          "-o",       "/dev/null",
                                         "-w",   "%{http_code}", "--cacert", server_ca.cert_file()};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(url + path);
        auto r = sb.run(argv, "", 30000);
        return {r.code, r.out};
    }
    std::vector<std::string> bearer(const std::string& t) {
        return {"-H", "Authorization: Bearer " + t};
    }
    std::vector<std::string> cert(const TestCa::Issued& c) {
        return {"--cert", c.cert_file, "--key", c.key_file};
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_auth, Secured)

BOOST_AUTO_TEST_CASE(jwt_over_https_lets_in_allowed_users_only) {
    std::string pub = keygen(sb.root() + "/keys");
    keygen(sb.root() + "/other-keys");
    start("auth = jwt\njwt-public-key = " + pub + "\nallowed-users = alice\n");
    BOOST_TEST(get("/api/v1/runs", bearer(token("alice", sb.root() + "/keys"))).second == "200");
    BOOST_TEST(get("/api/v1/runs").second == "401");
    BOOST_TEST(get("/api/v1/runs", bearer(token("bob", sb.root() + "/keys"))).second == "401");
    BOOST_TEST(get("/api/v1/runs", bearer(token("alice", sb.root() + "/other-keys"))).second ==
               "401");
    BOOST_TEST(get("/api/v1/runs", bearer(std::string(1 << 20, 'a'))).second != "200");
    BOOST_TEST(get("/health").second == "200"); // for load balancers: tells nothing
    // The refusal says why, and the log names who came in.
    auto r = sb.run({"curl", "-sS", "--cacert", server_ca.cert_file(), "-H",
                     "Authorization: Bearer " + token("bob", sb.root() + "/keys"),
                     url + "/api/v1/runs"});
    BOOST_TEST(r.out.find("bob\\\" is not in allowed-users") != std::string::npos, r.out);
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("http: alice (jwt) GET /api/v1/runs") !=
               std::string::npos);

    // The remote CLI over HTTPS with a token: the same answer as locally.
    auto local = sb.fab({"project", "list"});
    auto far = sb.fab({"--server-url", url, "--ca", server_ca.cert_file(), "--token",
                       token("alice", sb.root() + "/keys"), "project", "list"});
    BOOST_TEST(far.code == local.code, far.err);
    BOOST_TEST(far.out == local.out);
    far = sb.fab({"--server-url", url, "--ca", server_ca.cert_file(), "project", "list"});
    BOOST_TEST(far.code == 1);
    BOOST_TEST(far.err.find("bearer token is required") != std::string::npos, far.err);
}

BOOST_AUTO_TEST_CASE(mtls_alone_refuses_the_handshake_without_an_allowed_certificate) {
    start("auth = mtls\ntls-client-ca = " + client_ca.cert_file() + "\nallowed-users = alice\n");
    BOOST_TEST(get("/api/v1/runs", cert(client_ca.issue_client("alice", "alice"))).second == "200");
    BOOST_TEST(get("/api/v1/runs", cert(stranger_ca.issue_client("forged", "alice"))).second ==
               "000");
    BOOST_TEST(get("/api/v1/runs", cert(client_ca.issue_client("mallory", "mallory"))).second ==
               "000");
    BOOST_TEST(get("/api/v1/runs").second == "000");
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find("http: alice (mtls)") != std::string::npos,
               read_text(sb.fab_dir() + "/fab.log"));
}

BOOST_AUTO_TEST_CASE(with_both_a_certificate_or_a_token_will_do) {
    std::string pub = keygen(sb.root() + "/keys");
    start("auth = mtls, jwt\ntls-client-ca = " + client_ca.cert_file() +
          "\njwt-public-key = " + pub + "\nallowed-users = alice, ci\n");
    BOOST_TEST(get("/api/v1/runs", cert(client_ca.issue_client("ci", "ci"))).second == "200");
    BOOST_TEST(get("/api/v1/runs", bearer(token("alice", sb.root() + "/keys"))).second == "200");
    // An untrusted certificate is no identity: the token must do.
    auto forged = stranger_ca.issue_client("forged", "alice");
    BOOST_TEST(get("/api/v1/runs", cert(forged)).second == "401");
    auto with_token = cert(forged);
    for (auto& a : bearer(token("alice", sb.root() + "/keys"))) with_token.push_back(a);
    BOOST_TEST(get("/api/v1/runs", with_token).second == "200");
}

BOOST_AUTO_TEST_CASE(a_public_listener_needs_authentication_and_sound_settings) {
    auto r = sb.fab({"server", "start", "--http", "0.0.0.0:" + std::to_string(port)});
    BOOST_TEST(r.code != 0);
    BOOST_TEST((r.out + r.err).find("without [server] auth") != std::string::npos, r.out + r.err);
    write_config("auth = jwt\nallowed-users = alice\n");
    r = sb.fab({"server", "start", "--http", "127.0.0.1:" + std::to_string(port)});
    BOOST_TEST(r.code != 0);
    BOOST_TEST((r.out + r.err).find("needs jwt-public-key") != std::string::npos, r.out + r.err);
}

BOOST_AUTO_TEST_SUITE_END()
