// Stored plans (daemon/roles/plan_store): the file format, titles, steps and
// the errors a broken file gives; and the hook's test for a planner's
// `fab plan write` here-document lives in tests/integration/roles_test.cpp.
#include "daemon/roles/plan_store.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace fab;
using namespace fab::plans;

namespace {
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/fab-plans-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};
} // namespace

BOOST_AUTO_TEST_SUITE(plan_store)

BOOST_AUTO_TEST_CASE(write_then_read_round_trips_with_front_matter) {
    TempDir t;
    Plan p;
    p.id = "a1b2c";
    p.agent = "a1b2c";
    p.project = "web";
    p.source = "fab plan write";
    p.body = "# Fix the login\n\n1. Reproduce\n2. Fix\n";
    auto w = write_plan(t.path, p);
    BOOST_TEST_REQUIRE(w.ok(), (w.ok() ? "" : w.error()));
    BOOST_TEST(w->title == "Fix the login");
    BOOST_TEST(!w->created.empty());
    auto r = read_plan(t.path, "a1b2c");
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error()));
    BOOST_TEST(r->body == p.body);
    BOOST_TEST(r->project == "web");
    BOOST_TEST(r->agent == "a1b2c");
    BOOST_TEST(r->source == "fab plan write");
    BOOST_TEST(r->created == w->created);
}

BOOST_AUTO_TEST_CASE(a_title_cannot_inject_front_matter_lines) {
    TempDir t;
    Plan p;
    p.id = "p1";
    p.title = "evil\nproject: other";
    p.project = "web";
    p.body = "x";
    BOOST_TEST_REQUIRE(write_plan(t.path, p).ok());
    auto r = read_plan(t.path, "p1");
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error()));
    BOOST_TEST(r->project == "web");
    BOOST_TEST(r->title == "evil project: other");
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_with_file_and_line) {
    TempDir t;
    Plan p;
    p.id = "../x";
    p.body = "x";
    BOOST_TEST(!write_plan(t.path, p).ok());
    p.id = "ok";
    p.body = "  \n";
    BOOST_TEST(!write_plan(t.path, p).ok());
    auto r = parse_plan("/d/x.md", "---\nid: x\nbroken line\n---\nbody\n");
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error() == "/d/x.md:3: front matter line without `key: value`");
    r = parse_plan("/d/x.md", "no front matter\n");
    BOOST_TEST(r.error().rfind("/d/x.md:1:", 0) == 0u, r.error());
    r = parse_plan("/d/x.md", "---\nid: y\n---\n");
    BOOST_TEST(r.error().find("does not match the file name") != std::string::npos, r.error());
    BOOST_TEST(!read_plan(t.path, "missing").ok());
}

BOOST_AUTO_TEST_CASE(titles_come_from_the_first_heading_or_line) {
    BOOST_TEST(title_of("Intro line\n# Heading\n") == "Heading");
    BOOST_TEST(title_of("\n\n  First line  \nsecond") == "First line");
    BOOST_TEST(title_of("") == "(untitled plan)");
    BOOST_TEST(title_of(std::string(200, 'x')).size() == 80u + std::string("…").size());
}

BOOST_AUTO_TEST_CASE(top_level_steps_are_numbered_lines_a_heading_ends_their_text) {
    auto s = top_level_steps("Intro\n1. One\n   a detail\n   - sub\n2) Two\n## Phase 2\nnot in "
                             "Two\n10. Ten\n# Risks\n- no\n");
    BOOST_TEST_REQUIRE(s.size() == 3u);
    BOOST_TEST(s[0].title == "One");
    BOOST_TEST(s[0].body == "   a detail\n   - sub");
    BOOST_TEST(s[1].title == "Two");
    BOOST_TEST(s[1].body == "");
    BOOST_TEST(s[2].title == "Ten");
    BOOST_TEST(s[2].body == "");
    BOOST_TEST(top_level_steps("   1. indented is not top level\n").empty());
}

BOOST_AUTO_TEST_CASE(list_is_newest_first_filtered_and_names_broken_files) {
    TempDir t;
    for (auto [id, project, created] : {std::tuple{"old", "web", "2026-01-01T00:00:00.000Z"},
                                        std::tuple{"new", "web", "2026-02-01T00:00:00.000Z"},
                                        std::tuple{"api1", "api", "2026-03-01T00:00:00.000Z"}}) {
        Plan p;
        p.id = id;
        p.project = project;
        p.created = created;
        p.body = "body";
        BOOST_TEST_REQUIRE(write_plan(t.path, p).ok());
    }
    std::ofstream(t.path + "/bad.md") << "nope\n";
    auto l = list_plans(t.path, "web");
    BOOST_TEST_REQUIRE(l.plans.size() == 2u);
    BOOST_TEST(l.plans[0].id == "new");
    BOOST_TEST(l.plans[1].id == "old");
    BOOST_TEST(l.plans[0].body.empty());
    BOOST_TEST_REQUIRE(l.problems.size() == 1u);
    BOOST_TEST(l.problems[0].find("bad.md:1:") != std::string::npos);
    BOOST_TEST(list_plans(t.path, "").plans.size() == 3u);
    BOOST_TEST(list_plans(t.path + "/none", "").plans.empty());
}

BOOST_AUTO_TEST_SUITE_END()
