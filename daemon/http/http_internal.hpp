// Shared by the files of daemon/http: h2o request helpers. Not for use
// outside daemon/http (h2o's headers stay in here).
#pragma once

#include "daemon/http/http_server.hpp"
#include "protocol/envelope.hpp"

#include <h2o.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace fab::http {

std::string_view view(h2o_iovec_t v);
// The client's x-request-id when it sent a sane one, else a new one.
std::string request_id(h2o_req_t* req);
bool header_is(h2o_req_t* req, std::string_view name, std::string_view value);

void send_json(h2o_req_t* req, int status, const Json& body, const std::string& rid);
void send_empty(h2o_req_t* req, int status, const std::string& rid);
// The headers of a streamed Server-Sent Events response (200, no caching);
// the body follows with h2o_send.
void start_event_stream(h2o_req_t* req, const std::string& rid);
// How often an idle event stream sends a keep-alive comment (15 s;
// FAB_SSE_KEEPALIVE_MS shortens it for tests).
uint64_t sse_keepalive_ms();
// {"errors":[{"status","title","detail"}]}
void send_error(h2o_req_t* req, int status, const std::string& detail, const std::string& rid);
// The status of a handler's error text: "not found: " → 404, "conflict: " →
// 409, "internal error" → 500, "unknown request type" → 404, else 400.
int status_for(const std::string& error);
const char* reason_phrase(int status);

// routes.cpp: every request enters here.
int handle(HttpServer& s, h2o_req_t* req);
// webhook_github.cpp: POST /api/v1/webhooks/github (HMAC-checked, no API auth).
void handle_github_webhook(HttpServer& s, h2o_req_t* req, const std::string& rid);
// demo.cpp: static demo data for a request with X-Fab-Demo: 1.
void handle_demo(h2o_req_t* req, std::string_view method, std::string_view path,
                 const std::string& rid);
// sse.cpp: the SSE streams' counters (GET /api/v1/system/info).
Json sse_stats(const HttpServer& s);
// messages.cpp: POST /api/v1/messages (any protocol request, answered as SSE).
void start_message(HttpServer& s, h2o_req_t* req, const std::string& rid);
// static_response.cpp: a file of the web UI (static_files.hpp), or 404.
void serve_web(h2o_req_t* req, std::string_view path, const std::string& rid);
// Ends a stream now (daemon shutdown).
void end_stream(SseStream* s);

} // namespace fab::http
