// Serving the web UI (static_files.hpp) with h2o: the built-in file, its
// content type, and the headers that keep the page to itself.
#include "daemon/http/http_internal.hpp"
#include "daemon/http/static_files.hpp"

namespace fab::http {

namespace {

void add(h2o_req_t* req, const h2o_token_t* token, std::string_view value) {
    h2o_add_header(&req->pool, &req->res.headers, token, nullptr, value.data(), value.size());
}

void add(h2o_req_t* req, std::string_view name, std::string_view value) {
    h2o_add_header_by_str(&req->pool, &req->res.headers, name.data(), name.size(), 0, nullptr,
                          value.data(), value.size());
}

} // namespace

void serve_web(h2o_req_t* req, std::string_view path, const std::string& rid) {
    const WebAsset* a = find_web_asset(path);
    if (!a) return send_error(req, 404, "no file " + std::string(path), rid);
    req->res.status = 200;
    req->res.reason = "OK";
    add(req, H2O_TOKEN_CONTENT_TYPE, a->content_type);
    add(req, "content-security-policy", kWebCsp);
    add(req, "x-content-type-options", "nosniff");
    add(req, "referrer-policy", "no-referrer");
    add(req, "x-frame-options", "DENY");
    // The files change with the daemon: revalidate rather than cache stale code.
    add(req, H2O_TOKEN_CACHE_CONTROL, "no-cache");
    add(req, "x-request-id",
        std::string_view(h2o_strdup(&req->pool, rid.data(), rid.size()).base, rid.size()));
    req->res.content_length = a->body.size();
    h2o_send_inline(req, a->body.data(), a->body.size()); // h2o copies it; HEAD sends none
}

} // namespace fab::http
