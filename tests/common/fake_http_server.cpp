// The fake HTTP(S) server of fake_http_server.hpp. One thread serves the
// connections one at a time on non-blocking sockets, polling in short slices
// so that the destructor never waits long for it; OpenSSL does the TLS side.
#include "fake_http_server.hpp"

#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <netinet/in.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

namespace fab::test {

namespace {

constexpr int kSliceMs = 20;             // how often a waiting thread looks at stop_
constexpr int kIdleMs = 10000;           // a client silent this long is dropped
constexpr size_t kMaxRequest = 4u << 20; // bounded: a larger request is cut here

struct SslCtxFree {
    void operator()(SSL_CTX* c) const { ::SSL_CTX_free(c); }
};
struct SslFree {
    void operator()(SSL* s) const { ::SSL_free(s); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { ::EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509* x) const { ::X509_free(x); }
};
struct BioFree {
    void operator()(BIO* b) const { ::BIO_free(b); }
};

// A self-signed P-256 certificate for `san`, valid for a day, shaped like
// what `openssl req -x509` makes (a CA certificate that is its own leaf).
std::unique_ptr<X509, X509Free> self_signed(EVP_PKEY* key, const std::string& san) {
    std::unique_ptr<X509, X509Free> x(::X509_new());
    BOOST_REQUIRE(x);
    ::X509_set_version(x.get(), 2);
    unsigned char serial[8];
    BOOST_REQUIRE(::RAND_bytes(serial, sizeof serial) == 1);
    serial[0] &= 0x7f; // positive
    BIGNUM* bn = ::BN_bin2bn(serial, sizeof serial, nullptr);
    ::BN_to_ASN1_INTEGER(bn, ::X509_get_serialNumber(x.get()));
    ::BN_free(bn);
    ::X509_gmtime_adj(::X509_getm_notBefore(x.get()), -60);
    ::X509_gmtime_adj(::X509_getm_notAfter(x.get()), 24 * 3600);
    BOOST_REQUIRE(::X509_set_pubkey(x.get(), key) == 1);
    X509_NAME* name = ::X509_get_subject_name(x.get());
    ::X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("fab-test"), -1, -1, 0);
    ::X509_set_issuer_name(x.get(), name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    ::X509V3_set_ctx(&v3, x.get(), x.get(), nullptr, nullptr, 0);
    const std::pair<int, std::string> exts[] = {{NID_basic_constraints, "critical,CA:TRUE"},
                                                {NID_subject_key_identifier, "hash"},
                                                {NID_subject_alt_name, san}};
    for (const auto& [nid, value] : exts) {
        X509_EXTENSION* e = ::X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
        BOOST_REQUIRE_MESSAGE(e, "bad certificate extension " + value);
        ::X509_add_ext(x.get(), e, -1);
        ::X509_EXTENSION_free(e);
    }
    BOOST_REQUIRE(::X509_sign(x.get(), key, ::EVP_sha256()) > 0);
    return x;
}

} // namespace

struct FakeHttpServer::Tls {
    std::string dir; // holds cert.pem
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx;

    explicit Tls(const std::string& san) {
        char tmpl[] = "/tmp/fab-tls-XXXXXX";
        BOOST_REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        std::unique_ptr<EVP_PKEY, PkeyFree> key(
            ::EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        BOOST_REQUIRE(key);
        auto cert = self_signed(key.get(), san);
        {
            std::unique_ptr<BIO, BioFree> out(::BIO_new_file(cert_file().c_str(), "w"));
            BOOST_REQUIRE(out);
            BOOST_REQUIRE(::PEM_write_bio_X509(out.get(), cert.get()) == 1);
        }
        ctx.reset(::SSL_CTX_new(::TLS_server_method()));
        BOOST_REQUIRE(ctx);
        BOOST_REQUIRE(::SSL_CTX_use_certificate(ctx.get(), cert.get()) == 1);
        BOOST_REQUIRE(::SSL_CTX_use_PrivateKey(ctx.get(), key.get()) == 1);
    }
    ~Tls() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string cert_file() const { return dir + "/cert.pem"; }
};

// One accepted connection, plain or TLS. Every wait gives up when the server
// stops or the client stays silent for kIdleMs.
class FakeHttpServer::Conn {
  public:
    Conn(UniqueFd fd, SSL_CTX* ctx, const std::atomic<bool>& stop)
        : fd_(std::move(fd)), stop_(stop) {
        if (!ctx) return;
        ssl_.reset(::SSL_new(ctx));
        ::SSL_set_fd(ssl_.get(), fd_.get());
    }

    // TLS only: false when the client gave up (an untrusted certificate, say).
    bool handshake() {
        return ssl_io([&] { return ::SSL_accept(ssl_.get()); }) > 0;
    }
    std::string sni() const {
        const char* name = ::SSL_get_servername(ssl_.get(), TLSEXT_NAMETYPE_host_name);
        return name ? name : "";
    }

    // Headers, then as many body bytes as Content-Length says (or to EOF).
    std::string read_request() {
        std::string in;
        char buf[8192];
        for (;;) {
            long n = read_some(buf, sizeof buf);
            if (n <= 0) break;
            in.append(buf, static_cast<size_t>(n));
            if (in.size() >= kMaxRequest) break;
            auto end = in.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            auto cl = in.find("Content-Length: ");
            size_t len = cl < end ? std::strtoul(in.c_str() + cl + 16, nullptr, 10) : 0;
            if (in.size() >= end + 4 + len) break;
        }
        return in;
    }

    // No close_notify after it: many servers just close after the response.
    void write_all(const std::string& s) {
        size_t off = 0;
        while (off < s.size()) {
            long n = write_some(s.data() + off, s.size() - off);
            if (n <= 0) return;
            off += static_cast<size_t>(n);
        }
    }

  private:
    // One read or write: > 0 bytes done; <= 0 end of stream, error or given up.
    long read_some(char* buf, size_t n) {
        if (ssl_) return ssl_io([&] { return ::SSL_read(ssl_.get(), buf, static_cast<int>(n)); });
        return plain_io(POLLIN, [&] { return ::read(fd_.get(), buf, n); });
    }
    long write_some(const char* p, size_t n) {
        if (ssl_) return ssl_io([&] { return ::SSL_write(ssl_.get(), p, static_cast<int>(n)); });
        return plain_io(POLLOUT, [&] { return ::send(fd_.get(), p, n, MSG_NOSIGNAL); });
    }

    bool wait(short events) {
        for (int waited = 0; waited < kIdleMs; waited += kSliceMs) {
            if (stop_) return false;
            pollfd p{fd_.get(), events, 0};
            int r = ::poll(&p, 1, kSliceMs);
            if (r > 0) return true;
            if (r < 0 && errno != EINTR) return false;
        }
        return false;
    }
    template <class Op>
    long plain_io(short events, Op op) {
        for (;;) {
            long n = op();
            if (n >= 0) return n;
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
            if (!wait(events)) return -1;
        }
    }
    template <class Op>
    long ssl_io(Op op) {
        for (;;) {
            int r = op();
            if (r > 0) return r;
            int e = ::SSL_get_error(ssl_.get(), r);
            if (e == SSL_ERROR_WANT_READ) {
                if (!wait(POLLIN)) return -1;
            } else if (e == SSL_ERROR_WANT_WRITE) {
                if (!wait(POLLOUT)) return -1;
            } else {
                return -1;
            }
        }
    }

    UniqueFd fd_;
    std::unique_ptr<SSL, SslFree> ssl_;
    const std::atomic<bool>& stop_;
};

FakeHttpServer::FakeHttpServer(Handler handler, Options opts) : handler_(std::move(handler)) {
    if (opts.tls) tls_ = std::make_unique<Tls>(opts.san);
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    BOOST_REQUIRE(fd_.valid());
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(::listen(fd_.get(), 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
}

FakeHttpServer::~FakeHttpServer() {
    stop_ = true;
    thread_.join();
}

std::string FakeHttpServer::url(const std::string& host) const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
}

std::string FakeHttpServer::cert() const {
    return tls_ ? tls_->cert_file() : "";
}

std::vector<std::string> FakeHttpServer::requests() const {
    std::lock_guard<std::mutex> g(mu_);
    return requests_;
}

std::string FakeHttpServer::first_request(int timeout_ms) const {
    std::unique_lock<std::mutex> g(mu_);
    cv_.wait_for(g, std::chrono::milliseconds(timeout_ms), [&] { return !requests_.empty(); });
    return requests_.empty() ? "" : requests_.front();
}

std::string FakeHttpServer::sni(int timeout_ms) const {
    std::unique_lock<std::mutex> g(mu_);
    cv_.wait_for(g, std::chrono::milliseconds(timeout_ms), [&] { return handled_ > 0; });
    return sni_;
}

void FakeHttpServer::serve() {
    // A client that hangs up before the reply must not kill the test program:
    // SIGPIPE stays blocked in this thread (and dies with it).
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

    std::vector<std::unique_ptr<Conn>> held; // connections never answered
    while (!stop_) {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, kSliceMs) <= 0) continue;
        UniqueFd c(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!c.valid()) continue;
        auto conn = std::make_unique<Conn>(std::move(c), tls_ ? tls_->ctx.get() : nullptr, stop_);
        bool hold = handle(*conn);
        if (hold) held.push_back(std::move(conn));
        ::ERR_clear_error(); // OpenSSL's error queue is per thread: start each connection clean
        std::lock_guard<std::mutex> g(mu_);
        ++handled_;
        cv_.notify_all();
    }
}

bool FakeHttpServer::handle(Conn& c) {
    if (tls_) {
        if (!c.handshake()) return false;
        std::lock_guard<std::mutex> g(mu_);
        if (handled_ == 0) sni_ = c.sni();
    }
    std::string req = c.read_request();
    if (stop_) return false;
    {
        std::lock_guard<std::mutex> g(mu_);
        requests_.push_back(req);
        cv_.notify_all();
    }
    std::optional<std::string> reply = handler_(req);
    if (!reply) return true;
    c.write_all(*reply);
    return false;
}

FakeHttpServer::Handler canned(std::string reply) {
    return [reply = std::move(reply)](const std::string&) {
        return std::optional<std::string>(reply);
    };
}

FakeHttpServer::Handler silent() {
    return [](const std::string&) { return std::optional<std::string>(); };
}

} // namespace fab::test
