// The HTTP routes of the API (as Fabro's, under /api/v1). Each route turns
// the request into a protocol Request (path parameters, query, JSON body)
// and dispatches it through the daemon's Router, exactly as a socket message
// would be; an HttpResponder turns the handler's answer into the response.
// share/openapi.json documents these routes (tests/unit/openapi_test.cpp
// checks that the two agree).
#include "daemon/http/routes.hpp"
#include "daemon/daemon.hpp"
#include "daemon/http/http_auth.hpp"
#include "daemon/http/http_internal.hpp"
#include "daemon/http/sse.hpp"
#include "daemon/http/static_files.hpp"
#include "protocol/version.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <new>

namespace fab::http {

namespace {

// The OpenSSL connection under an h2o socket (nullptr for plain HTTP). h2o
// 2.2 (Debian's libh2o) has no getter and does not set the SSL's app data;
// its private st_h2o_socket_ssl_t begins {SSL_CTX* ssl_ctx; SSL* ossl; …}.
// Only these two leading members are read; tests/integration/http_auth_test
// (mTLS) fails if a newer h2o moves them.
SSL* ssl_of(h2o_socket_t* sock) {
    struct LeadingMembers {
        SSL_CTX* ssl_ctx;
        SSL* ossl;
    };
    if (!sock || !sock->ssl) return nullptr;
    return reinterpret_cast<const LeadingMembers*>(sock->ssl)->ossl;
}

// One request's way back: the answer of a handler, as an HTTP response. The
// h2o request lives in its memory pool; when the client goes away first the
// pool's dispose callback unhooks it and the answer is dropped.
class HttpResponder final : public Responder {
  public:
    HttpResponder(h2o_req_t* req, const Route& route, std::string rid)
        : req_(req), route_(route), rid_(std::move(rid)) {}
    static std::shared_ptr<HttpResponder> make(h2o_req_t* req, const Route& route,
                                               std::string rid) {
        auto r = std::make_shared<HttpResponder>(req, route, std::move(rid));
        void* mem =
            h2o_mem_alloc_shared(&req->pool, sizeof(std::weak_ptr<HttpResponder>), [](void* p) {
                auto* w = static_cast<std::weak_ptr<HttpResponder>*>(p);
                if (auto alive = w->lock()) alive->req_ = nullptr;
                w->~weak_ptr();
            });
        new (mem) std::weak_ptr<HttpResponder>(r);
        return r;
    }
    void send_ok(const Json& payload) override {
        if (!req_) return;
        if (route_.success == 204) return send_empty(req_, 204, rid_);
        const Json& body =
            route_.unwrap && payload.contains(route_.unwrap) ? payload[route_.unwrap] : payload;
        send_json(req_, route_.success, body.is_null() ? Json::object() : body, rid_);
    }
    void send_error(const std::string& error) override {
        if (!req_) return;
        int status = status_for(error);
        std::string detail = error;
        for (const char* p : {"not found: ", "conflict: "})
            if (detail.rfind(p, 0) == 0) detail = detail.substr(std::string(p).size());
        http::send_error(req_, status, detail, rid_);
    }
    bool send_event(const Json&) override { return false; } // no progress over HTTP
    uint64_t client() const override { return 0; }

  private:
    h2o_req_t* req_;
    const Route& route_;
    std::string rid_;
};

// The value of `key` in a query string (percent-decoded), or nullopt.
std::optional<std::string> query_param(std::string_view query, std::string_view key) {
    for (const std::string& pair : split(std::string(query), '&')) {
        auto eq = pair.find('=');
        std::string k = pair.substr(0, eq);
        if (percent_decode(k) != key) continue;
        return percent_decode(eq == std::string::npos ? "" : pair.substr(eq + 1));
    }
    return std::nullopt;
}

// A query integer: absent → fallback; anything but a decimal integer → error.
Result<int64_t> query_int(std::string_view query, std::string_view key, int64_t fallback) {
    auto v = query_param(query, key);
    if (!v) return fallback;
    auto n = parse_int(*v);
    if (!n) return make_error(std::string(key) + " must be an integer");
    return *n;
}

Json system_info(HttpServer& s) {
    Daemon& d = s.daemon();
    int64_t up = d.started_ms() ? (now_ms() - d.started_ms()) / 1000 : 0;
    return {{"version", kVersion},
            {"protocol", kProtocolMajor},
            {"uptime_seconds", up},
            {"http", {{"listen", s.address()}, {"engine", "h2o " H2O_VERSION}}},
            {"max_concurrent_runs", d.runs().max_concurrent()},
            {"runs", d.runs().counts()},
            {"sse", sse_stats(s)}};
}

} // namespace

int handle(HttpServer& s, h2o_req_t* req) {
    std::string rid = request_id(req);
    std::string_view method = view(req->method);
    std::string_view full = view(req->path);
    std::string_view path = full, query;
    if (req->query_at != SIZE_MAX && req->query_at <= full.size()) {
        path = full.substr(0, req->query_at);
        query = full.substr(req->query_at + 1);
    }
    // The web UI's files: public, before authentication (static_files.hpp).
    if (is_web_request(method, path)) {
        serve_web(req, path, rid);
        return 0;
    }
    if (header_is(req, "x-fab-demo", "1") || header_is(req, "x-fabro-demo", "1")) {
        handle_demo(req, method, path, rid);
        return 0;
    }
    // GitHub signs its webhooks (HMAC); it sends no JWT or client certificate.
    if (path == "/api/v1/webhooks/github" && method == "POST") {
        handle_github_webhook(s, req, rid);
        return 0;
    }
    // Authentication, when configured: every request but the health check.
    // Each authenticated request is logged with its user.
    if (const HttpAuth* auth = s.auth(); auth && auth->required() && path != "/health") {
        h2o_socket_t* sock = req->conn->callbacks->get_socket
                                 ? req->conn->callbacks->get_socket(req->conn)
                                 : nullptr;
        std::string_view authorization;
        ssize_t at = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
        if (at >= 0) authorization = view(req->headers.entries[at].value);
        auto id = auth->identify(ssl_of(sock), authorization, now_ms() / 1000);
        if (!id) {
            h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_WWW_AUTHENTICATE, nullptr,
                           H2O_STRLIT("Bearer"));
            log::info("http: refused " + std::string(method) + " " + std::string(path) + ": " +
                      id.error());
            send_error(req, 401, id.error(), rid);
            return 0;
        }
        log::info("http: " + id->user + " (" + id->method + ") " + std::string(method) + " " +
                  std::string(path));
    }
    const Route* found = nullptr;
    bool path_known = false;
    std::map<std::string, std::string> params;
    for (const Route& r : routes()) {
        std::map<std::string, std::string> p;
        if (!match_route(r, path, p)) continue;
        path_known = true;
        if (method == r.method || (method == "HEAD" && std::string_view(r.method) == "GET")) {
            found = &r;
            params = std::move(p);
            break;
        }
    }
    if (!found) {
        send_error(req, path_known ? 405 : 404,
                   path_known ? std::string(method) + " is not allowed on " + std::string(path)
                              : "no route " + std::string(path),
                   rid);
        return 0;
    }
    std::string pattern = found->pattern;
    if (pattern == "/health") {
        send_json(req, 200, {{"status", "ok"}}, rid);
        return 0;
    }
    if (pattern == "/api/v1/system/info") {
        send_json(req, 200, system_info(s), rid);
        return 0;
    }
    if (pattern == "/api/v1/openapi.json") {
        std::string_view doc = openapi_document();
        req->res.status = 200;
        req->res.reason = "OK";
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, nullptr,
                       H2O_STRLIT("application/json"));
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, nullptr,
                              h2o_strdup(&req->pool, rid.data(), rid.size()).base, rid.size());
        req->res.content_length = doc.size();
        h2o_send_inline(req, doc.data(), doc.size());
        return 0;
    }

    if (pattern == "/api/v1/attach") {
        std::set<std::string> ids;
        if (auto v = query_param(query, "run_id"))
            for (const std::string& id : split(*v, ','))
                if (!id.empty()) ids.insert(id);
        // Browsers resume with the header; other clients may say it in the query.
        std::string last;
        ssize_t at = h2o_find_header_by_str(&req->headers, H2O_STRLIT("last-event-id"), -1);
        if (at >= 0) last = std::string(view(req->headers.entries[at].value));
        if (auto v = query_param(query, "last_event_id")) last = *v;
        auto feed = all_runs_feed(s.daemon(), std::move(ids), last);
        if (!feed) {
            std::string detail = feed.error();
            if (detail.rfind("not found: ", 0) == 0) detail = detail.substr(11);
            send_error(req, status_for(feed.error()), detail, rid);
            return 0;
        }
        start_stream(s, req, std::move(*feed), rid);
        return 0;
    }
    if (pattern == "/api/v1/messages") {
        start_message(s, req, rid);
        return 0;
    }

    // A route of the protocol: build its payload.
    Json payload = Json::object();
    if (view(req->entity).size() > 0 || std::string_view(found->method) == "POST") {
        std::string_view body = view(req->entity);
        if (!body.empty()) {
            Json j = Json::parse(body.begin(), body.end(), nullptr, false);
            if (j.is_discarded() || !j.is_object()) {
                send_error(req, 400, "the body must be a JSON object", rid);
                return 0;
            }
            payload = std::move(j);
        }
    }
    if (found->type == std::string_view("run.answer")) payload = Json{{"answer", payload}};
    for (auto& [k, v] : params) payload[k == "qid" ? "question" : k] = v;

    if (pattern == "/api/v1/runs" && method == "GET") {
        for (const char* k : {"status", "project"})
            if (auto v = query_param(query, k)) payload[k] = *v;
        auto limit = query_int(query, "page[limit]", 20);
        auto offset = query_int(query, "page[offset]", 0);
        if (!limit || !offset) {
            send_error(req, 400, !limit ? limit.error() : offset.error(), rid);
            return 0;
        }
        payload["limit"] = *limit;
        payload["offset"] = *offset;
    }
    if (pattern == "/api/v1/runs/{id}/files") {
        auto max_patch = query_int(query, "max_patch_bytes", 512 * 1024);
        if (!max_patch) {
            send_error(req, 400, max_patch.error(), rid);
            return 0;
        }
        payload["max_patch_bytes"] = *max_patch;
    }
    if (pattern == "/api/v1/runs/{id}/events" || pattern == "/api/v1/runs/{id}/attach") {
        auto since = query_int(query, "since_seq", 0);
        auto limit = query_int(query, "limit", 1000);
        if (!since || !limit) {
            send_error(req, 400, !since ? since.error() : limit.error(), rid);
            return 0;
        }
        if (*since < 0) {
            send_error(req, 400, "since_seq must be 0 or more", rid);
            return 0;
        }
        if (pattern == "/api/v1/runs/{id}/attach") {
            if (!s.daemon().runs().find(params["id"])) {
                send_error(req, 404, "no run \"" + params["id"] + "\"", rid);
                return 0;
            }
            start_stream(s, req, run_feed(s.daemon().runs(), params["id"], *since), rid);
            return 0;
        }
        payload["since_seq"] = *since;
        payload["limit"] = *limit;
    }

    Request q;
    q.type = found->type;
    q.id = rid;
    q.payload = std::move(payload);
    Reply reply(HttpResponder::make(req, *found, rid));
    s.daemon().router().dispatch(q, reply);
    return 0;
}

} // namespace fab::http
