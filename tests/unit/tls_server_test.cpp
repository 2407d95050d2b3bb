// src/auth/tls_server: real TLS handshakes (OpenSSL on both ends of a
// socketpair) with client certificates from the right CA, another CA, none,
// and a CN that is not an allowed user — with mTLS as the only method and
// with JWT as a fallback.
#include "auth/tls_server.hpp"
#include "test_pki.hpp"

#include <boost/test/unit_test.hpp>
#include <openssl/ssl.h>

#include <filesystem>
#include <optional>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace fab;
using namespace fab::auth;
using fab::test::TestCa;

namespace {

struct Pki {
    std::string dir;
    std::unique_ptr<TestCa> server_ca, client_ca, stranger_ca;
    TestCa::Issued server;
    Pki() {
        char tmpl[] = "/tmp/fab-pki-XXXXXX";
        BOOST_REQUIRE(::mkdtemp(tmpl));
        dir = tmpl;
        server_ca = std::make_unique<TestCa>(dir, "server-ca");
        client_ca = std::make_unique<TestCa>(dir, "client-ca");
        stranger_ca = std::make_unique<TestCa>(dir, "stranger-ca");
        server = server_ca->issue_server("server");
    }
    ~Pki() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::unique_ptr<TlsServer> tls(bool required) {
        auto s = TlsServer::create(
            {server.cert_file, server.key_file, client_ca->cert_file(), required, {"alice"}});
        BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error()));
        return std::move(s).value();
    }
};

struct Outcome {
    bool accepted = false;              // the server's handshake succeeded
    std::optional<Identity> identity;   // what the server knew of the client
    size_t identities_after_close = 99; // nothing may outlive the connection
};

// One connection: the server side in a thread, the client here.
Outcome connect(TlsServer& server, const std::string& server_ca,
                const TestCa::Issued* client_cert) {
    int fds[2];
    BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    timeval tv{10, 0};
    for (int fd : fds) ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    Outcome out;
    std::thread server_side([&] {
        SSL* s = SSL_new(server.context());
        SSL_set_fd(s, fds[0]);
        out.accepted = SSL_accept(s) == 1;
        if (out.accepted) {
            if (const Identity* id = server.client_identity(s)) out.identity = *id;
            SSL_write(s, "ok", 2);
        }
        SSL_free(s);
        out.identities_after_close = server.connections_with_identity();
        ::close(fds[0]);
    });
    SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(cctx, server_ca.c_str(), nullptr);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, nullptr);
    if (client_cert) {
        SSL_CTX_use_certificate_file(cctx, client_cert->cert_file.c_str(), SSL_FILETYPE_PEM);
        SSL_CTX_use_PrivateKey_file(cctx, client_cert->key_file.c_str(), SSL_FILETYPE_PEM);
    }
    SSL* c = SSL_new(cctx);
    SSL_set_fd(c, fds[1]);
    SSL_set_tlsext_host_name(c, "localhost");
    if (SSL_connect(c) == 1) {
        char buf[2];
        (void)SSL_read(c, buf, 2); // TLS 1.3: the server decides after our Finished
    }
    server_side.join();
    SSL_free(c);
    SSL_CTX_free(cctx);
    ::close(fds[1]);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls_server)

BOOST_AUTO_TEST_CASE(mtls_only_lets_in_allowed_users_of_the_client_ca_and_no_one_else) {
    Pki pki;
    auto tls = pki.tls(true);
    auto alice = pki.client_ca->issue_client("alice", "alice");
    Outcome o = connect(*tls, pki.server_ca->cert_file(), &alice);
    BOOST_TEST_REQUIRE(o.accepted);
    BOOST_TEST_REQUIRE(o.identity.has_value());
    BOOST_TEST(o.identity->user == "alice");
    BOOST_TEST(o.identity->method == "mtls");
    BOOST_TEST(o.identities_after_close == 0u);

    auto forged = pki.stranger_ca->issue_client("forged", "alice");
    BOOST_TEST(!connect(*tls, pki.server_ca->cert_file(), &forged).accepted);
    auto mallory = pki.client_ca->issue_client("mallory", "mallory");
    BOOST_TEST(!connect(*tls, pki.server_ca->cert_file(), &mallory).accepted);
    auto nameless = pki.client_ca->issue_client("nameless", "");
    BOOST_TEST(!connect(*tls, pki.server_ca->cert_file(), &nameless).accepted);
    BOOST_TEST(!connect(*tls, pki.server_ca->cert_file(), nullptr).accepted);
}

BOOST_AUTO_TEST_CASE(with_jwt_as_fallback_a_bad_certificate_only_means_no_identity) {
    Pki pki;
    auto tls = pki.tls(false);
    Outcome none = connect(*tls, pki.server_ca->cert_file(), nullptr);
    BOOST_TEST(none.accepted);
    BOOST_TEST(!none.identity.has_value());
    auto forged = pki.stranger_ca->issue_client("forged", "alice");
    Outcome f = connect(*tls, pki.server_ca->cert_file(), &forged);
    BOOST_TEST(f.accepted);
    BOOST_TEST(!f.identity.has_value());
    auto mallory = pki.client_ca->issue_client("mallory", "mallory");
    Outcome m = connect(*tls, pki.server_ca->cert_file(), &mallory);
    BOOST_TEST(m.accepted);
    BOOST_TEST(!m.identity.has_value());
    auto alice = pki.client_ca->issue_client("alice", "alice");
    Outcome a = connect(*tls, pki.server_ca->cert_file(), &alice);
    BOOST_TEST_REQUIRE(a.identity.has_value());
    BOOST_TEST(a.identity->user == "alice");
    BOOST_TEST(a.identities_after_close == 0u);
}

BOOST_AUTO_TEST_CASE(bad_files_are_named) {
    Pki pki;
    auto missing = TlsServer::create({pki.dir + "/nope.pem", pki.server.key_file, "", false, {}});
    BOOST_TEST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().find("nope.pem") != std::string::npos);
    auto other = pki.client_ca->issue_client("other", "x");
    auto mismatch = TlsServer::create({pki.server.cert_file, other.key_file, "", false, {}});
    BOOST_TEST_REQUIRE(!mismatch.ok());
    BOOST_TEST(mismatch.error().find(other.key_file) != std::string::npos);
    BOOST_TEST(mismatch.error().find("match") != std::string::npos);
    auto bad_ca = TlsServer::create(
        {pki.server.cert_file, pki.server.key_file, pki.dir + "/no-ca.pem", true, {}});
    BOOST_TEST_REQUIRE(!bad_ca.ok());
    BOOST_TEST(bad_ca.error().find("no-ca.pem") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
