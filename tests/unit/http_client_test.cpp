// Tests for src/net: URL checking, header checking, and the libcurl client
// on a libuv loop against the fake HTTP(S) server of tests/common (TLS with a
// throwaway certificate): framings curl must read (Content-Length, chunked,
// to the close, interim responses), bounded bodies, deadlines, cancellation,
// bad certificates, several transfers on one loop, and a clean teardown.
// Also the pure parts of the llm permission checker: verdict parsing,
// provider requests and responses.
#include "daemon/permissions/llm_checker.hpp"
#include "ev/handle.hpp"
#include "fake_http_server.hpp"
#include "net/http_client.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <uv.h>

using namespace fab;
using namespace fab::net;
using fab::test::canned;
using fab::test::FakeHttpServer;
using fab::test::silent;
using Json = nlohmann::json;

namespace {

// A private loop with an HttpClient on it; closed (and checked for leaked
// handles) on destruction.
struct Loop {
    uv_loop_t loop{};
    std::optional<HttpClient> http;
    Loop() {
        uv_loop_init(&loop);
        http.emplace(&loop);
    }
    ~Loop() {
        http.reset();
        BOOST_TEST(ev::close_loop(&loop) == 0, "uv handles left open");
    }
    // Runs the loop until `cond` holds or nothing keeps it alive. A ticker
    // wakes it to look again (the condition may be another thread's doing);
    // unref'd, it does not keep the loop alive by itself.
    template <typename F>
    void run_until(F cond) {
        uv_timer_t* tick = new uv_timer_t;
        uv_timer_init(&loop, tick);
        uv_timer_start(
            tick, [](uv_timer_t*) {}, 5, 5);
        uv_unref(reinterpret_cast<uv_handle_t*>(tick));
        while (!cond() && uv_run(&loop, UV_RUN_ONCE) != 0) {}
        ev::close_and_free(tick);
    }
};

// One POST on a private loop, run to its end: the blocking call the client
// had before it moved onto the loop.
Result<Response> post(const std::string& url, const Headers& headers, std::string body,
                      const PostOptions& opts = {}) {
    Loop l;
    std::optional<Result<Response>> out;
    auto id = l.http->post(url, headers, std::move(body), opts,
                           [&out](Result<Response> r) { out.emplace(std::move(r)); });
    if (!id) return make_error(id.error());
    l.run_until([&] { return out.has_value(); });
    BOOST_REQUIRE_MESSAGE(out.has_value(), "the loop ended before the transfer did");
    BOOST_TEST(l.http->in_flight() == 0u);
    return std::move(*out);
}

// The response `wire` gives, read through the client.
Result<Response> fetch(const std::string& wire, PostOptions opts = {}) {
    FakeHttpServer srv(canned(wire));
    return post(srv.url() + "/", {}, "{}", opts);
}

std::string error_of(const Result<Response>& r) {
    BOOST_TEST(!r.ok(), "expected an error");
    return r.ok() ? std::string() : r.error();
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

BOOST_AUTO_TEST_CASE(sends_a_post_with_length_type_and_headers) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    auto r = post(srv.url() + "/v1/messages",
                  {{"x-api-key", "k"}, {"anthropic-version", "2023-06-01"}}, "{\"a\":1}");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    std::string req = srv.first_request();
    BOOST_TEST(req.rfind("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:" +
                             std::to_string(srv.port()) + "\r\n",
                         0) == 0u,
               req);
    BOOST_TEST(req.find("Content-Length: 7\r\n") != std::string::npos, req);
    BOOST_TEST(req.find("Content-Type: application/json\r\n") != std::string::npos, req);
    BOOST_TEST(req.find("Accept: application/json\r\n") != std::string::npos, req);
    BOOST_TEST(req.find("x-api-key: k\r\n") != std::string::npos, req);
    BOOST_TEST(req.find("Expect") == std::string::npos, req);
    BOOST_TEST(req.size() >= 11u);
    BOOST_TEST(req.substr(req.size() - 11) == "\r\n\r\n{\"a\":1}");
}

BOOST_AUTO_TEST_CASE(an_empty_header_value_is_sent_empty) {
    FakeHttpServer srv(canned("HTTP/1.1 204 No Content\r\n\r\n"));
    auto r = post(srv.url() + "/", {{"X-Empty", ""}}, "");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->status == 204);
    BOOST_TEST(srv.first_request().find("X-Empty:") != std::string::npos, srv.first_request());
}

BOOST_AUTO_TEST_CASE(refuses_header_injection_without_quoting_the_value) {
    auto s = check_headers({{"Authorization", "Bearer secret\r\nX-Evil: 1"}});
    BOOST_REQUIRE(!s.ok());
    BOOST_TEST(s.error().find("secret") == std::string::npos, s.error());
    BOOST_TEST(!check_headers({{"Bad Name", "v"}}).ok());
    BOOST_TEST(!check_headers({{"", "v"}}).ok());
    BOOST_TEST(!check_headers({{"X", std::string("a\0b", 3)}}).ok());
    BOOST_TEST(check_headers({{"x-api-key", "sk-1"}, {"anthropic-version", "2023-06-01"}}).ok());

    // post() refuses before anything is sent, and never calls back.
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    Loop l;
    bool called = false;
    auto id = l.http->post(srv.url() + "/", {{"Authorization", "Bearer secret\nX: y"}}, "{}", {},
                           [&called](Result<Response>) { called = true; });
    BOOST_REQUIRE(!id.ok());
    BOOST_TEST(id.error().find("secret") == std::string::npos, id.error());
    BOOST_TEST(!l.http->post("ftp://h/", {}, "", {}, [](Result<Response>) {}).ok());
    l.run_until([] { return false; });
    BOOST_TEST(!called);
    BOOST_TEST(srv.requests().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_response)

BOOST_AUTO_TEST_CASE(content_length_body) {
    auto r = fetch("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                   "\r\n{\"ok\":true}");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->status == 200);
    BOOST_TEST(r->reason == "OK");
    BOOST_TEST(r->body == "{\"ok\":true}");
    BOOST_TEST(r->header("content-type") == "application/json");
    BOOST_TEST(r->header("missing") == "");
}

BOOST_AUTO_TEST_CASE(chunked_body_with_extensions_and_trailers) {
    auto r = fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n"
                   "X-Trailer: t\r\n\r\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->body == "Wikipedia in\r\n\r\nchunks.");
}

BOOST_AUTO_TEST_CASE(body_to_the_close) {
    auto r = fetch("HTTP/1.0 500 Internal Server Error\r\nServer: x\r\n\r\n{\"error\":1}");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->status == 500);
    BOOST_TEST(r->reason == "Internal Server Error");
    BOOST_TEST(r->body == "{\"error\":1}");
}

BOOST_AUTO_TEST_CASE(interim_responses_are_skipped) {
    auto r = fetch("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                   "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->status == 201);
    BOOST_TEST(r->reason == "Created");
    BOOST_TEST(r->header("x-interim") == "", "headers of the final response only");
    BOOST_TEST(r->body.empty());
}

BOOST_AUTO_TEST_CASE(status_without_reason) {
    auto r = fetch("HTTP/1.1 200\r\nX-A: a\r\nContent-Length: 0\r\n\r\n");
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->status == 200);
    BOOST_TEST(r->reason == "");
    BOOST_TEST(r->header("X-A") == "a");
}

BOOST_AUTO_TEST_CASE(truncated_or_malformed_responses_are_errors) {
    BOOST_TEST(
        error_of(fetch("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")).find("before") !=
        std::string::npos);
    BOOST_TEST(error_of(fetch("")).find("without a response") != std::string::npos);
    BOOST_TEST(error_of(fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"))
                   .find("before") != std::string::npos);
    error_of(fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
    error_of(fetch("SMTP ready\r\n\r\n"));
}

BOOST_AUTO_TEST_CASE(limits_bound_memory) {
    PostOptions small;
    small.max_body_bytes = 1000;
    // Announced too long: refused before it is read.
    BOOST_TEST(
        error_of(fetch("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x'),
                       small))
            .find("too large") != std::string::npos);
    // Unannounced (chunked, or to the close): cut off while it is read.
    BOOST_TEST(error_of(fetch("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7D0\r\n" +
                                  std::string(2000, 'x') + "\r\n0\r\n\r\n",
                              small))
                   .find("too large") != std::string::npos);
    BOOST_TEST(error_of(fetch("HTTP/1.1 200 OK\r\n\r\n" + std::string(2000, 'x'), small))
                   .find("too large") != std::string::npos);
    // Exactly the limit is fine.
    auto r =
        fetch("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'x'), small);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST(r->body.size() == 1000u);
    // Headers are bounded too (64 KiB in all).
    std::string many;
    for (int i = 0; i < 2000; ++i)
        many += "X-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
    BOOST_TEST(error_of(fetch("HTTP/1.1 200 OK\r\n" + many + "Content-Length: 0\r\n\r\n"))
                   .find("too large") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_post)

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

BOOST_AUTO_TEST_CASE(a_slow_tls_server_hits_the_deadline) {
    FakeHttpServer srv(silent(), kTlsForLocalhost); // handshakes, then never answers
    auto r = post_to(srv, "localhost", "/", true, 300);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("timed out") != std::string::npos, r.error());
    BOOST_TEST(srv.requests().size() == 1u, "the request was sent over TLS");
}

BOOST_AUTO_TEST_CASE(cancellation_stops_a_wait) {
    FakeHttpServer srv(silent());
    Loop l;
    std::optional<Result<Response>> out;
    auto id = l.http->post(srv.url() + "/", {}, "{}", {},
                           [&out](Result<Response> r) { out.emplace(std::move(r)); });
    BOOST_REQUIRE(id.ok());
    BOOST_TEST(l.http->in_flight() == 1u);
    l.run_until([&] { return !srv.requests().empty(); }); // it waits for the answer now
    BOOST_REQUIRE(!out.has_value());
    BOOST_TEST(l.http->cancel(*id));
    BOOST_REQUIRE(out.has_value()); // called back before cancel() returned
    BOOST_TEST(error_of(*out).find("cancelled") != std::string::npos);
    BOOST_TEST(l.http->in_flight() == 0u);
    BOOST_TEST(!l.http->cancel(*id), "already over");
}

BOOST_AUTO_TEST_CASE(cancel_all_ends_every_transfer_and_the_loop) {
    FakeHttpServer srv(silent());
    Loop l;
    int cancelled = 0;
    for (int i = 0; i < 3; ++i)
        BOOST_REQUIRE(l.http
                          ->post(srv.url() + "/", {}, "{}", {},
                                 [&cancelled](Result<Response> r) {
                                     if (!r && r.error() == "cancelled") ++cancelled;
                                 })
                          .ok());
    l.run_until([&] { return !srv.requests().empty(); });
    l.http->cancel_all();
    BOOST_TEST(cancelled == 3);
    BOOST_TEST(l.http->in_flight() == 0u);
    // Nothing of the client keeps the loop alive any more (kept connections
    // included): a daemon that cancels its calls can stop.
    BOOST_TEST(uv_run(&l.loop, UV_RUN_DEFAULT) == 0);
}

BOOST_AUTO_TEST_CASE(several_transfers_share_the_loop) {
    FakeHttpServer srv([](const std::string& req) -> std::optional<std::string> {
        std::string n = req.substr(req.size() - 1); // the body is one digit
        return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n;
    });
    Loop l;
    std::vector<std::string> bodies;
    for (int i = 0; i < 5; ++i)
        BOOST_REQUIRE(l.http
                          ->post(srv.url() + "/", {}, std::to_string(i), {},
                                 [&bodies](Result<Response> r) {
                                     bodies.push_back(r ? r->body : "error: " + r.error());
                                 })
                          .ok());
    BOOST_TEST(l.http->in_flight() == 5u);
    l.run_until([&] { return bodies.size() == 5; });
    std::sort(bodies.begin(), bodies.end());
    BOOST_TEST(bodies == (std::vector<std::string>{"0", "1", "2", "3", "4"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_callback_may_start_the_next_transfer) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    Loop l;
    int done = 0;
    std::function<void(Result<Response>)> again = [&](Result<Response> r) {
        BOOST_TEST(r.ok());
        if (++done < 3) BOOST_TEST(l.http->post(srv.url() + "/", {}, "{}", {}, again).ok());
    };
    BOOST_REQUIRE(l.http->post(srv.url() + "/", {}, "{}", {}, again).ok());
    l.run_until([&] { return done == 3; });
    BOOST_TEST(done == 3);
    BOOST_TEST(srv.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(destroying_the_client_mid_transfer_leaks_nothing) {
    FakeHttpServer srv(silent());
    Loop l;
    bool called = false;
    BOOST_REQUIRE(
        l.http->post(srv.url() + "/", {}, "{}", {}, [&called](Result<Response>) { called = true; })
            .ok());
    l.run_until([&] { return !srv.requests().empty(); });
    l.http.reset(); // ~Loop checks that every uv handle closes
    BOOST_TEST(!called, "the owner is gone: no callback");
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
    // curl checks the name once the handshake is over, then hangs up: the
    // server sees a connection, but no request.
    for (const auto& req : srv.requests()) BOOST_TEST(req.empty(), "a request was sent: " + req);
}

BOOST_AUTO_TEST_CASE(a_missing_ca_file_is_an_error_not_a_fallback) {
    FakeHttpServer srv(canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), kTlsForLocalhost);
    PostOptions o;
    o.ca_file = "/nonexistent/ca.pem";
    auto r = post(srv.url("localhost") + "/", {}, "{}", o);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("TLS") != std::string::npos, r.error());
    BOOST_TEST(srv.requests().empty());
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
