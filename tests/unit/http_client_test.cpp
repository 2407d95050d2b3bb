// Tests for src/net/http_client: URL parsing, request formatting (incl.
// header injection), the response parser (Content-Length, chunked, close-
// delimited, split at every byte, limits), and post() against the fake
// HTTP(S) server of tests/common (TLS with a throwaway certificate). Also the pure
// parts of the llm permission checker: verdict parsing, provider requests
// and responses.
#include "daemon/permissions/llm_checker.hpp"
#include "fake_http_server.hpp"
#include "net/http_client.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace fab;
using namespace fab::net;
using fab::test::FakeHttpServer;
using Json = nlohmann::json;

namespace {

Response parse_all(const std::string& bytes, bool eof = true) {
    ResponseParser p;
    BOOST_REQUIRE_MESSAGE(p.feed(bytes), p.error());
    if (!p.done() && eof) BOOST_REQUIRE_MESSAGE(p.finish(), p.error());
    BOOST_REQUIRE(p.done());
    return p.response();
}

std::string parse_error(const std::string& bytes, bool eof = true) {
    ResponseParser p;
    bool ok = p.feed(bytes);
    if (ok && eof) ok = p.finish();
    BOOST_REQUIRE_MESSAGE(!ok, "expected a parse error");
    return p.error();
}

} // namespace

BOOST_AUTO_TEST_SUITE(http_url)

BOOST_AUTO_TEST_CASE(parses_scheme_host_port_and_target) {
    auto u = parse_url("https://api.anthropic.com");
    BOOST_REQUIRE(u.ok());
    BOOST_TEST(u->scheme == "https");
    BOOST_TEST(u->host == "api.anthropic.com");
    BOOST_TEST(u->port == 443);
    BOOST_TEST(u->default_port);
    BOOST_TEST(u->target == "/");

    u = parse_url("HTTP://127.0.0.1:8080/v1/responses?x=1#frag");
    BOOST_REQUIRE(u.ok());
    BOOST_TEST(u->scheme == "http");
    BOOST_TEST(u->port == 8080);
    BOOST_TEST(!u->default_port);
    BOOST_TEST(u->target == "/v1/responses?x=1");

    u = parse_url("http://[::1]:9/p");
    BOOST_REQUIRE(u.ok());
    BOOST_TEST(u->host == "::1");
    BOOST_TEST(u->port == 9);

    u = parse_url("http://h?q");
    BOOST_REQUIRE(u.ok());
    BOOST_TEST(u->target == "/?q");
}

BOOST_AUTO_TEST_CASE(rejects_what_it_cannot_send) {
    for (const char* bad :
         {"ftp://h/", "api.openai.com/v1", "http://", "http://:80/", "http://h:0/",
          "http://h:65536/", "http://h:x/", "http://h:/", "http://user:pw@h/", "http://[::1/",
          "http://[zz]/", "http://h/a b", "http://h\r\nX: y/", "http://h/\x7f"}) {
        BOOST_TEST(!parse_url(bad).ok(), bad);
    }
}

BOOST_AUTO_TEST_CASE(join_url_puts_one_slash_between) {
    BOOST_TEST(join_url("http://h/v1/", "/responses") == "http://h/v1/responses");
    BOOST_TEST(join_url("http://h/v1", "responses") == "http://h/v1/responses");
    BOOST_TEST(join_url("https://api.anthropic.com", "v1/messages") ==
               "https://api.anthropic.com/v1/messages");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_request)

BOOST_AUTO_TEST_CASE(formats_a_post_with_length_and_headers) {
    auto u = parse_url("http://127.0.0.1:8080/v1/messages");
    BOOST_REQUIRE(u.ok());
    auto r =
        format_post(*u, {{"x-api-key", "k"}, {"anthropic-version", "2023-06-01"}}, "{\"a\":1}");
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->rfind("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", 0) == 0u, *r);
    BOOST_TEST(r->find("Content-Length: 7\r\n") != std::string::npos);
    BOOST_TEST(r->find("Content-Type: application/json\r\n") != std::string::npos);
    BOOST_TEST(r->find("Connection: close\r\n") != std::string::npos);
    BOOST_TEST(r->find("x-api-key: k\r\n") != std::string::npos);
    BOOST_TEST(r->size() >= 11u);
    BOOST_TEST(r->substr(r->size() - 11) == "\r\n\r\n{\"a\":1}");

    u = parse_url("https://[::1]/x");
    BOOST_REQUIRE(u.ok());
    BOOST_TEST(format_post(*u, {}, "")->find("Host: [::1]\r\n") != std::string::npos);
    u = parse_url("https://api.openai.com/v1/responses");
    BOOST_TEST(format_post(*u, {}, "")->find("Host: api.openai.com\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refuses_header_injection_without_quoting_the_value) {
    auto u = parse_url("http://h/");
    BOOST_REQUIRE(u.ok());
    auto r = format_post(*u, {{"Authorization", "Bearer secret\r\nX-Evil: 1"}}, "");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("secret") == std::string::npos, r.error());
    BOOST_TEST(!format_post(*u, {{"Bad Name", "v"}}, "").ok());
    BOOST_TEST(!format_post(*u, {{"", "v"}}, "").ok());
    BOOST_TEST(!format_post(*u, {{"X", std::string("a\0b", 3)}}, "").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_response)

BOOST_AUTO_TEST_CASE(content_length_body) {
    auto r = parse_all("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                       "\r\n{\"ok\":true}",
                       false);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.reason == "OK");
    BOOST_TEST(r.body == "{\"ok\":true}");
    BOOST_TEST(r.header("content-type") == "application/json");
    BOOST_TEST(r.header("missing") == "");
}

BOOST_AUTO_TEST_CASE(extra_bytes_after_content_length_are_ignored) {
    auto r = parse_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiGARBAGE", false);
    BOOST_TEST(r.body == "hi");
}

BOOST_AUTO_TEST_CASE(chunked_body_with_extensions_and_trailers) {
    auto r = parse_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n"
                       "X-Trailer: t\r\n\r\n",
                       false);
    BOOST_TEST(r.body == "Wikipedia in\r\n\r\nchunks.");
}

BOOST_AUTO_TEST_CASE(chunked_wins_over_content_length) {
    auto r = parse_all(
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
        "2\r\nok\r\n0\r\n\r\n",
        false);
    BOOST_TEST(r.body == "ok");
}

BOOST_AUTO_TEST_CASE(body_to_the_close_and_bare_lf_lines) {
    auto r = parse_all("HTTP/1.0 500 Internal Server Error\nServer: x\n\n{\"error\":1}");
    BOOST_TEST(r.status == 500);
    BOOST_TEST(r.reason == "Internal Server Error");
    BOOST_TEST(r.body == "{\"error\":1}");
}

BOOST_AUTO_TEST_CASE(interim_responses_are_skipped) {
    auto r = parse_all(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", false);
    BOOST_TEST(r.status == 201);
    BOOST_TEST(r.body.empty());
    r = parse_all("HTTP/1.1 204 No Content\r\n\r\n", false);
    BOOST_TEST(r.status == 204);
}

BOOST_AUTO_TEST_CASE(folded_header_and_status_without_reason) {
    auto r = parse_all("HTTP/1.1 200\r\nX-Long: a\r\n  b\r\nContent-Length: 0\r\n\r\n", false);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.reason == "");
    BOOST_TEST(r.header("x-long") == "a b");
}

BOOST_AUTO_TEST_CASE(same_result_whatever_the_split) {
    const std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
    for (size_t step = 1; step <= 7; ++step) {
        ResponseParser p;
        for (size_t i = 0; i < wire.size(); i += step)
            BOOST_REQUIRE_MESSAGE(p.feed(std::string_view(wire).substr(i, step)), p.error());
        BOOST_REQUIRE(p.done());
        BOOST_TEST(p.response().body == "abc0123456789abcdef");
    }
}

BOOST_AUTO_TEST_CASE(truncated_or_malformed_responses_are_errors) {
    BOOST_TEST(parse_error("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").find("before") !=
               std::string::npos);
    BOOST_TEST(parse_error("").find("without a response") != std::string::npos);
    parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
    parse_error("HTTP/1.1 200 OK\r\nContent-Le"); // headers cut
    parse_error("SMTP ready\r\n\r\n", false);
    parse_error("HTTP/1.1 2x0 OK\r\n\r\n", false);
    parse_error("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", false);
    parse_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false);
    parse_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false);
    parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false);
    parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", false);
}

BOOST_AUTO_TEST_CASE(limits_bound_memory) {
    BOOST_TEST(parse_error("HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a'), false).find("too") !=
               std::string::npos);
    BOOST_TEST(parse_error("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n", false)
                   .find("too large") != std::string::npos);
    BOOST_TEST(
        parse_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n", false)
            .find("too large") != std::string::npos);
    ResponseParser p;
    BOOST_TEST(p.feed("HTTP/1.1 200 OK\r\n\r\n"));
    std::string mib(1024 * 1024, 'x');
    bool ok = true;
    for (int i = 0; i < 9 && ok; ++i) ok = p.feed(mib);
    BOOST_TEST(!ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_post)

using fab::test::canned;
using fab::test::silent;

const FakeHttpServer::Options kTlsForLocalhost{.tls = true, .san = "DNS:localhost"};

// post() of "{}" to `srv` under the name `host`, with a deadline; trusting the
// server's certificate unless `trust` is false (then the system store decides).
Result<Response> post_to(const FakeHttpServer& srv, const std::string& host,
                         const std::string& path = "/", bool trust = true, int timeout_ms = 5000) {
    PostOptions o;
    o.timeout_ms = timeout_ms;
    if (trust) o.ca_file = srv.cert();
    return post(srv.url(host) + path, {}, "{}", o);
}

BOOST_AUTO_TEST_CASE(posts_and_reads_a_chunked_answer) {
    FakeHttpServer srv(
        canned("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
    auto r = post(srv.url() + "/v1/messages", {{"x-api-key", "k1"}}, "{\"q\":1}");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->status == 200);
    BOOST_TEST(r->body == "hello");
    std::string req = srv.first_request();
    BOOST_TEST(req.rfind("POST /v1/messages HTTP/1.1\r\n", 0) == 0u, req);
    BOOST_TEST(req.find("x-api-key: k1\r\n") != std::string::npos);
    BOOST_TEST(req.substr(req.size() - 7) == "{\"q\":1}");
}

BOOST_AUTO_TEST_CASE(a_silent_server_hits_the_deadline) {
    FakeHttpServer srv(silent());
    auto r = post_to(srv, "127.0.0.1", "/", false, 300);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("timed out") != std::string::npos, r.error());
}

BOOST_AUTO_TEST_CASE(cancellation_stops_a_wait) {
    FakeHttpServer srv(silent());
    std::atomic<bool> cancel{true};
    PostOptions o;
    o.cancel = &cancel;
    auto r = post(srv.url() + "/", {}, "{}", o);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("cancelled") != std::string::npos, r.error());
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_refused) {
    std::string url;
    {
        FakeHttpServer srv(canned("x"));
        url = srv.url();
    }
    auto r = post(url + "/", {}, "{}");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("cannot connect") != std::string::npos, r.error());
}

BOOST_AUTO_TEST_CASE(tls_to_a_plain_server_fails_cleanly) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    PostOptions o;
    o.timeout_ms = 3000;
    auto r = post("https://127.0.0.1:" + std::to_string(srv.port()) + "/", {}, "{}", o);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("TLS") != std::string::npos, r.error());
}

BOOST_AUTO_TEST_CASE(tls_with_a_trusted_certificate_and_sni) {
    FakeHttpServer srv(
        canned("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
        kTlsForLocalhost);
    BOOST_TEST(srv.url("localhost").rfind("https://localhost:", 0) == 0u);
    auto r = post_to(srv, "localhost", "/v1/messages");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->body == "ok");
    BOOST_TEST(srv.sni() == "localhost");
    BOOST_TEST(srv.first_request().rfind("POST /v1/messages HTTP/1.1\r\n", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(tls_to_an_address_checks_the_ip_san) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                       {.tls = true, .san = "IP:127.0.0.1"});
    auto r = post_to(srv, "127.0.0.1");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->body == "ok");
    BOOST_TEST(srv.sni() == "", "no SNI for an address");
}

BOOST_AUTO_TEST_CASE(tls_rejects_an_untrusted_certificate) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), kTlsForLocalhost);
    auto r = post_to(srv, "localhost", "/",
                     false); // system store: a self-signed certificate is not in it
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("not trusted") != std::string::npos, r.error());
    BOOST_TEST(srv.requests().empty(), "nothing was sent to the untrusted server");
}

BOOST_AUTO_TEST_CASE(tls_rejects_a_certificate_for_another_name) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                       {.tls = true, .san = "DNS:api.example.com"});
    auto r = post_to(srv, "localhost");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("not trusted") != std::string::npos, r.error());
    BOOST_TEST(r.error().find("mismatch") != std::string::npos, r.error());
}

BOOST_AUTO_TEST_CASE(unresolvable_name_fails_within_the_deadline) {
    PostOptions o;
    o.timeout_ms = 3000;
    auto r = post("http://name.invalid/", {}, "{}", o);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("name.invalid") != std::string::npos, r.error());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(llm_checker_pure)

using namespace fab::llm_checker;

std::string verdict(std::string_view answer) {
    return verdict_name(parse_verdict(answer));
}

BOOST_AUTO_TEST_CASE(only_a_plain_safe_allows) {
    BOOST_TEST(verdict("safe") == "safe");
    BOOST_TEST(verdict("  Safe.\n") == "safe");
    BOOST_TEST(verdict("**SAFE**") == "safe");
    BOOST_TEST(verdict("unsafe") == "unsafe");
    BOOST_TEST(verdict("Unsafe: deletes files") == "unsafe");
    BOOST_TEST(verdict("safe? no, unsafe") == "unsafe");
    BOOST_TEST(verdict("unsure") == "unsure");
    BOOST_TEST(verdict("Unsure - depends") == "unsure");
    BOOST_TEST(verdict("not safe") == "invalid");
    BOOST_TEST(verdict("safe, but check") == "invalid");
    BOOST_TEST(verdict("I think it is safe") == "invalid");
    BOOST_TEST(verdict("") == "invalid");
    BOOST_TEST(verdict("...") == "invalid");
    BOOST_TEST(verdict("safely") == "invalid");
}

BOOST_AUTO_TEST_CASE(anthropic_request_and_answer) {
    ProviderConfig p{"a", "anthropic", "http://127.0.0.1:9/", "KEY_ENV", "m-provider", 1};
    auto r = build_request(p, "m", "sk-1", "SYS", "USER");
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->url == "http://127.0.0.1:9/v1/messages");
    Json body = Json::parse(r->body);
    BOOST_TEST(body["model"] == "m");
    BOOST_TEST(body["max_tokens"] == 10);
    BOOST_TEST(body["system"] == "SYS");
    BOOST_TEST(body["messages"][0]["role"] == "user");
    BOOST_TEST(body["messages"][0]["content"] == "USER");
    BOOST_TEST(!body.contains("stream"));
    bool key = false, version = false;
    for (auto& [k, v] : r->headers) {
        key |= k == "x-api-key" && v == "sk-1";
        version |= k == "anthropic-version" && v == "2023-06-01";
    }
    BOOST_TEST(key);
    BOOST_TEST(version);
    p.base_url = "";
    BOOST_TEST(build_request(p, "m", "", "S", "U")->url == "https://api.anthropic.com/v1/messages");
    BOOST_TEST(build_request(p, "m", "", "S", "U")->headers.size() == 1u); // no key header

    Response ok{200, "OK", {}, R"({"type":"message","content":[{"type":"text","text":"unsafe"}]})"};
    BOOST_TEST(*extract_text("anthropic", ok) == "unsafe");
    Response err{529,
                 "",
                 {},
                 R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"};
    BOOST_TEST(extract_text("anthropic", err).error() == "HTTP 529: Overloaded");
    BOOST_TEST(!extract_text("anthropic", Response{200, "OK", {}, "not json"}).ok());
    BOOST_TEST(!extract_text("anthropic", Response{200, "OK", {}, R"({"content":[]})"}).ok());
    BOOST_TEST(!build_request(p, "", "", "S", "U").ok()); // no model
}

BOOST_AUTO_TEST_CASE(openai_request_and_answer) {
    ProviderConfig p{"o", "openai", "http://127.0.0.1:9/v1", "", "", 1};
    auto r = build_request(p, "gpt", "sk-2", "SYS", "USER");
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->url == "http://127.0.0.1:9/v1/responses");
    Json body = Json::parse(r->body);
    BOOST_TEST(body["instructions"] == "SYS");
    BOOST_TEST(body["input"] == "USER");
    BOOST_TEST(body["model"] == "gpt");
    BOOST_TEST(r->headers.at(0).first == "Authorization");
    BOOST_TEST(r->headers.at(0).second == "Bearer sk-2");
    p.base_url = "";
    BOOST_TEST(build_request(p, "m", "", "S", "U")->url == "https://api.openai.com/v1/responses");

    Response ok{200, "OK", {}, R"({"output":[{"type":"reasoning","summary":[]},
        {"type":"message","role":"assistant","content":[{"type":"output_text","text":"safe","annotations":[]}]}]})"};
    BOOST_TEST(*extract_text("openai", ok) == "safe");
    Response err{401, "Unauthorized", {}, R"({"error":{"message":"bad key","type":"auth"}})"};
    BOOST_TEST(extract_text("openai", err).error() == "HTTP 401: bad key");
    BOOST_TEST(extract_text("openai", Response{502, "Bad Gateway", {}, "<html>"}).error() ==
               "HTTP 502: Bad Gateway");
}

BOOST_AUTO_TEST_CASE(prompt_carries_the_call_and_the_context) {
    std::deque<std::string> ctx = {"user: clean up the build", "assistant: ok"};
    std::string u = user_prompt("web", "/w/wt-1", "Bash", Json{{"command", "rm -rf build"}}, ctx);
    BOOST_TEST(u.find("rm -rf build") != std::string::npos);
    BOOST_TEST(u.find("user: clean up the build\nassistant: ok\n") != std::string::npos);
    BOOST_TEST(u.find("/w/wt-1") != std::string::npos);
    BOOST_TEST(system_prompt().find("exactly one lowercase word") != std::string::npos);
    ChatEntry e;
    e.kind = ChatKind::tool_result;
    e.text = std::string(5000, 'x') + "\nmore";
    std::string line = context_line(e);
    BOOST_TEST(line.size() < kContextEntryChars + 10);
    BOOST_TEST(line.find('\n') == std::string::npos);
    e.kind = ChatKind::turn_result;
    BOOST_TEST(context_line(e).empty());
}

BOOST_AUTO_TEST_SUITE_END()
