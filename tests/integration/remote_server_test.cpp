// The remote client against the real server: fabd with HTTP on a loopback
// port, `fab --server-url …` through fab-remote's bridge and POST
// /api/v1/messages. A command run remotely prints exactly what it prints
// locally and exits the same way; attach streams live events.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

#include <future>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;

namespace {

struct RemoteServer : AgentsFixture {
    int port = free_port();
    std::string url = "http://127.0.0.1:" + std::to_string(port);

    RemoteServer() {
        auto r = sb.fab({"server", "start", "--http", "127.0.0.1:" + std::to_string(port)});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        r = sb.fab({"project", "add", sb.make_repo("web")});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    RunResult remote(std::vector<std::string> args, int timeout_ms = 60000) {
        args.insert(args.begin(), {"--server-url", url});
        return sb.fab(args, timeout_ms);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(remote_server, RemoteServer)

BOOST_AUTO_TEST_CASE(commands_print_and_exit_as_they_do_locally) {
    std::string id = create("SCRIPT:say hello from far away");
    BOOST_TEST_REQUIRE(wait_history(id, "hello from far away"));
    for (std::vector<std::string> cmd : {std::vector<std::string>{"project", "list"},
                                         {"agent", "list"},
                                         {"agent", "history", id},
                                         {"agent", "list", "--json"},
                                         {"permission", "list"},
                                         {"agent", "abort", "no-such-agent"},
                                         {"project", "config", "get", "web", "max-agents"}}) {
        auto local = sb.fab(cmd);
        auto far = remote(cmd);
        BOOST_TEST(far.code == local.code, join(cmd, " ") << ": " << far.err);
        BOOST_TEST(far.out == local.out, join(cmd, " "));
        BOOST_TEST(far.err == local.err, join(cmd, " "));
    }
    // A request that changes something, remotely.
    auto r = remote({"agent", "send", id, "SCRIPT:say sent over http"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(wait_history(id, "sent over http"));
}

BOOST_AUTO_TEST_CASE(attach_streams_live_events_until_the_client_goes) {
    std::string id = create("SCRIPT:say ready");
    BOOST_TEST_REQUIRE(wait_history(id, "ready"));
    auto attached = std::async(std::launch::async, [&] {
        return remote({"attach", "--agent", id, "--json"}, 8000);
    });
    // Until the attach has seen one: it may subscribe after the first sends.
    for (int i = 0; attached.wait_for(std::chrono::milliseconds(500)) != std::future_status::ready;
         ++i)
        (void)sb.fab({"agent", "send", id, "SCRIPT:say tick " + std::to_string(i)});
    RunResult out = attached.get();
    BOOST_TEST(out.out.find("\"agent.output\"") != std::string::npos, out.out);
    BOOST_TEST(out.out.find("tick ") != std::string::npos, out.out);
}

BOOST_AUTO_TEST_SUITE_END()
