#include "daemon/http/http_server.hpp"

#include "daemon/http/http_auth.hpp"
#include "daemon/http/http_internal.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include "ev/handle.hpp"

#include <arpa/inet.h>
#include <cstdlib>

namespace fab {

// h2o's configuration and context, and the one handler every path goes to.
struct HttpServer::Impl {
    struct Handler {
        h2o_handler_t super; // first: h2o hands back this pointer
        HttpServer* server;
    };
    h2o_globalconf_t config{};
    h2o_context_t ctx{};
    h2o_accept_ctx_t accept{};
    bool ctx_ready = false;

    explicit Impl(HttpServer* s) {
        h2o_config_init(&config);
        config.max_request_entity_size = 1024 * 1024; // larger bodies get 413
        h2o_hostconf_t* host =
            h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
        h2o_pathconf_t* path = h2o_config_register_path(host, "/", 0);
        auto* h = reinterpret_cast<Handler*>(h2o_create_handler(path, sizeof(Handler)));
        h->server = s;
        h->super.on_req = [](h2o_handler_t* self, h2o_req_t* req) -> int {
            return http::handle(*reinterpret_cast<Handler*>(self)->server, req);
        };
    }
    ~Impl() {
        if (ctx_ready) h2o_context_dispose(&ctx);
        h2o_config_dispose(&config);
    }
};

Result<ListenAddress> parse_listen_address(const std::string& spec) {
    ListenAddress a;
    std::string port;
    if (!spec.empty() && spec.front() == '[') {
        auto close = spec.find(']');
        if (close == std::string::npos || close + 1 >= spec.size() || spec[close + 1] != ':')
            return make_error("bad listen address \"" + spec + "\"; use [V6]:PORT");
        a.host = spec.substr(1, close - 1);
        port = spec.substr(close + 2);
    } else if (auto colon = spec.rfind(':'); colon != std::string::npos) {
        a.host = spec.substr(0, colon);
        port = spec.substr(colon + 1);
    } else {
        a.host = "127.0.0.1";
        port = spec;
    }
    auto n = parse_int(port);
    if (!n || *n < 1 || *n > 65535)
        return make_error("bad listen address \"" + spec + "\": the port must be 1-65535");
    a.port = static_cast<int>(*n);
    if (a.host.empty()) a.host = "127.0.0.1";
    if (a.host == "localhost") a.host = "127.0.0.1";
    return a;
}

bool is_loopback_host(const std::string& host) {
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return host == "localhost";
}

HttpServer::HttpServer(uv_loop_t* loop, Daemon& d)
    : loop_(loop), d_(d), impl_(std::make_unique<Impl>(this)) {}

HttpServer::~HttpServer() {
    close();
    // Dispose the context only after its connections are gone: the daemon
    // destroys this after uv_run has returned.
    impl_.reset();
}

Status HttpServer::listen(const std::string& spec, const ServerConfig& config) {
    auto a = parse_listen_address(spec);
    if (!a) return make_error(a.error());
    auto auth = http::HttpAuth::create(config);
    if (!auth) return make_error(auth.error());
    auth_ = std::move(auth).value();
    if (!is_loopback_host(a->host) && !auth_->required())
        return make_error("refusing to serve HTTP on " + spec +
                          ": without [server] auth (jwt, mtls) only a loopback address "
                          "(127.0.0.1, ::1, localhost) may be used");
    if (SSL_CTX* tls = auth_->tls_context()) {
        // HTTP/2 is offered by ALPN; HTTP/1.1 otherwise.
        h2o_ssl_register_alpn_protocols(tls, h2o_http2_alpn_protocols);
        impl_->accept.ssl_ctx = tls;
    }
    sockaddr_storage ss{};
    bool v6 = a->host.find(':') != std::string::npos;
    int rc = v6 ? uv_ip6_addr(a->host.c_str(), a->port, reinterpret_cast<sockaddr_in6*>(&ss))
                : uv_ip4_addr(a->host.c_str(), a->port, reinterpret_cast<sockaddr_in*>(&ss));
    if (rc != 0) return make_error("bad listen address \"" + spec + "\": " + uv_strerror(rc));
    if (!impl_->ctx_ready) {
        // h2o's context holds a uv_async (its cross-thread queue) that would
        // keep the loop alive forever: unref what the init adds, so that
        // only the listener and live connections keep the daemon running.
        std::set<uv_handle_t*> before;
        uv_walk(
            loop_,
            [](uv_handle_t* h, void* arg) { static_cast<std::set<uv_handle_t*>*>(arg)->insert(h); },
            &before);
        h2o_context_init(&impl_->ctx, loop_, &impl_->config);
        uv_walk(
            loop_,
            [](uv_handle_t* h, void* arg) {
                if (!static_cast<std::set<uv_handle_t*>*>(arg)->count(h)) uv_unref(h);
            },
            &before);
        impl_->accept.ctx = &impl_->ctx;
        impl_->accept.hosts = impl_->config.hosts;
        impl_->ctx_ready = true;
    }
    listener_ = new uv_tcp_t;
    uv_tcp_init(loop_, listener_);
    listener_->data = this;
    rc = uv_tcp_bind(listener_, reinterpret_cast<sockaddr*>(&ss), 0);
    if (rc == 0)
        rc = uv_listen(reinterpret_cast<uv_stream_t*>(listener_), 128, [](uv_stream_t* l, int st) {
            if (st == 0 && l->data) static_cast<HttpServer*>(l->data)->on_connection(l);
        });
    if (rc != 0) {
        ev::close_and_free(listener_);
        return make_error("cannot listen on " + spec + ": " + uv_strerror(rc));
    }
    address_ = (v6 ? "[" + a->host + "]" : a->host) + ":" + std::to_string(a->port);
    log::info(std::string("HTTP API on ") + (auth_->tls_context() ? "https://" : "http://") +
              address_ + (auth_->required() ? " (authentication required)" : ""));
    return {};
}

void HttpServer::on_connection(uv_stream_t* listener) {
    // h2o owns the connection from here; it frees the handle with free().
    auto* conn = static_cast<uv_tcp_t*>(std::malloc(sizeof(uv_tcp_t)));
    if (!conn) return;
    uv_tcp_init(loop_, conn);
    if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(conn)) != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(conn), [](uv_handle_t* h) { std::free(h); });
        return;
    }
    // A response goes out in several small writes (an SSE event, then the
    // end of the stream): with Nagle each one after the first waited for the
    // client's delayed ACK, 40 ms per request of the remote CLI.
    uv_tcp_nodelay(conn, 1);
    h2o_socket_t* sock = h2o_uv_socket_create(reinterpret_cast<uv_stream_t*>(conn),
                                              [](uv_handle_t* h) { std::free(h); });
    h2o_accept(&impl_->accept, sock);
}

void HttpServer::close() {
    if (closed_) return;
    closed_ = true;
    ev::close_and_free(listener_);
    // Each stream ends itself (and leaves the set).
    auto streams = streams_;
    for (SseStream* s : streams) http::end_stream(s);
    auto open = open_responses_;
    for (auto& [key, end] : open) end();
    if (impl_->ctx_ready) h2o_context_request_shutdown(&impl_->ctx);
}

} // namespace fab
