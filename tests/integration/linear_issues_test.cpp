// issue-backend = linear through the real daemon and CLI, against the fake
// Linear GraphQL API of tests/common/fake_linear (127.0.0.1, in this
// process): linear-team required with a clear error, `fab issue` on Linear
// issues, and the orchestrator flow end to end with scripted agents
// (tests/fixtures/work-one-ticket.sh): three issues, one blocked by another,
// all merged in dependency order and completed upstream by `fab agent done`.
#include "fake_linear.hpp"
#include "harness.hpp"
#include "util/strings.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

const char* kKey = "lin_api_integration_93ab_do_not_log";

struct LinProject {
    FakeLinear lin{"ENG", kKey};
    Sandbox sb;
    std::string repo, clone;

    LinProject() {
        sb.set_env("LINEAR_API_KEY", kKey);
        repo = sb.make_repo("web");
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    }

    void add_project(const std::string& kickstart, int max_agents = 2) {
        auto r = sb.fab({"project", "add", repo, "--max-agents", std::to_string(max_agents)});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        clone = sb.fab_dir() + "/projects/web/repo";
        for (std::vector<std::string> kv : {std::vector<std::string>{"linear-team", "ENG"},
                                            {"issue-backend", "linear"},
                                            {"coding-backend", "scripted"}}) {
            auto s = sb.fab({"project", "config", "set", "web", kv[0], kv[1]});
            BOOST_TEST_REQUIRE(s.code == 0, s.err);
        }
        std::string kick = sb.root() + "/kickstart.txt";
        std::ofstream(kick) << kickstart << "\n";
        BOOST_TEST_REQUIRE(
            sb.fab({"project", "config", "set", "web", "kickstart-prompt", kick}).code == 0);
        std::ofstream(sb.config_file(), std::ios::app)
            << "\n[providers \"linear\"]\napi-url = " << lin.url() << "\npoll-interval = 1\n";
        std::ofstream(sb.fab_dir() + "/projects/web/permissions.ini")
            << "[rule \"tests run anything\"]\naction = allow\npattern = :*\n";
    }

    std::vector<Json> task_agents() {
        std::vector<Json> out;
        auto j = Json::parse(sb.fab({"agent", "list", "--json"}).out, nullptr, false);
        if (!j.is_object()) return out;
        for (auto& a : j["agents"])
            if (a.value("kind", "") == "task") out.push_back(a);
        return out;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(linear_issues, LinProject)

BOOST_AUTO_TEST_CASE(linear_team_is_required_and_issues_are_listed) {
    auto r = sb.fab({"project", "add", repo});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    auto bad = sb.fab({"project", "config", "set", "web", "issue-backend", "linear"});
    BOOST_TEST(bad.code != 0);
    BOOST_TEST(bad.err.find("needs linear-team") != std::string::npos, bad.err);

    std::string a = lin.add_issue({.title = "Schema", .priority = 1});
    lin.add_issue({.title = "Outsider's", .creator = "eve@evil.test"});
    BOOST_TEST_REQUIRE(sb.fab({"project", "config", "set", "web", "linear-team", "ENG"}).code == 0);
    BOOST_TEST_REQUIRE(
        sb.fab({"project", "config", "set", "web", "issue-backend", "linear"}).code == 0);
    BOOST_TEST_REQUIRE(
        sb.fab({"project", "config", "set", "web", "allowed-authors", "alice@example.com"}).code ==
        0);
    std::ofstream(sb.config_file(), std::ios::app)
        << "\n[providers \"linear\"]\napi-url = " << lin.url() << "\n";
    auto list = sb.fab({"issue", "list", "--json"});
    BOOST_TEST_REQUIRE(list.code == 0, list.err);
    BOOST_TEST(Json::parse(list.out)["tickets"].size() == 2u);
    auto ready = sb.fab({"issue", "ready", "--json"});
    BOOST_TEST_REQUIRE(ready.code == 0, ready.err);
    Json rj = Json::parse(ready.out);
    BOOST_TEST_REQUIRE(rj["tickets"].size() == 1u, ready.out);
    BOOST_TEST(rj["tickets"][0]["id"] == a);
    BOOST_TEST(rj["tickets"][0]["priority"] == 0);
}

BOOST_AUTO_TEST_CASE(orchestrator_works_three_issues_in_dependency_order_and_completes_them) {
    std::string one = lin.add_issue({.title = "First"});
    std::string two = lin.add_issue({.title = "Second", .blocked_by = {one}});
    std::string three = lin.add_issue({.title = "Third"});
    std::string fixture = std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/work-one-ticket.sh";
    add_project("SCRIPT:bash bash " + fixture, 2);
    BOOST_TEST_REQUIRE(sb.fab({"project", "start", "web"}).code == 0);
    bool done = wait_for(
        [&] {
            return lin.issue(one).state == "completed" && lin.issue(two).state == "completed" &&
                   lin.issue(three).state == "completed";
        },
        80000);
    std::string log = read_text(sb.fab_dir() + "/fab.log");
    BOOST_TEST_REQUIRE(done, log.substr(log.size() > 6000 ? log.size() - 6000 : 0));
    for (const auto& id : {one, two, three}) {
        BOOST_TEST(fs::exists(clone + "/work-" + id + ".txt"), id);
        BOOST_TEST(!lin.issue(id).comments.empty(), id);
    }
    std::string order = sb.git(clone, {"log", "--reverse", "--format=%s"});
    auto p1 = order.find(one + ": "), p2 = order.find(two + ": ");
    BOOST_TEST((p1 != std::string::npos && p2 != std::string::npos && p1 < p2), order);
    BOOST_TEST(wait_for(
        [&] {
            auto agents = task_agents();
            return agents.size() == 3u &&
                   std::all_of(agents.begin(), agents.end(),
                               [](const Json& a) { return a.value("state", "") == "done"; });
        },
        30000));
    BOOST_TEST(read_text(sb.fab_dir() + "/fab.log").find(kKey) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
