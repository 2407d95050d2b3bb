// The heartbeat counts a long tool call that is working (a test run printing
// as it goes) as alive: the agent host notes its tools' activity while the
// CLI itself prints nothing, so the daemon neither nudges nor aborts it.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>

using namespace fab;
using namespace fab::test;

namespace {

struct Heartbeat : AgentsFixture {
    Heartbeat() {
        start_project();
        sb.allow_all_bash();
        // Nudged after 12 s of silence, aborted after 24 s.
        BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
        std::string cfg = read_text(sb.config_file());
        std::ofstream(sb.config_file())
            << "[defaults]\nheartbeat-continue = 12\nheartbeat-abort = 24\n\n"
            << cfg;
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(heartbeat, Heartbeat)

BOOST_AUTO_TEST_CASE(a_long_tool_call_with_output_arriving_is_alive) {
    // 26 s of a "test run" that prints a line a second: more than the
    // silence after which the daemon would abort it (the scripted agent's
    // Bash times out at 30 s, as claude's does at 2 min).
    std::string id = create("SCRIPT:bash for i in $(seq 1 26); do echo test $i passed; sleep 1; "
                            "done; echo all done");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done", 60000), history(id));
    std::string transcript = read_text(sb.fab_dir() + "/agents/" + id + "/transcript.jsonl");
    BOOST_TEST(transcript.find("all done") != std::string::npos, "the tool ran to its end");
    BOOST_TEST(transcript.find("timed out") == std::string::npos);
    BOOST_TEST(transcript.find("tool_activity") != std::string::npos,
               "the host noted the tool's activity");
    std::string h = history(id);
    BOOST_TEST(h.find("you: continue") == std::string::npos, h);
    BOOST_TEST(state(id) == "idle");
    BOOST_TEST(agent(id).value("error", "").find("stalled") == std::string::npos);
    auto log = read_text(sb.fab_dir() + "/fab.log");
    BOOST_TEST(log.find("agent " + id + ": silent for") == std::string::npos, log);
}

BOOST_AUTO_TEST_SUITE_END()
