// `fab project add` of a remote: with {"progress": true} (what the CLI asks
// for on a terminal) the daemon runs `git clone --progress` and sends its
// lines as "progress" events of the request before the answer; without it,
// nothing but the answer. Uses the CLI's own client (Connection::on_event).
#include "harness.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab;
using namespace fab::test;

namespace {

struct Clone {
    Sandbox sb;
    std::string origin;
    Clone() {
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        origin = sb.make_origin();
        BOOST_TEST_REQUIRE(!origin.empty());
    }
    // project.add of file://origin as `name`; the progress events seen.
    std::vector<Json> add(const std::string& name, bool progress, Json& answer) {
        auto c = Connection::open(sb.socket());
        BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? "" : c.error()));
        std::vector<Json> events;
        c->on_event([&](const Json& ev) { events.push_back(ev); });
        Json payload = {{"source", "file://" + origin}, {"name", name}};
        if (progress) payload["progress"] = true;
        auto r = c->call("project.add", payload, 60000);
        BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error()));
        answer = *r;
        return events;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(clone_progress, Clone)

BOOST_AUTO_TEST_CASE(progress_events_come_before_the_answer_only_when_asked) {
    Json answer;
    auto events = add("shown", true, answer);
    BOOST_TEST(answer.value("name", "") == "shown");
    BOOST_TEST_REQUIRE(!events.empty());
    bool cloning = false;
    for (const Json& ev : events) {
        BOOST_TEST(ev.value("event", "") == "progress");
        BOOST_TEST(!ev.value("request_id", "").empty());
        std::string text = ev.value("text", "");
        BOOST_TEST(text.find('\r') == std::string::npos);
        cloning = cloning || text.find("Cloning into") != std::string::npos;
    }
    BOOST_TEST(cloning);

    BOOST_TEST(add("quiet", false, answer).empty());
    BOOST_TEST(answer.value("name", "") == "quiet");
}

BOOST_AUTO_TEST_CASE(a_failed_clone_with_progress_still_says_why) {
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    auto r =
        c->call("project.add",
                {{"source", "file://" + sb.root() + "/no-such-repo"}, {"progress", true}}, 60000);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("git clone failed") != std::string::npos, r.error());
    BOOST_TEST(r.error().find("exit status") == std::string::npos, r.error()); // git's own words
}

BOOST_AUTO_TEST_SUITE_END()
