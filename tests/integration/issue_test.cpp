// fab issue …: in-repo tickets through the real CLI and daemon, on a project
// cloned from a bare "origin" so that `fab issue commit` has somewhere to push.
#include "harness.hpp"
#include "util/strings.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct IssueProject {
    Sandbox sb;
    std::string origin, clone;

    IssueProject() {
        origin = sb.make_origin();
        BOOST_TEST_REQUIRE(!origin.empty());
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        auto r = sb.fab({"project", "add", origin, "--name", "web"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        clone = sb.fab_dir() + "/projects/web/repo";
    }

    std::string git(const std::string& dir, std::vector<std::string> args) {
        args.insert(args.begin(), {"git", "-C", dir});
        auto r = sb.run(args);
        std::string out = r.out;
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }

    // `fab issue …` that must succeed; its stdout.
    std::string issue(std::vector<std::string> args) {
        args.insert(args.begin(), "issue");
        auto r = sb.fab(args);
        BOOST_TEST_REQUIRE(r.code == 0, join(args, " ") + ": " + r.err);
        return r.out;
    }

    Json issue_json(std::vector<std::string> args) {
        args.push_back("--json");
        return Json::parse(issue(std::move(args)));
    }

    std::vector<std::string> ids(const Json& reply) {
        std::vector<std::string> out;
        for (const auto& t : reply["tickets"]) out.push_back(t["id"]);
        return out;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(issue_cli, IssueProject)

BOOST_AUTO_TEST_CASE(create_list_update_comment_plan_close_and_commit) {
    std::string a =
        std::string(trim(issue({"create", "Set up the schema", "--priority", "1", "--type", "chore",
                                "--description", "Tables for users."})));
    BOOST_TEST(a.starts_with("web-"), a);
    BOOST_TEST(a.size() == 8u, a);
    std::string b =
        std::string(trim(issue({"create", "Log in", "--deps", a, "--labels", "ui,auth"})));
    BOOST_TEST(b != a);
    BOOST_TEST(fs::exists(clone + "/.tickets/" + b + ".md"));

    Json list = issue_json({"list"});
    BOOST_TEST(list["problems"].empty());
    BOOST_TEST(ids(list).size() == 2u);
    Json shown = issue_json({"show", b});
    BOOST_TEST(shown["ticket"]["title"] == "Log in");
    BOOST_TEST(shown["ticket"]["deps"][0] == a);
    BOOST_TEST(shown["ticket"]["labels"][1] == "auth");

    // Human output: a header and one aligned row per ticket.
    std::string human = issue({"list", "--status", "open"});
    BOOST_TEST(human.find("ID") == 0u, human);
    BOOST_TEST(human.find(b + "  open") != std::string::npos, human);

    // b waits for a.
    Json ready = issue_json({"ready"});
    auto r1 = ids(ready);
    BOOST_TEST((std::find(r1.begin(), r1.end(), a) != r1.end()));
    BOOST_TEST((std::find(r1.begin(), r1.end(), b) == r1.end()));

    issue({"update", a, "--status", "in_progress", "--title", "Create the schema"});
    issue({"comment", a, "--body", "Started on it."});
    issue({"plan", a, "--body", "1. users\n2. sessions"});
    issue({"plan", a, "--body", "1. users only"});
    Json sa = issue_json({"show", a});
    BOOST_TEST(sa["ticket"]["status"] == "in_progress");
    BOOST_TEST(sa["ticket"]["title"] == "Create the schema");
    std::string body = sa["ticket"]["body"];
    BOOST_TEST(body.find("Tables for users.") == 0u, body);
    BOOST_TEST(body.find("## Plan\n\n1. users only\n") != std::string::npos, body);
    BOOST_TEST(body.find("sessions") == std::string::npos, body);
    BOOST_TEST(body.find("## Notes") != std::string::npos, body);
    BOOST_TEST(body.find("Started on it.") != std::string::npos, body);

    BOOST_TEST(issue({"close", a}).find("closed " + a) == 0u);
    auto r2 = ids(issue_json({"ready"}));
    BOOST_TEST((std::find(r2.begin(), r2.end(), b) != r2.end()));

    std::string out = issue({"commit", "--message", "tickets: schema and login"});
    BOOST_TEST(out.find("committed") == 0u, out);
    BOOST_TEST(out.find("pushed") != std::string::npos, out);
    BOOST_TEST(git(origin, {"log", "-1", "--format=%s", "main"}) == "tickets: schema and login");
    std::string pushed = git(origin, {"show", "main:.tickets/" + a + ".md"});
    BOOST_TEST(pushed.find("status: closed") != std::string::npos, pushed);
    BOOST_TEST(git(clone, {"status", "--porcelain"}).empty());

    BOOST_TEST(issue({"commit"}) == "nothing to commit\n");
}

BOOST_AUTO_TEST_CASE(commit_takes_ticket_files_only_not_what_a_crash_left) {
    std::string a = std::string(trim(issue({"create", "Keep the temp file out"})));
    // What a writer killed between its temp file and the rename leaves.
    std::string stray = ".tickets/" + a + ".md.tmp.4242";
    std::ofstream(clone + "/" + stray) << "half a ticket";
    issue({"close", a});
    std::string out = issue({"commit"});
    BOOST_TEST(out.find("committed") == 0u, out);
    std::string tracked = git(origin, {"ls-tree", "-r", "--name-only", "main", ".tickets"});
    BOOST_TEST(tracked == ".tickets/" + a + ".md", tracked);
    BOOST_TEST(fs::exists(clone + "/" + stray), "left where it was, for a human to look at");
    // A deleted ticket is committed as deleted.
    fs::remove(clone + "/.tickets/" + a + ".md");
    BOOST_TEST(issue({"commit"}).find("committed") == 0u);
    BOOST_TEST(git(origin, {"ls-tree", "-r", "--name-only", "main", ".tickets"}).empty());
}

BOOST_AUTO_TEST_CASE(malformed_ticket_is_reported_and_the_others_still_listed) {
    std::string good = std::string(trim(issue({"create", "Good one"})));
    std::string bad = clone + "/.tickets/web-bad1.md";
    std::ofstream(bad) << "---\nid: web-bad1\nstatus: whenever\n---\n# Bad\n";
    std::ofstream(clone + "/.tickets/web-bin1.md") << std::string("---\n\0\0\0", 7);

    auto r = sb.fab({"issue", "list"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find(good) != std::string::npos, r.out);
    BOOST_TEST(r.err.find(bad + ":3: invalid status \"whenever\"") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("web-bin1.md:2: binary content") != std::string::npos, r.err);

    Json j = issue_json({"ready"});
    BOOST_TEST(ids(j) == std::vector<std::string>{good});
    BOOST_TEST(j["problems"].size() == 2u);

    auto upd = sb.fab({"issue", "close", "web-bad1"});
    BOOST_TEST(upd.code == 1);
    BOOST_TEST(upd.err.find(bad + ":3: invalid status") != std::string::npos, upd.err);
    BOOST_TEST(read_text(bad).find("whenever") != std::string::npos); // untouched

    auto missing = sb.fab({"issue", "show", "web-none"});
    BOOST_TEST(missing.code == 1);
    BOOST_TEST(missing.err.find("no ticket \"web-none\"") != std::string::npos, missing.err);

    auto bad_status = sb.fab({"issue", "list", "--status", "done"});
    BOOST_TEST(bad_status.code == 1);
    BOOST_TEST(bad_status.err.find("invalid status") != std::string::npos, bad_status.err);

    auto invalid = sb.fab({"issue", "create", "x", "--priority", "9"});
    BOOST_TEST(invalid.code == 1);
    BOOST_TEST(invalid.err.find("priority") != std::string::npos, invalid.err);
}

BOOST_AUTO_TEST_CASE(update_and_close_change_no_byte_of_a_malformed_ticket) {
    // Each parses line by line up to its fault; fab must still write nothing.
    std::map<std::string, std::string> bad = {
        {"web-idx1", "---\nid: web-other\nstatus: open\n---\n# Wrong id\n"},
        {"web-sta1", "---\nid: web-sta1\nstatus: whenever\n---\n# Bad status\n"},
        {"web-unt1", "---\nid: web-unt1\nstatus: open\n# never closed\n"},
    };
    fs::create_directories(clone + "/.tickets");
    for (const auto& [id, text] : bad) std::ofstream(clone + "/.tickets/" + id + ".md") << text;
    for (const auto& [id, text] : bad) {
        std::string path = clone + "/.tickets/" + id + ".md";
        for (std::vector<std::string> args :
             {std::vector<std::string>{"issue", "update", id, "--title", "New"},
              std::vector<std::string>{"issue", "close", id},
              std::vector<std::string>{"issue", "comment", id, "--body", "hello"}}) {
            auto r = sb.fab(args);
            BOOST_TEST(r.code == 1, join(args, " "));
            BOOST_TEST(r.err.find(path + ":") != std::string::npos, r.err);
            BOOST_TEST(r.err.find("left unchanged") != std::string::npos, r.err);
            BOOST_TEST(read_text(path) == text, join(args, " ") + " changed " + path);
        }
    }
}

BOOST_AUTO_TEST_CASE(tickets_symlinked_out_of_the_clone_are_refused) {
    std::string outside = sb.root() + "/elsewhere";
    fs::create_directories(outside);
    std::ofstream(outside + "/web-out1.md") << "---\nid: web-out1\nstatus: open\n---\n# Secret\n";
    fs::remove_all(clone + "/.tickets");
    fs::create_directory_symlink(outside, clone + "/.tickets");
    std::string want = clone + "/.tickets is a symlink out of the repository";

    auto list = sb.fab({"issue", "list"});
    BOOST_TEST(list.out.find("Secret") == std::string::npos, list.out);
    BOOST_TEST(list.err.find(want) != std::string::npos, list.err);
    auto create = sb.fab({"issue", "create", "Planted"});
    BOOST_TEST(create.code == 1);
    BOOST_TEST(create.err.find(want) != std::string::npos, create.err);
    auto close = sb.fab({"issue", "close", "web-out1"});
    BOOST_TEST(close.code == 1);
    BOOST_TEST(close.err.find(want) != std::string::npos, close.err);
    BOOST_TEST(read_text(outside + "/web-out1.md").find("status: open") != std::string::npos);
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(outside)) ++files;
    BOOST_TEST(files == 1u, "nothing written through the link");
    // The orchestrator's scan reads nothing through it either.
    auto ready = Json::parse(sb.fab({"issue", "ready", "--json"}).out, nullptr, false);
    BOOST_TEST(ready.dump().find("web-out1\"") == std::string::npos, ready.dump());
}

BOOST_AUTO_TEST_CASE(project_must_be_named_when_there_are_several) {
    std::string other = sb.make_repo("api");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", other}).code == 0);
    auto r = sb.fab({"issue", "list"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("web") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("api") != std::string::npos, r.err);
    std::string id = std::string(trim(issue({"create", "In api", "--project", "api"})));
    BOOST_TEST(id.starts_with("api-"), id);
    BOOST_TEST(fs::exists(sb.fab_dir() + "/projects/api/repo/.tickets/" + id + ".md"));
    BOOST_TEST(issue({"list", "--project", "web"}) == "no tickets\n");

    // api's origin is a non-bare repository that refuses the push: the
    // commit stays in the clone, with a warning.
    auto c = sb.fab({"issue", "commit", "--project", "api"});
    BOOST_TEST(c.code == 0, c.err);
    BOOST_TEST(c.out.find("committed") == 0u, c.out);
    BOOST_TEST(c.out.find("pushed") == std::string::npos, c.out);
    BOOST_TEST(c.err.find("git push") != std::string::npos, c.err);
    BOOST_TEST(git(sb.fab_dir() + "/projects/api/repo", {"log", "-1", "--format=%s"}) ==
               "tickets: update");
}

BOOST_AUTO_TEST_CASE(an_agents_tickets_live_in_its_worktree_and_travel_on_its_branch) {
    std::string in_clone = std::string(trim(issue({"create", "Shared"})));
    auto r = sb.fab({"agent", "create", "--project", "web", "--backend", "scripted", "--prompt",
                     "SCRIPT:say ready", "--json"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    std::string agent = Json::parse(r.out).value("id", "");
    std::string wt = sb.fab_dir() + "/projects/web/worktrees/wt-" + agent;
    BOOST_TEST_REQUIRE(wait_for([&] { return fs::exists(wt + "/README.md"); }));

    // As the agent (FAB_AGENT_ID set, no --project): its worktree, not the clone.
    sb.set_env("FAB_AGENT_ID", agent);
    std::string mine = std::string(trim(issue({"create", "Found while working"})));
    BOOST_TEST(mine != in_clone);
    BOOST_TEST(fs::exists(wt + "/.tickets/" + mine + ".md"));
    BOOST_TEST(!fs::exists(clone + "/.tickets/" + mine + ".md"));
    BOOST_TEST(ids(issue_json({"list"})) == std::vector<std::string>{mine});
    std::string out = issue({"commit", "--message", "tickets: found one"});
    BOOST_TEST(out.find("committed") == 0u, out);
    BOOST_TEST(out.find("pushed") == std::string::npos, out);
    BOOST_TEST(git(wt, {"log", "-1", "--format=%s", "fab/" + agent}) == "tickets: found one");
    BOOST_TEST(git(origin, {"log", "-1", "--format=%s", "main"}) == "initial");

    // Everyone else still sees the clone.
    sb.unset_env("FAB_AGENT_ID");
    BOOST_TEST(ids(issue_json({"list"})) == std::vector<std::string>{in_clone});
    BOOST_TEST(sb.fab({"agent", "abort", agent, "--force"}).code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
