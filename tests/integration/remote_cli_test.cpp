// `fab --server-url URL <command>`: fab execs fab-remote, whose bridge relays
// the unchanged command's protocol lines to a server as POST
// /api/v1/messages. Here the server is a fake (tests/common) that answers
// like fabd's HTTP API: the same output and exit code as a local daemon,
// the token on every request, one-line errors for 401, a dead server, and
// commands that make no sense remotely.
#include "fake_http_server.hpp"
#include "harness.hpp"

#include "protocol/version.hpp"
#include "util/fs.hpp"

#include <sys/stat.h>

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

// Writes the sandbox's config.ini (its directory 0700, as fab wants it).
void write_config(const Sandbox& sb, const std::string& text) {
    std::string dir = sb.config_file().substr(0, sb.config_file().rfind('/'));
    ::mkdir(sb.fab_dir().c_str(), 0700);
    ::mkdir(dir.c_str(), 0700);
    BOOST_REQUIRE(write_file_atomic(sb.config_file(), text).ok());
}

// The bearer tokens the server was sent, one per request ("" = none).
std::vector<std::string> bearers(const FakeHttpServer& server) {
    std::vector<std::string> out;
    for (const auto& q : server.requests()) {
        size_t at = q.find("Authorization: Bearer ");
        out.push_back(at == std::string::npos ? ""
                                              : q.substr(at + 22, q.find("\r\n", at) - at - 22));
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(remote_cli)

BOOST_AUTO_TEST_CASE(cli_config_sends_commands_to_the_server_flag_over_env_over_file) {
    Sandbox sb;
    FakeHttpServer server(fake_daemon);
    std::string token_file = sb.root() + "/token";
    BOOST_REQUIRE(write_file_atomic(token_file, "from-config-file\n").ok());
    write_config(sb, "[cli]\nmode = server\nserver-url = " + server.url() +
                         "/\ntoken-file = " + token_file + "\n");
    // The config alone: remote, with its token.
    auto r = sb.fab({"project", "list"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("far-away") != std::string::npos, r.out);
    BOOST_TEST(sb.daemon_pid() == 0);
    auto sent = bearers(server);
    BOOST_TEST_REQUIRE(!sent.empty());
    BOOST_TEST(sent.back() == "from-config-file");

    // The environment beats the file...
    sb.set_env("FAB_TOKEN", "from-env");
    size_t seen = server.requests().size();
    BOOST_TEST_REQUIRE(sb.fab({"project", "list"}).code == 0);
    sent = bearers(server);
    BOOST_TEST_REQUIRE(sent.size() > seen);
    BOOST_TEST(sent.back() == "from-env");

    // ... and a flag beats the environment, even the other form of it.
    std::string flag_file = sb.root() + "/flag-token";
    BOOST_REQUIRE(write_file_atomic(flag_file, "from-flag-file").ok());
    seen = server.requests().size();
    r = sb.fab({"--token-file", flag_file, "project", "list"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    sent = bearers(server);
    BOOST_TEST_REQUIRE(sent.size() > seen);
    BOOST_TEST(sent.back() == "from-flag-file");
    sb.unset_env("FAB_TOKEN");

    // Another server named on the command line does not get the config's token.
    FakeHttpServer other(fake_daemon);
    r = sb.fab({"--server-url", other.url(), "project", "list"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    for (const std::string& t : bearers(other)) BOOST_TEST(t == "", t);
    BOOST_TEST(!bearers(other).empty());

    // mode = local keeps the local daemon (none runs here), and the server hears nothing.
    write_config(sb, "[cli]\nmode = local\nserver-url = " + server.url() + "\n");
    seen = server.requests().size();
    r = sb.fab({"project", "list"});
    BOOST_TEST(r.code == 3, r.err); // no daemon
    BOOST_TEST(server.requests().size() == seen);
}

BOOST_AUTO_TEST_CASE(a_cli_config_mistake_names_file_and_line_and_spares_help) {
    Sandbox sb;
    write_config(sb, "; client\n[cli]\nmode = server\nserver-url = https://x:3000/api/v1\n");
    auto r = sb.fab({"status"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find(sb.config_file() + ":4: server-url must be") != std::string::npos, r.err);
    write_config(sb, "[cli]\nmode = server\n");
    r = sb.fab({"agent", "list"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find(sb.config_file() + ":2: mode = server needs server-url") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(sb.fab({"help"}).code == 0);
    // Options do not bypass it: the file is wrong, and fab says where.
    r = sb.fab({"--server-url", "http://127.0.0.1:9", "status"});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find(sb.config_file() + ":2:") != std::string::npos, r.err);
}

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
