#include "fixtures.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab;
using namespace fab::tui;
using namespace fab::tui::testing;

BOOST_AUTO_TEST_SUITE(tui_model)

BOOST_AUTO_TEST_CASE(snapshot_then_events_build_the_mirror) {
    Model m;
    fill_demo(m);
    BOOST_TEST(m.agents().size() == 3u);
    const AgentInfo* a = m.find("a7k2p");
    BOOST_TEST_REQUIRE(a);
    BOOST_TEST(a->chat.size() == 6u);
    BOOST_TEST(a->chat_first == 0);
    BOOST_TEST(a->chat_last == 5);
    BOOST_TEST(a->activity == "Write: src/login.js");
    Counts c = m.counts();
    BOOST_TEST(c.waiting == 1); // a7k2p has a pending permission
    BOOST_TEST(c.idle == 1);
    BOOST_TEST(c.done == 1);
    BOOST_TEST(m.commits_merged() == 2);
    BOOST_TEST(m.projects().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_permission_answered_disappears) {
    Model m;
    fill_demo(m);
    BOOST_TEST(m.needs_attention("a7k2p"));
    Json answered = {
        {"kind", "system"}, {"subtype", "permission_response"}, {"request_id", "req-1"}};
    m.apply_event(output("a7k2p", 6, Json::array({answered})));
    BOOST_TEST(!m.needs_attention("a7k2p"));
}

BOOST_AUTO_TEST_CASE(a_finished_agent_has_no_pending_requests) {
    Model m;
    fill_demo(m);
    m.apply_event({{"event", "agent.state"}, {"agent_id", "a7k2p"}, {"state", "aborted"}});
    BOOST_TEST(!m.needs_attention("a7k2p"));
    BOOST_TEST(m.find("a7k2p")->final());
}

BOOST_AUTO_TEST_CASE(replayed_records_are_not_counted_twice) {
    Model m;
    fill_demo(m);
    const AgentInfo* a = m.find("a7k2p");
    size_t n = a->chat.size();
    m.apply_event(output("a7k2p", 3, Json::array({tool_result("again")}), true));
    BOOST_TEST(a->chat.size() == n);
    // Usage: live turn results count, replayed ones do not.
    Json turn = {{"kind", "turn_result"},
                 {"usage",
                  {{"input_tokens", 100},
                   {"output_tokens", 50},
                   {"cache_read_tokens", 0},
                   {"cache_creation_tokens", 0},
                   {"cost_usd", 0.5}}}};
    long long before = m.tokens();
    m.apply_event(output("a7k2p", 6, Json::array({turn})));
    BOOST_TEST(m.tokens() == before + 150);
    m.apply_event(output("a7k2p", 7, Json::array({turn}), true));
    BOOST_TEST(m.tokens() == before + 150);
}

BOOST_AUTO_TEST_CASE(since_offsets_resume_after_the_last_record_seen) {
    Model m;
    fill_demo(m);
    Json s = m.since_offsets();
    BOOST_TEST(s["a7k2p"].get<int64_t>() == 6);
    BOOST_TEST(!s.contains("b3m9q")); // no chat loaded: nothing to resume
}

BOOST_AUTO_TEST_CASE(a_gap_in_offsets_starts_a_new_window) {
    Model m;
    fill_demo(m);
    m.apply_event(output("a7k2p", 20, Json::array({text_entry("assistant_text", "later")})));
    const AgentInfo* a = m.find("a7k2p");
    BOOST_TEST(a->chat.size() == 1u);
    BOOST_TEST(a->chat_first == 20);
    BOOST_TEST(a->has_older());
}

BOOST_AUTO_TEST_CASE(history_pages_go_before_the_window) {
    Model m;
    m.set_agents(Json::array({agent_json("z", "task", "p", "scripted", "idle", kT0, "", 999)}));
    m.set_focus("z");
    AgentInfo* a = m.find("z");
    int64_t since = 0, until = 0;
    BOOST_TEST_REQUIRE(m.next_page(*a, 300, since, until));
    BOOST_TEST(since == 700);
    BOOST_TEST(until == 1000); // only the tail, not 100,000 lines
    auto records = [](int64_t from, int64_t to) {
        Json r = Json::array();
        for (int64_t o = from; o < to; ++o)
            r.push_back({{"o", o},
                         {"ts", kT0},
                         {"src", "in"},
                         {"data", dump_json({{"type", "user_message"},
                                             {"text", "m" + std::to_string(o)}})}});
        return r;
    };
    m.add_history("z", records(700, 1000), 700, 1000);
    BOOST_TEST(a->chat.size() == 300u);
    BOOST_TEST(a->chat.front().text == "m700");
    BOOST_TEST(a->chat_last == 999);
    // A live record arrives, then the page before.
    m.apply_event(output("z", 1000, Json::array({text_entry("assistant_text", "live")})));
    BOOST_TEST_REQUIRE(m.next_page(*a, 300, since, until));
    BOOST_TEST(since == 400);
    BOOST_TEST(until == 700);
    m.add_history("z", records(400, 700), 400, 700);
    BOOST_TEST(a->chat.size() == 601u);
    BOOST_TEST(a->chat.front().text == "m400");
    BOOST_TEST(a->chat.back().text == "live");
}

// An agent's first output can come before the daemon announces it (dropped):
// the history loaded then gives the list its activity, even when a live record
// without any (a turn's end) came in between.
BOOST_AUTO_TEST_CASE(history_fills_the_activity_live_output_left_empty) {
    Model m;
    m.set_agents(Json::array({agent_json("z", "task", "p", "scripted", "idle", kT0, "", 1)}));
    m.apply_event(output("z", 2, Json::array({text_entry("turn_result", "done")})));
    AgentInfo* a = m.find("z");
    BOOST_TEST_REQUIRE(a);
    BOOST_TEST(a->activity.empty());
    std::string line = dump_json(
        {{"type", "assistant"},
         {"message", {{"content", Json::array({{{"type", "text"}, {"text", "fast answer"}}})}}}});
    Json records = Json::array({{{"o", 1}, {"ts", kT0}, {"src", "out"}, {"data", line}}});
    m.add_history("z", records, 0, 2);
    BOOST_TEST(a->activity == "fast answer");
    BOOST_TEST(a->chat.front().text == "fast answer");
}

BOOST_AUTO_TEST_CASE(chats_are_bounded_in_memory) {
    Model m;
    m.max_chat_items = 100;
    m.max_background_items = 10;
    m.set_agents(Json::array({agent_json("z", "task", "p", "claude", "running", kT0),
                              agent_json("y", "task", "p", "claude", "running", kT0)}));
    m.set_focus("z");
    for (int64_t o = 0; o < 250; ++o) {
        m.apply_event(output("z", o, Json::array({text_entry("assistant_text", "x")})));
        m.apply_event(output("y", o, Json::array({text_entry("assistant_text", "x")})));
    }
    const AgentInfo* a = m.find("z");
    BOOST_TEST(a->chat.size() == 100u);
    BOOST_TEST(a->chat_first == 150);
    BOOST_TEST(a->has_older()); // paged back from the daemon on scroll
    // An agent not on screen keeps only its latest lines.
    BOOST_TEST(m.find("y")->chat.size() == 10u);
    BOOST_TEST(m.find("y")->activity == "x");
}

BOOST_AUTO_TEST_CASE(questions_keep_their_options) {
    Model m;
    fill_demo(m);
    m.apply_event(permission_event(
        "b3m9q", "q-1", "AskUserQuestion",
        {{"questions", Json::array({{{"question", "Which database?"},
                                     {"options", Json::array({{{"label", "Postgres"}},
                                                              {{"label", "SQLite"}}})}}})}}));
    const PendingRequest* p = m.pending_for("b3m9q");
    BOOST_TEST_REQUIRE(p);
    BOOST_TEST(p->question);
    BOOST_TEST(p->question_text == "Which database?");
    BOOST_TEST(p->options.size() == 2u);
}

BOOST_AUTO_TEST_CASE(malformed_fields_do_not_throw) {
    Model m;
    m.set_agents(
        Json::array({{{"id", "q"}, {"state", 5}, {"usage", "none"}, {"created_ms", "x"}}}));
    BOOST_TEST(m.agents().size() == 1u);
    m.apply_event({{"event", "agent.output"}, {"agent_id", "q"}, {"offset", "nope"}});
    m.apply_event({{"event", "permission.request"}, {"agent_id", 3}});
    m.set_status({{"projects", 7}, {"recent_work", Json::array({1, 2})}});
}

BOOST_AUTO_TEST_SUITE_END()
