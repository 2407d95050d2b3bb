#include "tui/keys.hpp"
#include "tui/modes.hpp"
#include "tui/views.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::tui;
using T = Action::Type;

namespace {
Context agent_ctx() {
    Context c;
    c.agent = "a1";
    c.project = "web";
    c.projects = {"web", "api"};
    return c;
}
std::vector<Action> type(Modes& m, const std::string& s, const Context& c) {
    std::vector<Action> all;
    for (char ch : s)
        for (auto& a : m.key(static_cast<unsigned char>(ch), c)) all.push_back(a);
    return all;
}
} // namespace

BOOST_AUTO_TEST_SUITE(tui_modes)

BOOST_AUTO_TEST_CASE(q_and_ctrl_c_quit) {
    Modes m;
    auto a = m.key('q', agent_ctx());
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST((a[0].type == T::quit));
    BOOST_TEST((m.key(key::kCtrlC, agent_ctx())[0].type == T::quit));
}

BOOST_AUTO_TEST_CASE(j_k_select_in_the_list_and_scroll_in_the_chat) {
    Modes m;
    auto a = m.key('j', agent_ctx());
    BOOST_TEST((a[0].type == T::select && a[0].n == 1));
    m.key(key::kTab, agent_ctx());
    BOOST_TEST((m.focus() == Focus::chat));
    a = m.key('k', agent_ctx());
    BOOST_TEST((a[0].type == T::scroll && a[0].n == 1));
    a = m.key('G', agent_ctx());
    BOOST_TEST((a[0].type == T::scroll_to && a[0].n == 0));
    a = m.key(key::kCtrlU, agent_ctx());
    BOOST_TEST((a[0].type == T::scroll_page && a[0].n == 1));
}

BOOST_AUTO_TEST_CASE(enter_types_a_message_sent_with_enter) {
    Modes m;
    auto c = agent_ctx();
    BOOST_TEST(m.key(key::kEnter, c).empty());
    BOOST_TEST((m.mode() == Mode::input));
    type(m, "hi", c);
    m.key(key::kAltEnter, c);
    type(m, "there", c);
    auto a = m.key(key::kEnter, c);
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST((a[0].type == T::send));
    BOOST_TEST(a[0].id == "a1");
    BOOST_TEST(a[0].text == "hi\nthere");
    BOOST_TEST((m.mode() == Mode::normal));
    // The history brings it back.
    m.key('i', c);
    m.key(key::kUp, c);
    BOOST_TEST(m.editor().text() == "hi\nthere");
    m.key(key::kEsc, c);
    BOOST_TEST((m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_CASE(an_empty_message_is_not_sent) {
    Modes m;
    auto c = agent_ctx();
    m.key('i', c);
    auto a = m.key(key::kEnter, c);
    BOOST_TEST((a.size() == 1u && a[0].type == T::message));
    BOOST_TEST((m.mode() == Mode::input));
}

BOOST_AUTO_TEST_CASE(y_n_a_answer_a_pending_permission) {
    Modes m;
    auto c = agent_ctx();
    c.pending_id = "r1";
    auto a = m.key('y', c);
    BOOST_TEST((a[0].type == T::respond && a[0].allow && !a[0].always && a[0].id == "r1"));
    a = m.key('a', c);
    BOOST_TEST((a[0].type == T::respond && a[0].allow && a[0].always));
    a = m.key('n', c);
    BOOST_TEST((a[0].type == T::respond && !a[0].allow));
    c.pending_id.clear();
    a = m.key('y', c);
    BOOST_TEST((a[0].type == T::message && a[0].text == "nothing to approve for a1"));
    // Another agent waits: say which, so the user can go to it.
    c.other_waiting = "b2";
    a = m.key('y', c);
    BOOST_TEST(a[0].text == "nothing to approve for a1; b2 is waiting (j/k to select it)");
}

BOOST_AUTO_TEST_CASE(a_question_is_answered_by_choosing_an_option) {
    Modes m;
    auto c = agent_ctx();
    c.pending_id = "q1";
    c.pending_question = true;
    c.question_options = 2;
    BOOST_TEST(m.key('y', c).empty());
    BOOST_TEST((m.mode() == Mode::question));
    m.key('j', c);
    BOOST_TEST(m.choice() == 1u);
    auto a = m.key(key::kEnter, c);
    BOOST_TEST((a[0].type == T::answer && a[0].id == "q1" && a[0].text == "2"));
    BOOST_TEST((m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_CASE(other_takes_a_free_text_answer) {
    Modes m;
    auto c = agent_ctx();
    c.pending_id = "q1";
    c.pending_question = true;
    c.question_options = 2;
    m.key(key::kEnter, c); // Enter on a question: choose
    BOOST_TEST((m.mode() == Mode::question));
    m.key('j', c);
    m.key('j', c);
    m.key('j', c); // stays on "Other", the last choice
    BOOST_TEST(m.choice() == 2u);
    m.key('y', c);
    BOOST_TEST((m.mode() == Mode::question_other));
    type(m, "blue", c);
    auto a = m.key(key::kEnter, c);
    BOOST_TEST((a[0].type == T::answer && a[0].text == "blue"));
}

BOOST_AUTO_TEST_CASE(a_question_answered_elsewhere_leaves_question_mode) {
    Modes m;
    auto c = agent_ctx();
    c.pending_id = "q1";
    c.pending_question = true;
    m.key('y', c);
    BOOST_TEST((m.mode() == Mode::question));
    c.pending_id.clear();
    m.sync(c);
    BOOST_TEST((m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_CASE(x_aborts_only_after_confirmation) {
    Modes m;
    auto c = agent_ctx();
    BOOST_TEST(m.key('x', c).empty());
    BOOST_TEST((m.mode() == Mode::confirm_abort));
    auto a = m.key('n', c);
    BOOST_TEST((a[0].type == T::message));
    BOOST_TEST((m.mode() == Mode::normal));
    m.key('x', c);
    a = m.key('y', c);
    BOOST_TEST((a[0].type == T::abort && a[0].id == "a1"));
    c.agent_final = true;
    a = m.key('x', c);
    BOOST_TEST((a[0].type == T::message && m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_CASE(p_chooses_a_project_then_takes_a_prompt) {
    Modes m;
    auto c = agent_ctx();
    m.key('p', c);
    BOOST_TEST((m.mode() == Mode::plan_project));
    BOOST_TEST(m.choice() == 0u); // the selected agent's project first
    m.key('j', c);
    m.key(key::kEnter, c);
    BOOST_TEST((m.mode() == Mode::plan_prompt));
    BOOST_TEST(m.target() == "api");
    type(m, "split the monolith", c);
    auto a = m.key(key::kEnter, c);
    BOOST_TEST(
        (a[0].type == T::plan && a[0].project == "api" && a[0].text == "split the monolith"));
}

BOOST_AUTO_TEST_CASE(p_with_one_project_goes_straight_to_the_prompt) {
    Modes m;
    Context c;
    c.projects = {"solo"};
    m.key('p', c);
    BOOST_TEST((m.mode() == Mode::plan_prompt));
    BOOST_TEST(m.target() == "solo");
    c.projects.clear();
    Modes m2;
    BOOST_TEST((m2.key('p', c)[0].type == T::message));
}

BOOST_AUTO_TEST_CASE(s_asks_for_the_manager_of_the_selected_project) {
    Modes m;
    auto a = m.key('s', agent_ctx());
    BOOST_TEST((a[0].type == T::manager && a[0].project == "web"));
}

BOOST_AUTO_TEST_CASE(slash_filters_and_esc_clears) {
    Modes m;
    auto c = agent_ctx();
    m.key('/', c);
    BOOST_TEST((m.mode() == Mode::filter));
    auto a = type(m, "ap", c);
    BOOST_TEST(a.size() == 2u);
    BOOST_TEST(a.back().text == "ap");
    m.key(key::kEnter, c);
    BOOST_TEST(m.filter() == "ap");
    BOOST_TEST((m.mode() == Mode::normal));
    a = m.key(key::kEsc, c);
    BOOST_TEST((a[0].type == T::filter && a[0].text.empty()));
    BOOST_TEST(m.filter().empty());
}

BOOST_AUTO_TEST_CASE(keys_needing_an_agent_say_so_without_one) {
    Modes m;
    Context c;
    auto a = m.key('x', c);
    BOOST_TEST((a[0].type == T::message && m.mode() == Mode::normal));
    BOOST_TEST((m.key('r', c)[0].type == T::reconnect));
}

BOOST_AUTO_TEST_CASE(editor_moves_by_characters_not_bytes) {
    Modes m;
    auto c = agent_ctx();
    m.key('i', c);
    m.key(0x65E5, c); // 日
    m.key('x', c);
    m.key(key::kLeft, c);
    m.key(key::kLeft, c);
    m.key('a', c);
    BOOST_TEST(m.editor().text() == "a日x");
    m.key(key::kEnd, c);
    m.key(key::kBackspace, c);
    m.key(key::kBackspace, c);
    BOOST_TEST(m.editor().text() == "a");
}

BOOST_AUTO_TEST_CASE(help_bar_follows_the_mode) {
    Modes m;
    auto c = agent_ctx();
    BOOST_TEST(m.help(c).find("q quit") != std::string::npos);
    c.pending_id = "r1";
    BOOST_TEST(m.help(c).find("y allow") != std::string::npos);
    m.key('i', c);
    BOOST_TEST(m.help(c).find("Alt-Enter") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_key_of_the_normal_table_does_something) {
    auto c = agent_ctx();
    c.pending_id = "r1";
    for (const KeyTable& t : key_tables()) {
        if (t.modes.front() != Mode::normal) continue;
        for (const Binding& b : t.keys)
            for (int32_t k : b.keys) {
                if (k == 0 || b.cmd == Cmd::clear_filter) continue; // no filter to clear
                Modes m;
                auto acts = m.key(k, c);
                bool effect =
                    !acts.empty() || m.mode() != Mode::normal || m.focus() != Focus::agents;
                BOOST_TEST(effect, "key " << b.label << " (" << b.what << ") did nothing");
            }
    }
}

BOOST_AUTO_TEST_CASE(help_page_lists_every_key_of_every_mode) {
    Modes m;
    BOOST_TEST_REQUIRE(m.key('?', agent_ctx()).empty());
    BOOST_TEST((m.mode() == Mode::help));
    std::string page;
    for (const auto& [line, attr] : help_lines(200)) page += line + "\n";
    size_t modes_covered = 0;
    for (const KeyTable& t : key_tables()) {
        BOOST_TEST(page.find(t.title) != std::string::npos, t.title);
        modes_covered += t.modes.size();
        for (const Binding& b : t.keys) {
            BOOST_TEST(page.find(b.label) != std::string::npos, b.label);
            BOOST_TEST(page.find(b.what) != std::string::npos, b.what);
        }
    }
    for (const EditBinding& b : edit_keys())
        BOOST_TEST(page.find(b.what) != std::string::npos, b.what);
    // One table per mode: a mode added without keys in the help fails here.
    BOOST_TEST(modes_covered == static_cast<size_t>(Mode::run_read) + 1);
    // Scrolls, and closes with Esc, q or ? back to where it was.
    m.key('j', agent_ctx());
    BOOST_TEST(m.scroll() == 1);
    m.key('?', agent_ctx());
    BOOST_TEST((m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_CASE(orchestrator_manager_and_director_keys) {
    Modes m;
    auto c = agent_ctx();
    auto a = m.key('O', c);
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST((a[0].type == T::orchestrator && a[0].project == "web" && a[0].allow));
    a = m.key('X', c);
    BOOST_TEST((a[0].type == T::orchestrator && a[0].project == "web" && !a[0].allow));
    a = m.key('S', c);
    BOOST_TEST((a[0].type == T::manager_stop && a[0].project == "web"));
    BOOST_TEST((m.key('d', c)[0].type == T::director));
    BOOST_TEST((m.key('D', c)[0].type == T::director_stop));
    Context none;
    a = m.key('O', none);
    BOOST_TEST((a[0].type == T::message));
}

BOOST_AUTO_TEST_CASE(plans_are_listed_read_turned_into_tickets_and_run) {
    Modes m;
    auto c = agent_ctx();
    auto a = m.key('P', c);
    BOOST_TEST((m.mode() == Mode::plans));
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST((a[0].type == T::plans));
    BOOST_TEST((m.key(key::kEnter, c)[0].type == T::message)); // none listed yet
    c.plans = {"p1", "p2"};
    m.key('j', c);
    m.key('j', c); // stays on the last
    BOOST_TEST(m.choice() == 1u);
    a = m.key('t', c);
    BOOST_TEST((a[0].type == T::plan_tickets && a[0].id == "p2"));
    a = m.key(key::kEnter, c);
    BOOST_TEST((a[0].type == T::plan_read && a[0].id == "p2"));
    BOOST_TEST((m.mode() == Mode::plan_read));
    m.key('j', c);
    BOOST_TEST(m.scroll() == 1);
    a = m.key('R', c);
    BOOST_TEST((a[0].type == T::plan_run && a[0].id == "p2"));
    m.key(key::kEsc, c);
    BOOST_TEST((m.mode() == Mode::plans));
    m.key('q', c);
    BOOST_TEST((m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_CASE(runs_are_listed_and_a_runs_events_read) {
    Modes m;
    auto c = agent_ctx();
    auto a = m.key('R', c);
    BOOST_TEST((m.mode() == Mode::runs));
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST((a[0].type == T::runs));
    BOOST_TEST((m.key(key::kEnter, c)[0].type == T::message)); // none listed yet
    c.runs = {"run-1", "run-2"};
    BOOST_TEST((m.key('r', c)[0].type == T::runs)); // again
    m.key('j', c);
    m.key('j', c); // stays on the last
    BOOST_TEST(m.choice() == 1u);
    BOOST_TEST(m.key('t', c).empty()); // the plans' keys do nothing here
    a = m.key(key::kEnter, c);
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST((a[0].type == T::run_events && a[0].id == "run-2"));
    BOOST_TEST((m.mode() == Mode::run_read));
    BOOST_TEST(m.target() == "run-2");
    m.key('j', c);
    BOOST_TEST(m.scroll() == 1);
    BOOST_TEST(m.help(c).find("run run-2") != std::string::npos);
    m.key(key::kEsc, c);
    BOOST_TEST((m.mode() == Mode::runs));
    m.key('q', c);
    BOOST_TEST((m.mode() == Mode::normal));
}

BOOST_AUTO_TEST_SUITE_END()
