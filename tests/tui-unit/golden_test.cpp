// Golden screens: the views rendered to the text canvas and compared with
// tests/fixtures/tui/<name>.txt. After an intended change of the look,
// regenerate them with FAB_UPDATE_GOLDEN=1 and review the diff.
#include "fixtures.hpp"
#include "tui/keys.hpp"
#include "tui/text.hpp"
#include "tui/views.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace fab;
using namespace fab::tui;
using namespace fab::tui::testing;

namespace {

const std::string kDir = std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/tui/";

struct Screen {
    Model model;
    Modes modes;
    ViewState vs;
    Canvas canvas;

    Screen() {
        fill_demo(model);
        vs.selected = "a7k2p";
        vs.now_ms = kT0 + 125000;
    }
    Context ctx() const {
        Context c;
        c.projects = model.projects();
        if (const AgentInfo* a = model.find(vs.selected)) {
            c.agent = a->id;
            c.project = a->project;
            c.agent_final = a->final();
            if (const PendingRequest* p = model.pending_for(a->id)) {
                c.pending_id = p->id;
                c.pending_question = p->question;
                c.question_options = p->options.size();
            }
        }
        return c;
    }
    std::string render(int rows, int cols) {
        canvas.resize(rows, cols);
        Context c = ctx();
        Frame f{model, modes, c, vs, glyphs(true), filter_agents(model, modes.filter())};
        tui::render(canvas, f);
        return canvas.text();
    }
    void key(int k) { modes.key(k, ctx()); }
};

void check_golden(const std::string& name, const std::string& got) {
    std::string path = kDir + name + ".txt";
    if (std::getenv("FAB_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << got;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(),
                       "missing golden screen " << path << " (FAB_UPDATE_GOLDEN=1 writes it)");
    std::stringstream want;
    want << in.rdbuf();
    BOOST_TEST(got == want.str(), "screen " << name << " differs from " << path << ":\n" << got);
}

void check_widths(const Canvas& c) {
    for (int y = 0; y < c.rows(); ++y) BOOST_TEST(display_width(c.row_text(y)) <= c.cols());
}

} // namespace

BOOST_AUTO_TEST_SUITE(tui_golden)

BOOST_AUTO_TEST_CASE(main_screen_80x24) {
    Screen s;
    check_golden("main-80x24", s.render(24, 80));
    check_widths(s.canvas);
}

BOOST_AUTO_TEST_CASE(main_screen_160x48) {
    Screen s;
    check_golden("main-160x48", s.render(48, 160));
    check_widths(s.canvas);
}

BOOST_AUTO_TEST_CASE(expanded_tool_output_and_chat_focus) {
    Screen s;
    s.vs.expanded = true;
    s.key(key::kTab);
    s.model.apply_event(output("a7k2p", 6, Json::array({text_entry("system", "")})));
    s.model.apply_event({{"event", "agent.state"}, {"agent_id", "a7k2p"}, {"state", "idle"}});
    s.model.apply_event(permission_event("b3m9q", "other", "Read", {{"file_path", "x"}}));
    // a7k2p's request is still pending: answered through a system entry.
    s.model.apply_event(output(
        "a7k2p", 7,
        Json::array(
            {{{"kind", "system"}, {"subtype", "permission_response"}, {"request_id", "req-1"}}})));
    check_golden("expanded-80x24", s.render(24, 80));
}

BOOST_AUTO_TEST_CASE(question_being_answered) {
    Screen s;
    s.model.apply_event(permission_event(
        "a7k2p", "q-1", "AskUserQuestion",
        {{"questions", Json::array({{{"question", "Which database should the service use?"},
                                     {"options", Json::array({{{"label", "Postgres"}},
                                                              {{"label", "SQLite"}}})}}})}}));
    // Answer the permission first (it is older), then the question shows.
    s.model.apply_event(output(
        "a7k2p", 6,
        Json::array(
            {{{"kind", "system"}, {"subtype", "permission_response"}, {"request_id", "req-1"}}})));
    s.key('y');
    s.key('j');
    check_golden("question-80x24", s.render(24, 80));
}

BOOST_AUTO_TEST_CASE(typing_a_multi_line_message) {
    Screen s;
    s.key('i');
    for (char c : std::string("first line")) s.key(c);
    s.key(key::kAltEnter);
    for (char c : std::string("second ")) s.key(c);
    s.key(0x65E5); // 日
    s.key(0x672C); // 本
    std::string screen = s.render(24, 80);
    check_golden("input-80x24", screen);
    BOOST_TEST(s.canvas.cursor_row == 22); // the input's second line, above the help bar
}

BOOST_AUTO_TEST_CASE(filter_and_abort_confirmation) {
    Screen s;
    s.key('/');
    for (char c : std::string("web")) s.key(c);
    s.key(key::kEnter);
    s.key('x');
    check_golden("filter-abort-80x24", s.render(24, 80));
}

BOOST_AUTO_TEST_CASE(disconnected_and_empty) {
    Model m;
    m.conn = Conn::reconnecting;
    Modes modes;
    ViewState vs;
    Canvas c(24, 80);
    Context ctx;
    Frame f{m, modes, ctx, vs, glyphs(false), {}};
    render(c, f);
    check_golden("empty-ascii-80x24", c.text());
    BOOST_TEST(c.row_text(0).find("reconnecting") != std::string::npos);
    m.conn_error = "daemon not running (connection refused)";
    render(c, f);
    BOOST_TEST(c.row_text(23) ==
               " daemon not running (connection refused) - retrying (r: now, q: quit)");
}

BOOST_AUTO_TEST_CASE(a_long_chat_shows_its_end_and_scrolls_back) {
    Model m;
    m.set_agents(Json::array({agent_json("z", "task", "p", "claude", "running", kT0)}));
    m.set_focus("z");
    for (int64_t o = 0; o < 10000; ++o)
        m.apply_event(output(
            "z", o, Json::array({text_entry("assistant_text", "line " + std::to_string(o))})));
    Modes modes;
    ViewState vs;
    vs.selected = "z";
    Canvas c(24, 80);
    Context ctx;
    ctx.agent = "z";
    Frame f{m, modes, ctx, vs, glyphs(true), filter_agents(m, "")};
    RenderInfo info = render(c, f);
    BOOST_TEST(!info.wants_older);
    std::string text = c.text();
    BOOST_TEST(text.find("line 9999") != std::string::npos);
    vs.scroll = 100;
    render(c, f);
    BOOST_TEST(c.text().find("line 9899") != std::string::npos);
    BOOST_TEST(c.text().find("line 9999\n") == std::string::npos); // the list shows it as activity
    vs.scroll = 1 << 28;                                           // g: the top of what is loaded
    info = render(c, f);
    BOOST_TEST(info.wants_older == false); // offset 0 is loaded: nothing older
    BOOST_TEST(c.text().find("line 0\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_screen_80x24) {
    Screen s;
    s.key('?');
    std::string screen = s.render(24, 80);
    check_widths(s.canvas);
    check_golden("help-80x24", screen);
    // Every table is on the page somewhere: scroll to each title.
    BOOST_TEST(screen.find("Agents and chat") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(plans_page_80x24) {
    Screen s;
    s.vs.plans = {{"a1b2c", "Fix the login flow", "web", "2026-12-01T10:00:00Z"},
                  {"b3m9q", "Split the API", "api", "2026-11-30T09:00:00Z"}};
    Context c = s.ctx();
    c.plans = {"a1b2c", "b3m9q"};
    s.modes.key('P', c);
    s.modes.key('j', c);
    std::string screen = s.render(24, 80);
    check_widths(s.canvas);
    check_golden("plans-80x24", screen);
}

BOOST_AUTO_TEST_CASE(runs_page_and_a_runs_events_80x24) {
    Screen s;
    s.vs.runs = {{"run-k2m9q7x1ab", "web", "blocked", "", "Add a login page", kT0 + 5000},
                 {"run-p0z8c3v5nn", "api", "succeeded", "review", "Split the API", kT0 - 7200000},
                 {"run-q1w2e3r4t5", "web", "failed", "", "Rename the models", kT0}};
    Context c = s.ctx();
    c.runs = {"run-k2m9q7x1ab", "run-p0z8c3v5nn", "run-q1w2e3r4t5"};
    s.modes.key('R', c);
    std::string screen = s.render(24, 80);
    check_widths(s.canvas);
    check_golden("runs-80x24", screen);
    s.modes.key(key::kEnter, c);
    s.vs.run_events = {{{"seq", 1},
                        {"ts", "2026-01-01T12:00:00.000Z"},
                        {"event", "run.submitted"},
                        {"properties", {{"goal", "Add a login page"}}}},
                       {{"seq", 2},
                        {"ts", "2026-01-01T12:00:01.000Z"},
                        {"event", "agent.message"},
                        {"properties", {{"text", "Looking at the routes"}}}},
                       {{"seq", 3},
                        {"ts", "2026-01-01T12:00:09.000Z"},
                        {"event", "run.blocked"},
                        {"properties", Json::object()}}};
    screen = s.render(24, 80);
    check_widths(s.canvas);
    check_golden("run-events-80x24", screen);
    BOOST_TEST(screen.find("Run run-k2m9q7x1ab: blocked") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
