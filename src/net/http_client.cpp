#include "net/http_client.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

namespace fab::net {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool is_token_char(char c) { // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
           ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

} // namespace

// ---------- URLs and requests ----------

Result<Url> parse_url(std::string_view s) {
    Url u;
    auto sep = s.find("://");
    if (sep == std::string_view::npos) return make_error("not an http(s) URL: no \"://\"");
    for (char c : s.substr(0, sep)) u.scheme.push_back(lower(c));
    if (u.scheme != "http" && u.scheme != "https")
        return make_error("unsupported URL scheme \"" + u.scheme + "\" (use http or https)");
    std::string_view rest = s.substr(sep + 3);
    auto hash = rest.find('#');
    if (hash != std::string_view::npos) rest = rest.substr(0, hash);
    auto auth_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view target = auth_end == std::string_view::npos ? "" : rest.substr(auth_end);
    if (authority.find('@') != std::string_view::npos)
        return make_error("URLs with user info are not supported");
    std::string_view port;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return make_error("unterminated IPv6 address in URL");
        u.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return make_error("unexpected text after the IPv6 address in URL");
            port = after.substr(1);
            if (port.empty()) return make_error("empty port in URL");
        }
        unsigned char buf[sizeof(in6_addr)];
        if (::inet_pton(AF_INET6, u.host.c_str(), buf) != 1)
            return make_error("invalid IPv6 address in URL");
    } else {
        auto colon = authority.find(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return make_error("empty port in URL");
        }
        for (char c : u.host)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_'))
                return make_error("invalid character in URL host");
    }
    if (u.host.empty()) return make_error("URL has no host");
    if (!port.empty()) {
        auto p = all_digits(port) && port.size() <= 5 ? parse_int(port) : std::nullopt;
        if (!p || *p < 1 || *p > 65535) return make_error("invalid port in URL");
        u.port = static_cast<int>(*p);
        u.default_port = false;
    } else {
        u.port = u.scheme == "https" ? 443 : 80;
    }
    if (target.empty()) target = "/";
    u.target = target[0] == '?' ? "/" + std::string(target) : std::string(target);
    for (char c : u.target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return make_error("invalid character in URL path (spaces and control characters "
                              "must be percent-encoded)");
    return u;
}

std::string join_url(std::string_view base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return std::string(base) + "/" + std::string(path);
}

Result<std::string> format_post(const Url& url, const Headers& headers, std::string_view body,
                                std::string_view content_type) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (!url.default_port) host += ":" + std::to_string(url.port);
    std::string out;
    out.reserve(256 + body.size());
    out += "POST " + url.target + " HTTP/1.1\r\n";
    out += "Host: " + host + "\r\n";
    out += "User-Agent: fab\r\n";
    out += "Accept: application/json\r\n";
    out += "Content-Type: " + std::string(content_type) + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "Connection: close\r\n";
    for (const auto& [name, value] : headers) {
        if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
            return make_error("invalid HTTP header name \"" + name + "\"");
        // The value is not quoted in the error: it may be an API key.
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
            return make_error("the value of HTTP header " + name +
                              " contains a line break or NUL; refusing to send it");
        out += name + ": " + value + "\r\n";
    }
    out += "\r\n";
    out.append(body);
    return out;
}

std::string Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return "";
}

// ---------- response parser ----------

bool ResponseParser::fail(std::string why) {
    state_ = State::failed;
    error_ = std::move(why);
    return false;
}

bool ResponseParser::take_line(std::string& line) {
    auto nl = buf_.find('\n');
    if (nl == std::string::npos) return false;
    line.assign(buf_, 0, nl);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    buf_.erase(0, nl + 1);
    return true;
}

bool ResponseParser::on_status_line(const std::string& line) {
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (line.size() < 12 || line.compare(0, 7, "HTTP/1.") != 0 || line[8] != ' ' ||
        !all_digits(std::string_view(line).substr(9, 3)) || (line.size() > 12 && line[12] != ' '))
        return fail("malformed HTTP status line");
    resp_.status = std::stoi(line.substr(9, 3));
    resp_.reason = line.size() > 13 ? line.substr(13) : "";
    state_ = State::headers;
    return true;
}

bool ResponseParser::on_header_line(const std::string& line) {
    if (line[0] == ' ' || line[0] == '\t') { // obsolete line folding
        if (resp_.headers.empty()) return fail("malformed HTTP header (continuation first)");
        resp_.headers.back().second += " " + std::string(trim(line));
        return true;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return fail("malformed HTTP header line");
    std::string name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char))
        return fail("malformed HTTP header name");
    resp_.headers.emplace_back(std::move(name),
                               std::string(trim(std::string_view(line).substr(colon + 1))));
    return true;
}

bool ResponseParser::start_body() {
    int st = resp_.status;
    if (st >= 100 && st < 200) { // interim (100 Continue, 103 Early Hints): the real one follows
        resp_ = Response{};
        state_ = State::status_line;
        return true;
    }
    if (st == 204 || st == 304) {
        state_ = State::done;
        return true;
    }
    std::string te, cl;
    bool has_cl = false;
    for (const auto& [k, v] : resp_.headers) {
        if (iequals(k, "Transfer-Encoding")) {
            te += (te.empty() ? "" : ",") + v;
        } else if (iequals(k, "Content-Length")) {
            std::string val(trim(v));
            if (has_cl && val != cl) return fail("conflicting Content-Length headers");
            has_cl = true;
            cl = val;
        }
    }
    if (!te.empty()) {
        // Chunked must be the last coding; anything else runs to the close.
        auto parts = split(te, ',');
        std::string last = parts.empty() ? "" : std::string(trim(parts.back()));
        state_ = iequals(last, "chunked") ? State::chunk_size : State::body_close;
        return true;
    }
    if (has_cl) {
        if (!all_digits(cl) || cl.size() > 12) return fail("invalid Content-Length");
        remaining_ = static_cast<size_t>(std::stoull(cl));
        if (remaining_ > kMaxBodyBytes) return fail("HTTP response body too large");
        state_ = remaining_ == 0 ? State::done : State::body_length;
        return true;
    }
    state_ = State::body_close;
    return true;
}

bool ResponseParser::feed(std::string_view data) {
    if (state_ == State::failed) return false;
    if (state_ == State::done) return true;
    buf_.append(data);
    std::string line;
    for (;;) {
        switch (state_) {
        case State::status_line:
        case State::headers:
        case State::chunk_size:
        case State::chunk_data_end:
        case State::trailers: {
            size_t before = buf_.size();
            if (!take_line(line)) {
                if (buf_.size() > kMaxHeaderBytes)
                    return fail("HTTP header or chunk line too long");
                return true;
            }
            if (state_ != State::chunk_data_end && state_ != State::chunk_size) {
                header_bytes_ += before - buf_.size();
                if (header_bytes_ > kMaxHeaderBytes) return fail("HTTP headers too large");
            }
            if (state_ == State::status_line) {
                if (line.empty()) continue; // tolerated stray CRLF before the status line
                if (!on_status_line(line)) return false;
            } else if (state_ == State::headers) {
                if (line.empty()) {
                    if (!start_body()) return false;
                } else if (!on_header_line(line)) {
                    return false;
                }
            } else if (state_ == State::chunk_size) {
                std::string_view sv = trim(line);
                auto semi = sv.find(';'); // chunk extensions are ignored
                sv = trim(sv.substr(0, semi));
                if (sv.empty() || sv.size() > 8) return fail("invalid chunk size");
                size_t n = 0;
                for (char c : sv) {
                    int d = (c >= '0' && c <= '9')   ? c - '0'
                            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                     : -1;
                    if (d < 0) return fail("invalid chunk size");
                    n = n * 16 + static_cast<size_t>(d);
                }
                if (resp_.body.size() + n > kMaxBodyBytes)
                    return fail("HTTP response body too large");
                remaining_ = n;
                state_ = n == 0 ? State::trailers : State::chunk_data;
            } else if (state_ == State::chunk_data_end) {
                if (!line.empty()) return fail("missing CRLF after chunk data");
                state_ = State::chunk_size;
            } else { // trailers
                if (line.empty()) {
                    state_ = State::done;
                    return true;
                }
            }
            break;
        }
        case State::body_length:
        case State::chunk_data: {
            size_t n = std::min(remaining_, buf_.size());
            resp_.body.append(buf_, 0, n);
            buf_.erase(0, n);
            remaining_ -= n;
            if (remaining_ > 0) return true;
            state_ = state_ == State::body_length ? State::done : State::chunk_data_end;
            if (state_ == State::done) return true;
            break;
        }
        case State::body_close:
            if (resp_.body.size() + buf_.size() > kMaxBodyBytes)
                return fail("HTTP response body too large");
            resp_.body += buf_;
            buf_.clear();
            return true;
        case State::done:
            return true;
        case State::failed:
            return false;
        }
    }
}

bool ResponseParser::finish() {
    if (state_ == State::body_close) state_ = State::done;
    if (state_ == State::done) return true;
    if (state_ == State::failed) return false;
    if (state_ == State::status_line && resp_.status == 0 && buf_.empty() && header_bytes_ == 0)
        return fail("the server closed the connection without a response");
    return fail("the server closed the connection before the response was complete");
}

// ---------- the connection ----------

namespace {

struct Deadline {
    int64_t end_ms;
    const std::atomic<bool>* cancel;
    int timeout_ms;
};

// Waits for `events` on `fd` in slices, so that cancellation is noticed.
Status wait_fd(int fd, short events, const Deadline& dl) {
    for (;;) {
        if (dl.cancel && dl.cancel->load()) return make_error("cancelled");
        int64_t left = dl.end_ms - monotonic_ms();
        if (left <= 0)
            return make_error("timed out after " + std::to_string(dl.timeout_ms) + " ms");
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
        if (rc > 0) return {};
        if (rc < 0 && errno != EINTR) return make_error("poll: " + errno_string(errno));
    }
}

struct AddrInfoFree {
    void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};
using AddrList = std::unique_ptr<addrinfo, AddrInfoFree>;

// getaddrinfo bounded by the deadline: IP literals directly, names through
// glibc's asynchronous getaddrinfo_a (a hung DNS server must not hold a pool
// thread past the deadline).
Result<AddrList> resolve(const Url& u, const Deadline& dl) {
    std::string service = std::to_string(u.port);
    if (is_ip_literal(u.host)) {
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
        addrinfo* res = nullptr;
        int rc = ::getaddrinfo(u.host.c_str(), service.c_str(), &hints, &res);
        if (rc != 0) return make_error("cannot resolve " + u.host + ": " + gai_strerror(rc));
        return AddrList(res);
    }
    struct Lookup {
        std::string host, service;
        addrinfo hints{};
        gaicb cb{};
    };
    auto lk = std::make_unique<Lookup>();
    lk->host = u.host;
    lk->service = service;
    lk->hints.ai_socktype = SOCK_STREAM;
    lk->hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    lk->cb.ar_name = lk->host.c_str();
    lk->cb.ar_service = lk->service.c_str();
    lk->cb.ar_request = &lk->hints;
    gaicb* list[1] = {&lk->cb};
    if (int rc = ::getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr); rc != 0)
        return make_error("cannot resolve " + u.host + ": " + gai_strerror(rc));
    std::string why;
    for (;;) {
        if (::gai_error(&lk->cb) != EAI_INPROGRESS) break;
        if (dl.cancel && dl.cancel->load()) {
            why = "cancelled";
        } else if (int64_t left = dl.end_ms - monotonic_ms(); left <= 0) {
            why = "timed out after " + std::to_string(dl.timeout_ms) + " ms resolving " + u.host;
        }
        if (!why.empty()) {
            int c = ::gai_cancel(&lk->cb);
            if (c == EAI_ALLDONE) break; // finished meanwhile: take the result below
            if (c != EAI_CANCELED)
                (void)lk.release(); // still running in glibc's thread, which writes to it: leak it
            return make_error(why);
        }
        int64_t slice = std::clamp<int64_t>(dl.end_ms - monotonic_ms(), 1, 100);
        timespec ts{static_cast<time_t>(slice / 1000), static_cast<long>((slice % 1000) * 1000000)};
        (void)::gai_suspend(list, 1, &ts);
    }
    int rc = ::gai_error(&lk->cb);
    AddrList res(lk->cb.ar_result);
    if (rc != 0) return make_error("cannot resolve " + u.host + ": " + gai_strerror(rc));
    if (!res) return make_error("cannot resolve " + u.host + ": no addresses");
    return res;
}

Result<UniqueFd> connect_to(const Url& u, const Deadline& dl) {
    auto addrs = resolve(u, dl);
    if (!addrs) return make_error(addrs.error());
    std::string last = "no address";
    for (addrinfo* ai = addrs->get(); ai; ai = ai->ai_next) {
        UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                             ai->ai_protocol));
        if (!fd.valid()) {
            last = "socket: " + errno_string(errno);
            continue;
        }
        int rc = ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno != EINPROGRESS) {
            last = errno_string(errno);
            continue;
        }
        if (rc != 0) {
            if (auto w = wait_fd(fd.get(), POLLOUT, dl); !w)
                return make_error("connecting to " + u.host + ": " + w.error());
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                last = errno_string(err);
                continue;
            }
        }
        int one = 1;
        ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return fd;
    }
    return make_error("cannot connect to " + u.host + ":" + std::to_string(u.port) + ": " + last);
}

std::string openssl_error(std::string_view what) {
    unsigned long e = ::ERR_get_error();
    std::string out(what);
    if (e != 0) {
        char buf[256];
        ::ERR_error_string_n(e, buf, sizeof buf);
        out += ": ";
        out += buf;
    }
    ::ERR_clear_error();
    return out;
}

struct SslCtxFree {
    void operator()(SSL_CTX* c) const { ::SSL_CTX_free(c); }
};
struct SslFree {
    void operator()(SSL* s) const { ::SSL_free(s); }
};

// One connection: plain TCP, or TLS over it.
class Conn {
  public:
    Conn(UniqueFd fd, const Deadline& dl) : fd_(std::move(fd)), dl_(dl) {}

    Status start_tls(const Url& u, const std::string& ca_file) {
        ::ERR_clear_error();
        ctx_.reset(::SSL_CTX_new(::TLS_client_method()));
        if (!ctx_) return make_error(openssl_error("TLS: cannot create a context"));
        ::SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
        int ok = ca_file.empty()
                     ? ::SSL_CTX_set_default_verify_paths(ctx_.get())
                     : ::SSL_CTX_load_verify_locations(ctx_.get(), ca_file.c_str(), nullptr);
        if (ok != 1) return make_error(openssl_error("TLS: cannot load the trusted certificates"));
        ::SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
        ssl_.reset(::SSL_new(ctx_.get()));
        if (!ssl_) return make_error(openssl_error("TLS: cannot create a session"));
        if (is_ip_literal(u.host)) {
            // No SNI for addresses (RFC 6066); check the certificate's IP SAN.
            if (::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(ssl_.get()), u.host.c_str()) != 1)
                return make_error(openssl_error("TLS: cannot set the expected address"));
        } else {
            if (::SSL_set_tlsext_host_name(ssl_.get(), u.host.c_str()) != 1)
                return make_error(openssl_error("TLS: cannot set SNI"));
            ::SSL_set_hostflags(ssl_.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            if (::SSL_set1_host(ssl_.get(), u.host.c_str()) != 1)
                return make_error(openssl_error("TLS: cannot set the expected host name"));
        }
        if (::SSL_set_fd(ssl_.get(), fd_.get()) != 1)
            return make_error(openssl_error("TLS: cannot attach the socket"));
        for (;;) {
            ::ERR_clear_error();
            int rc = ::SSL_connect(ssl_.get());
            if (rc == 1) break;
            int err = ::SSL_get_error(ssl_.get(), rc);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                if (auto w = wait_fd(fd_.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, dl_);
                    !w)
                    return make_error("TLS handshake with " + u.host + ": " + w.error());
                continue;
            }
            long v = ::SSL_get_verify_result(ssl_.get());
            if (v != X509_V_OK)
                return make_error("TLS: certificate of " + u.host +
                                  " not trusted: " + ::X509_verify_cert_error_string(v));
            return make_error(io_error("TLS handshake with " + u.host, err));
        }
        // SSL_VERIFY_PEER already fails the handshake on a bad chain or name;
        // check again so that a misconfiguration can never pass silently.
        X509* peer = ::SSL_get1_peer_certificate(ssl_.get());
        if (!peer) return make_error("TLS: " + u.host + " sent no certificate");
        ::X509_free(peer);
        if (long v = ::SSL_get_verify_result(ssl_.get()); v != X509_V_OK)
            return make_error("TLS: certificate of " + u.host +
                              " not trusted: " + ::X509_verify_cert_error_string(v));
        return {};
    }

    Status send_all(std::string_view data) {
        size_t off = 0;
        while (off < data.size()) {
            if (dl_.cancel && dl_.cancel->load()) return make_error("cancelled");
            if (ssl_) {
                ::ERR_clear_error();
                int chunk = static_cast<int>(std::min<size_t>(data.size() - off, 1 << 20));
                int n = ::SSL_write(ssl_.get(), data.data() + off, chunk);
                if (n > 0) {
                    off += static_cast<size_t>(n);
                    continue;
                }
                int err = ::SSL_get_error(ssl_.get(), n);
                if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                    // Retried below with the same buffer and length, as OpenSSL requires.
                    if (auto w =
                            wait_fd(fd_.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, dl_);
                        !w)
                        return make_error("sending: " + w.error());
                    continue;
                }
                return make_error(io_error("sending", err));
            }
            ssize_t n = ::send(fd_.get(), data.data() + off, data.size() - off, MSG_NOSIGNAL);
            if (n > 0) {
                off += static_cast<size_t>(n);
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                if (auto w = wait_fd(fd_.get(), POLLOUT, dl_); !w)
                    return make_error("sending: " + w.error());
            } else if (n < 0 && errno != EINTR) {
                return make_error("sending: " + errno_string(errno));
            }
        }
        return {};
    }

    // Bytes read (0 = the peer closed the connection).
    Result<size_t> recv_some(char* buf, size_t cap) {
        for (;;) {
            if (dl_.cancel && dl_.cancel->load()) return make_error("cancelled");
            if (ssl_) {
                ::ERR_clear_error();
                int n =
                    ::SSL_read(ssl_.get(), buf, static_cast<int>(std::min<size_t>(cap, 1 << 20)));
                if (n > 0) return static_cast<size_t>(n);
                int err = ::SSL_get_error(ssl_.get(), n);
                if (err == SSL_ERROR_ZERO_RETURN) return size_t{0};
                if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                    if (auto w =
                            wait_fd(fd_.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, dl_);
                        !w)
                        return make_error("reading: " + w.error());
                    continue;
                }
                // A close without close_notify: many servers do it after a
                // complete response. The parser decides whether the response
                // was cut short (a close-delimited JSON body that was
                // truncated fails to parse as JSON anyway).
                if (err == SSL_ERROR_SYSCALL && ::ERR_peek_error() == 0) return size_t{0};
                if (err == SSL_ERROR_SSL &&
                    ERR_GET_REASON(::ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
                    ::ERR_clear_error();
                    return size_t{0};
                }
                return make_error(io_error("reading", err));
            }
            ssize_t n = ::recv(fd_.get(), buf, cap, 0);
            if (n >= 0) return static_cast<size_t>(n);
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (auto w = wait_fd(fd_.get(), POLLIN, dl_); !w)
                    return make_error("reading: " + w.error());
            } else if (errno != EINTR) {
                return make_error("reading: " + errno_string(errno));
            }
        }
    }

  private:
    std::string io_error(const std::string& what, int ssl_err) {
        if (ssl_err == SSL_ERROR_SYSCALL && ::ERR_peek_error() == 0)
            return what + ": " + (errno ? errno_string(errno) : std::string("connection closed"));
        return openssl_error(what + ": TLS error");
    }

    UniqueFd fd_;
    Deadline dl_;
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx_;
    std::unique_ptr<SSL, SslFree> ssl_;
};

} // namespace

Result<Response> post(const std::string& url, const Headers& headers, std::string_view body,
                      const PostOptions& opts) {
    auto u = parse_url(url);
    if (!u) return make_error(u.error());
    auto req = format_post(*u, headers, body);
    if (!req) return make_error(req.error());
    Deadline dl{monotonic_ms() + std::max(opts.timeout_ms, 1), opts.cancel, opts.timeout_ms};
    auto fd = connect_to(*u, dl);
    if (!fd) return make_error(fd.error());
    Conn conn(std::move(*fd), dl);
    if (u->scheme == "https")
        if (auto s = conn.start_tls(*u, opts.ca_file); !s) return make_error(s.error());
    if (auto s = conn.send_all(*req); !s) return make_error(s.error());
    ResponseParser parser;
    char buf[16 * 1024];
    while (!parser.done()) {
        auto n = conn.recv_some(buf, sizeof buf);
        if (!n) return make_error(n.error());
        bool ok = *n == 0 ? parser.finish() : parser.feed(std::string_view(buf, *n));
        if (!ok) return make_error(parser.error());
    }
    return std::move(parser.response());
}

} // namespace fab::net
