// The Linear issue backend against the fake Linear GraphQL API
// (tests/common/fake_linear), over the real HTTP client: states and
// priorities mapped, "blocks" relations as dependencies, sub-issues,
// allowed-authors by e-mail, create with labels, close, comment, plan
// upsert, an unknown team, a bad key and a rate limit, each one line.
#include "daemon/issues/linear.hpp"
#include "fake_linear.hpp"
#include "net/blocking_post.hpp"
#include "util/time.hpp"

#include <boost/test/unit_test.hpp>
#include <thread>

using namespace fab;
using namespace fab::issues;
using fab::test::FakeLinear;

namespace {

const char* kKey = "lin_api_fake_81f2_never_logged";

template <typename R>
std::string why(const R& r) {
    return r.ok() ? std::string() : r.error();
}

struct Lin {
    FakeLinear lin{"ENG", kKey};

    std::unique_ptr<Backend> backend(const std::string& key = kKey,
                                     const std::string& team = "ENG") {
        LinearSettings s;
        s.graphql_url = lin.url();
        s.api_key = key;
        s.key_env = "FAB_TEST_LINEAR_KEY";
        s.team = team;
        s.timeout_ms = 5000;
        s.min_backoff_ms = 300;
        return make_linear_backend(
            s, [](const std::string& url, const net::Headers& h, std::string body, int timeout_ms) {
                net::PostOptions o;
                o.timeout_ms = timeout_ms;
                return net::post_blocking(url, h, std::move(body), o);
            });
    }
};

std::vector<std::string> ids(const std::vector<const Ticket*>& ts) {
    std::vector<std::string> out;
    for (const auto* t : ts) out.push_back(t->id);
    return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(linear_backend, Lin)

BOOST_AUTO_TEST_CASE(priorities_and_states_map_both_ways) {
    BOOST_TEST(fab_priority(1) == 0);
    BOOST_TEST(fab_priority(2) == 1);
    BOOST_TEST(fab_priority(3) == 2);
    BOOST_TEST(fab_priority(4) == 2);
    BOOST_TEST(fab_priority(0) == 2);
    BOOST_TEST(linear_priority(0) == 1);
    BOOST_TEST(linear_priority(1) == 2);
    BOOST_TEST(linear_priority(2) == 3);
    BOOST_TEST(fab_status("backlog") == "open");
    BOOST_TEST(fab_status("unstarted") == "open");
    BOOST_TEST(fab_status("started") == "in_progress");
    BOOST_TEST(fab_status("completed") == "closed");
    BOOST_TEST(fab_status("canceled") == "closed");
}

BOOST_AUTO_TEST_CASE(list_ready_relations_sub_issues_and_allowed_authors) {
    std::string a = lin.add_issue({.title = "Schema", .priority = 1, .labels = {"type:bug"}});
    std::string b = lin.add_issue({.title = "Login", .blocked_by = {a}});
    std::string c = lin.add_issue({.title = "Index", .parent = a});
    std::string e = lin.add_issue({.title = "Outsider", .creator = "eve@evil.test"});
    lin.add_issue({.title = "Shipped", .state = "completed"});
    std::string w = lin.add_issue({.title = "Underway", .state = "started"});
    auto be = backend();
    auto set = be->list("");
    BOOST_TEST_REQUIRE(set.ok(), why(set));
    BOOST_TEST(set->tickets.size() == 5u); // not the completed one
    BOOST_TEST(set->find(a)->type == "bug");
    BOOST_TEST(set->find(a)->priority == 0);
    BOOST_TEST(set->find(b)->deps == std::vector<std::string>{a});
    BOOST_TEST(set->find(c)->parent == a);
    BOOST_TEST(set->find(w)->status == "in_progress");
    BOOST_TEST(set->find(e)->author == "eve@evil.test");
    auto ready = ids(ready_for_agents(*set, {}, {"alice@example.com"}));
    BOOST_TEST(ready == (std::vector<std::string>{a, c}));

    lin.set_state(a, "completed");
    set = be->list("");
    BOOST_TEST_REQUIRE(set.ok(), why(set));
    BOOST_TEST(lin.calls("issues").back().variables["filter"].contains("updatedAt"));
    BOOST_TEST(ids(ready_for_agents(*set, {}, {"alice@example.com"})) ==
               (std::vector<std::string>{b, c}));
}

BOOST_AUTO_TEST_CASE(create_update_close_comment_and_plan) {
    std::string parent = lin.add_issue({.title = "Epic"});
    std::string dep = lin.add_issue({.title = "First"});
    auto be = backend();
    NewTicket n;
    n.title = "Second";
    n.type = "feature";
    n.priority = 0;
    n.labels = {"ui"};
    n.deps = {dep};
    n.parent = parent;
    n.description = "Body.";
    auto t = be->create(n);
    BOOST_TEST_REQUIRE(t.ok(), why(t));
    BOOST_TEST(t->id.rfind("ENG-", 0) == 0u, t->id);
    BOOST_TEST(t->type == "feature");
    BOOST_TEST(t->priority == 0);
    BOOST_TEST(t->deps == std::vector<std::string>{dep});
    BOOST_TEST(t->parent == parent);
    BOOST_TEST(lin.issue(t->id).priority == 1);
    BOOST_TEST(lin.labels().count("type:feature") == 1u);
    BOOST_TEST(lin.calls("issueLabelCreate").size() == 2u);

    auto u = be->update(t->id, {.status = std::string("in_progress"), .priority = 2});
    BOOST_TEST_REQUIRE(u.ok(), why(u));
    BOOST_TEST(lin.issue(t->id).state == "started");
    BOOST_TEST(lin.issue(t->id).priority == 3);

    BOOST_TEST_REQUIRE(be->comment(t->id, "Noted.").ok());
    BOOST_TEST(lin.issue(t->id).comments == std::vector<std::string>{"Noted."});
    BOOST_TEST_REQUIRE(be->set_plan(t->id, "1. A.").ok());
    BOOST_TEST_REQUIRE(be->set_plan(t->id, "1. B.").ok());
    std::string d = lin.issue(t->id).description;
    BOOST_TEST(d.find("Body.") != std::string::npos, d);
    BOOST_TEST(d.find("1. B.") != std::string::npos, d);
    BOOST_TEST(d.find("1. A.") == std::string::npos, d);

    auto closed = be->close(t->id);
    BOOST_TEST_REQUIRE(closed.ok(), why(closed));
    BOOST_TEST(closed->status == "closed");
    BOOST_TEST(lin.issue(t->id).state == "completed");

    auto missing = be->get("ENG-999");
    BOOST_TEST(!missing.ok());
    BOOST_TEST(why(missing).find("no issue ENG-999") != std::string::npos, why(missing));
}

BOOST_AUTO_TEST_CASE(unknown_team_bad_key_and_rate_limit_are_one_line) {
    lin.add_issue({.title = "A"});
    auto r = backend(kKey, "NOPE")->list("");
    BOOST_TEST(why(r).find("no team with key NOPE") != std::string::npos, why(r));

    r = backend("lin_api_wrong_value")->list("");
    BOOST_TEST(why(r).find("bad API key") != std::string::npos, why(r));
    BOOST_TEST(why(r).find("$FAB_TEST_LINEAR_KEY") != std::string::npos, why(r));
    BOOST_TEST(why(r).find("lin_api_wrong") == std::string::npos, why(r));

    auto be = backend();
    lin.fail_next(
        1, 400, {{"Retry-After", "1"}},
        R"({"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]})");
    r = be->list("");
    BOOST_TEST(why(r).find("Linear: rate limited") != std::string::npos, why(r));
    size_t sent = lin.calls().size();
    r = be->list("");
    BOOST_TEST(why(r).find("no request to Linear before") != std::string::npos, why(r));
    BOOST_TEST(lin.calls().size() == sent);
    for (int64_t end = monotonic_ms() + 8000; !r.ok() && monotonic_ms() < end; r = be->list(""))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    BOOST_TEST(r.ok(), why(r));
}

BOOST_AUTO_TEST_SUITE_END()
