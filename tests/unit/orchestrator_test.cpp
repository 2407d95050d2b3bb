// The orchestrator's pure parts: how many agents to start, and the embedded
// kickstart prompt (it must equal share/kickstart.md and name every command
// an agent needs).
#include "daemon/orchestrator/kickstart.hpp"
#include "daemon/orchestrator/orchestrator.hpp"
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab;

BOOST_AUTO_TEST_SUITE(orchestrator)

BOOST_AUTO_TEST_CASE(spawns_for_ready_tickets_up_to_max_agents) {
    BOOST_TEST(agents_to_spawn({.ready = 5, .active = 0, .unclaimed = 0, .max_agents = 2}) == 2u);
    BOOST_TEST(agents_to_spawn({.ready = 1, .active = 0, .unclaimed = 0, .max_agents = 3}) == 1u);
    BOOST_TEST(agents_to_spawn({.ready = 0, .active = 0, .unclaimed = 0, .max_agents = 3}) == 0u);
    // Full: nothing, even with more work.
    BOOST_TEST(agents_to_spawn({.ready = 4, .active = 3, .unclaimed = 0, .max_agents = 3}) == 0u);
    BOOST_TEST(agents_to_spawn({.ready = 4, .active = 5, .unclaimed = 0, .max_agents = 3}) == 0u);
    // Claimed agents free their ticket's place in `ready` already.
    BOOST_TEST(agents_to_spawn({.ready = 2, .active = 1, .unclaimed = 0, .max_agents = 3}) == 2u);
}

BOOST_AUTO_TEST_CASE(agents_that_have_not_claimed_yet_count_against_ready_work) {
    // One ready ticket, one agent just started for it: no second agent.
    BOOST_TEST(agents_to_spawn({.ready = 1, .active = 1, .unclaimed = 1, .max_agents = 3}) == 0u);
    BOOST_TEST(agents_to_spawn({.ready = 3, .active = 1, .unclaimed = 1, .max_agents = 3}) == 2u);
    BOOST_TEST(agents_to_spawn({.ready = 3, .active = 2, .unclaimed = 2, .max_agents = 4}) == 1u);
}

BOOST_AUTO_TEST_CASE(embedded_kickstart_equals_share_kickstart_md) {
    auto text = read_file(std::string(FAB_SOURCE_ROOT) + "/share/kickstart.md");
    BOOST_TEST_REQUIRE(text.ok());
    BOOST_TEST((*text == default_kickstart()),
               "daemon/orchestrator/kickstart.cpp and share/kickstart.md differ");
    std::string k(default_kickstart());
    for (const char* cmd : {"fab issue ready", "fab agent claim", "fab agent describe",
                            "fab issue close", "fab agent done", "git rebase main", "$FAB_BIN"})
        BOOST_TEST(k.find(cmd) != std::string::npos, cmd);
}

BOOST_AUTO_TEST_SUITE_END()
