// The remote client against the real server: fabd with HTTP on a loopback
// port, `fab --server-url …` through fab-remote's bridge and POST
// /api/v1/messages. A command run remotely prints exactly what it prints
// locally and exits the same way; attach streams live events.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <future>
#include <map>

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

// `fab --server-url … attach` keeps following when the server daemon
// restarts: the bridge attaches again with `since` = what it relayed, so the
// output the agent printed while the server was down arrives (replayed)
// and nothing arrives twice; stderr says what happened.
BOOST_AUTO_TEST_CASE(attach_follows_the_agent_through_a_server_restart) {
    std::string id = create("SCRIPT:say ready");
    BOOST_TEST_REQUIRE(wait_history(id, "ready"));
    const std::string out = sb.root() + "/attach.out", err = sb.root() + "/attach.err";
    // In the background, its output in files: it runs until killed.
    auto started = sb.run({"sh", "-c",
                           "\"$0\" --server-url \"$1\" attach --agent \"$2\" --json >\"$3\" "
                           "2>\"$4\" </dev/null & echo $!",
                           build_path("fab"), url, id, out, err});
    int pid = std::atoi(started.out.c_str());
    BOOST_TEST_REQUIRE(pid > 0, started.err);
    struct Reaper {
        int pid;
        ~Reaper() {
            ::kill(pid, SIGTERM);
            wait_for([this] { return !process_alive(pid); }, 10000);
        }
    } reaper{pid};
    // Attached once a live event came through (it may subscribe after the first sends).
    bool live = false;
    for (int i = 0; i < 40 && !live; ++i) {
        (void)sb.fab({"agent", "send", id, "SCRIPT:say tick " + std::to_string(i)});
        live = wait_for([&] { return read_text(out).find("tick ") != std::string::npos; }, 500);
    }
    BOOST_TEST_REQUIRE(live, read_text(err));

    // A turn that prints while the server is down (stopping takes well under 6 s).
    auto r = sb.fab({"agent", "send", id, "SCRIPT:sleep 6\nSCRIPT:say during the gap"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    r = sb.fab({"server", "stop"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(
        wait_for([&] { return read_text(err).find("reconnecting") != std::string::npos; }, 15000),
        read_text(err));
    // The host keeps what the agent prints: a record whose data is the
    // agent's line, quotes escaped.
    std::string transcript = sb.fab_dir() + "/agents/" + id + "/transcript.jsonl";
    BOOST_TEST(wait_for(
        [&] {
            return read_text(transcript).find(R"(\"text\":\"during the gap\")") !=
                   std::string::npos;
        },
        20000));
    BOOST_TEST(process_alive(pid));
    r = sb.fab({"server", "start", "--http", "127.0.0.1:" + std::to_string(port)});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(
        wait_for([&] { return read_text(err).find("reconnected") != std::string::npos; }, 30000),
        read_text(err));
    r = sb.fab({"agent", "send", id, "SCRIPT:say after the restart"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(wait_for(
                   [&] {
                       std::string o = read_text(out);
                       return o.find("\"after the restart") != std::string::npos;
                   },
                   20000),
               read_text(out));

    // Every record once; the gap's output replayed.
    std::map<int64_t, int> seen;
    bool gap_replayed = false;
    for (const std::string& line : split(read_text(out), '\n')) {
        Json ev = Json::parse(line, nullptr, false);
        if (!ev.is_object() || ev.value("event", "") != "agent.output") continue;
        ++seen[ev.value("offset", int64_t{-1})];
        if (ev.dump().find("\"during the gap") != std::string::npos)
            gap_replayed = ev.value("replay", false);
    }
    for (const auto& [offset, n] : seen) BOOST_TEST(n == 1, "offset " << offset << " shown " << n);
    BOOST_TEST(gap_replayed, read_text(out));
    BOOST_TEST(process_alive(pid)); // still following
}

BOOST_AUTO_TEST_SUITE_END()
