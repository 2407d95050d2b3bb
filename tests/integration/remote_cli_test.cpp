// `fab --server-url URL <command>`: fab execs fab-remote, whose bridge relays
// the unchanged command's protocol lines to a server as POST
// /api/v1/messages. Here the server is a fake (tests/common) that answers
// like fabd's HTTP API: the same output and exit code as a local daemon,
// the token on every request, one-line errors for 401, a dead server, and
// commands that make no sense remotely.
#include "fake_http_server.hpp"
#include "harness.hpp"

#include "protocol/version.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

using namespace fab;
using namespace fab::test;

namespace {

std::string http_response(int status, const std::string& type, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
           "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

// Answers the protocol line in the body as a daemon with one project would.
std::optional<std::string> fake_daemon(const std::string& request) {
    size_t at = request.find("\r\n\r\n");
    Json q = Json::parse(at == std::string::npos ? "" : request.substr(at + 4), nullptr, false);
    if (!q.is_object() || request.find("POST /api/v1/messages ") != 0)
        return http_response(
            404, "application/json",
            R"({"errors":[{"status":"404","title":"Not Found","detail":"no route"}]})");
    std::string type = q.value("type", ""), id = q.value("id", "");
    Json payload = Json::object();
    if (type == "ping")
        payload = {{"version", "remote-test"}, {"protocol", kProtocolMajor}, {"pid", 1}};
    else if (type == "project.list")
        payload = {{"projects",
                    {{{"name", "far-away"},
                      {"state", "running"},
                      {"max_agents", 3},
                      {"autostart", true},
                      {"remote_url", "git@example.com:x/y.git"}}}}};
    else
        return http_response(200, "text/event-stream",
                             "data: " +
                                 Json({{"type", type},
                                       {"id", id},
                                       {"success", false},
                                       {"error", "unknown request type \"" + type + "\""}})
                                     .dump() +
                                 "\n\n");
    return http_response(
        200, "text/event-stream",
        ": keep-alive\n\ndata: " +
            Json({{"type", type}, {"id", id}, {"success", true}, {"payload", payload}}).dump() +
            "\n\n");
}

} // namespace

BOOST_AUTO_TEST_SUITE(remote_cli)

BOOST_AUTO_TEST_CASE(a_command_runs_against_the_server_with_the_same_output) {
    Sandbox sb;
    FakeHttpServer server(fake_daemon);
    sb.set_env("FAB_TOKEN", "secret-token-1");
    auto r = sb.fab({"--server-url", server.url(), "project", "list"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("far-away") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("git@example.com:x/y.git") != std::string::npos);
    auto requests = server.requests();
    BOOST_TEST_REQUIRE(requests.size() >= 2u);
    for (const auto& q : requests)
        BOOST_TEST(q.find("Authorization: Bearer secret-token-1") != std::string::npos);
    // No local daemon was started or asked.
    BOOST_TEST(sb.daemon_pid() == 0);

    // The same through the environment alone, and an error the server gives.
    sb.set_env("FAB_SERVER_URL", server.url());
    r = sb.fab({"project", "list", "--json"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out.find("\"far-away\"") != std::string::npos);
    r = sb.fab({"agent", "abort", "nobody"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find("unknown request type") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(refusals_and_a_dead_server_are_one_clear_line) {
    Sandbox sb;
    FakeHttpServer refusing([](const std::string&) -> std::optional<std::string> {
        return http_response(
            401, "application/json",
            R"({"errors":[{"status":"401","title":"Unauthorized","detail":"invalid token: expired"}]})");
    });
    auto r = sb.fab({"--server-url", refusing.url(), "--token", "old", "project", "list"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("server: invalid token: expired") != std::string::npos, r.err);

    std::string dead;
    {
        FakeHttpServer gone(fake_daemon);
        dead = gone.url();
    }
    r = sb.fab({"--server-url", dead, "project", "list"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find("cannot reach the fab server at " + dead) != std::string::npos, r.err);

    r = sb.fab({"--server-url", dead, "server", "start"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find("acts on this machine's daemon") != std::string::npos, r.err);
    r = sb.fab({"--server-url", "ftp://example.com", "status"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find("is not http(s)://host[:port]") != std::string::npos, r.err);
    // A token never goes over plain HTTP to another machine.
    r = sb.fab({"--server-url", "http://192.0.2.1:3000", "--token", "t", "status"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find("use https://") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
