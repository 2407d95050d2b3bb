// Writing responses with h2o: JSON bodies, the error document, request ids.
#include "daemon/http/http_internal.hpp"

#include "util/ids.hpp"

#include <cstdlib>

namespace fab::http {

std::string_view view(h2o_iovec_t v) {
    return v.base ? std::string_view(v.base, v.len) : std::string_view();
}

namespace {
std::string_view header(h2o_req_t* req, std::string_view name) {
    ssize_t i = h2o_find_header_by_str(&req->headers, name.data(), name.size(), -1);
    return i < 0 ? std::string_view() : view(req->headers.entries[i].value);
}

void common_headers(h2o_req_t* req, int status, const std::string& rid) {
    req->res.status = status;
    req->res.reason = reason_phrase(status);
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, nullptr,
                          h2o_strdup(&req->pool, rid.data(), rid.size()).base, rid.size());
}
} // namespace

std::string request_id(h2o_req_t* req) {
    std::string_view given = header(req, "x-request-id");
    bool sane = !given.empty() && given.size() <= 128 &&
                given.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_.:") == std::string_view::npos;
    return sane ? std::string(given) : uuid_v4();
}

bool header_is(h2o_req_t* req, std::string_view name, std::string_view value) {
    return header(req, name) == value;
}

void send_json(h2o_req_t* req, int status, const Json& body, const std::string& rid) {
    common_headers(req, status, rid);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, nullptr,
                   H2O_STRLIT("application/json"));
    std::string text = dump_json(body);
    req->res.content_length = text.size();
    h2o_send_inline(req, text.data(), text.size()); // h2o copies the body
}

void start_event_stream(h2o_req_t* req, const std::string& rid) {
    common_headers(req, 200, rid);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, nullptr,
                   H2O_STRLIT("text/event-stream"));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, nullptr,
                   H2O_STRLIT("no-cache"));
}

uint64_t sse_keepalive_ms() {
    // Tests shorten it; the default is the 15 s the API promises.
    if (const char* v = std::getenv("FAB_SSE_KEEPALIVE_MS"))
        if (long n = std::atol(v); n > 0) return static_cast<uint64_t>(n);
    return 15000;
}

void send_empty(h2o_req_t* req, int status, const std::string& rid) {
    common_headers(req, status, rid);
    req->res.content_length = 0;
    h2o_send_inline(req, "", 0);
}

void send_error(h2o_req_t* req, int status, const std::string& detail, const std::string& rid) {
    send_json(req, status,
              {{"errors",
                {{{"status", std::to_string(status)},
                  {"title", reason_phrase(status)},
                  {"detail", detail}}}}},
              rid);
}

int status_for(const std::string& error) {
    auto starts = [&](const char* p) { return error.rfind(p, 0) == 0; };
    if (starts("not found: ") || starts("unknown request type")) return 404;
    if (starts("conflict: ")) return 409;
    if (starts("internal error")) return 500;
    return 400;
}

const char* reason_phrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Unknown";
    }
}

} // namespace fab::http
