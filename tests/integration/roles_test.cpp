// Planners, stored plans, the manager and the director, through the real
// daemon, hosts and hook with the scripted agent (daemon/roles). The real
// claude CLI in plan mode is covered by tests/e2e/test-planner-claude.sh.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Roles : AgentsFixture {
    Roles() {
        start_project();
        // Every role picks its CLI from the config: the scripted stand-in here.
        BOOST_TEST_REQUIRE(
            sb.fab({"project", "config", "set", "web", "agent-backend", "scripted"}).code == 0);
    }

    Json run_json(const std::vector<std::string>& args) {
        auto r = sb.fab(args);
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
        return Json::parse(r.out);
    }
    std::string start_planner(const std::string& prompt) {
        return run_json({"agent", "plan", "--project", "web", "--json", prompt}).value("id", "");
    }
    std::string manager_dir() { return sb.fab_dir() + "/projects/web/manager/wt-manager"; }
    // A started manager with a commit of its own (plan.txt) on fab-manager.
    std::string manager_with_a_commit() {
        Json s = run_json({"manager", "start", "web", "--json"});
        std::string id = s["agent"].value("id", "");
        BOOST_TEST_REQUIRE(wait_history(id, "You are the fab manager of project"));
        std::ofstream(manager_dir() + "/plan.txt") << "committed\n";
        sb.run({"git", "-C", manager_dir(), "add", "plan.txt"});
        BOOST_TEST_REQUIRE(
            sb.run({"git", "-C", manager_dir(), "commit", "-qm", "manager's notes"}).code == 0);
        return id;
    }
};

std::string first_line_of(const std::string& path) {
    std::string text = read_text(path);
    return text.substr(0, text.find('\n'));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(roles, Roles)

BOOST_AUTO_TEST_CASE(planner_writes_its_plan_which_reads_back_and_never_edits) {
    // A task agent fills max-agents; a planner does not count against it.
    BOOST_TEST_REQUIRE(sb.fab({"project", "config", "set", "web", "max-agents", "1"}).code == 0);
    BOOST_TEST_REQUIRE(
        sb.fab({"agent", "create", "--project", "web", "--prompt", "SCRIPT:sleep 60"}).code == 0);
    std::string id =
        start_planner("SCRIPT:write notes.txt scribble\n"
                      "SCRIPT:bash printf '# Fix the login\\n\\n1. Reproduce it\\n2. Fix it\\n' | "
                      "\"$FAB_BIN\" plan write");
    BOOST_TEST_REQUIRE(!id.empty());
    Json a = agent(id);
    BOOST_TEST(a["kind"] == "plan");
    BOOST_TEST(a["backend"] == "scripted");
    // The planner prompt (share/planner.md) leads its first message.
    std::string planner_md = first_line_of(std::string(FAB_SOURCE_ROOT) + "/share/planner.md");
    BOOST_TEST(wait_history(id, planner_md.substr(2)), planner_md);
    // Edits are refused by fab whatever the rules say.
    BOOST_TEST(wait_history(id, "a planner does not change files"));
    BOOST_TEST(!fs::exists(a.value("worktree", "") + "/notes.txt"));
    // The piped `fab plan write` is no quoted here-document: a human allows it.
    std::string req = pending_permission();
    BOOST_TEST_REQUIRE(!req.empty());
    BOOST_TEST_REQUIRE(sb.fab({"permission", "allow", req}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));

    std::string file = sb.fab_dir() + "/plans/" + id + ".md";
    BOOST_TEST_REQUIRE(fs::exists(file));
    std::string text = read_text(file);
    BOOST_TEST(text.rfind("---\nid: " + id + "\nagent: " + id + "\nproject: web\ncreated: ", 0) ==
                   0,
               text);
    BOOST_TEST(text.find("title: Fix the login\n") != std::string::npos, text);
    BOOST_TEST(sb.fab({"plan", "read", id}).out ==
               "# Fix the login\n\n1. Reproduce it\n2. Fix it\n");
    Json p = run_json({"plan", "read", id, "--json"});
    BOOST_TEST(p["source"] == "fab plan write");
    BOOST_TEST(p["project"] == "web");
    Json list = run_json({"plan", "list", "--json"});
    BOOST_TEST_REQUIRE(list["plans"].size() == 1u);
    BOOST_TEST(list["plans"][0]["id"] == id);
    BOOST_TEST(list["plans"][0]["title"] == "Fix the login");
    BOOST_TEST(run_json({"plan", "list", "--project", "other", "--json"})["plans"].empty());
    BOOST_TEST(sb.fab({"plan", "list"}).out.find("Fix the login") != std::string::npos);

    Json planners = run_json({"agent", "plan", "list", "--json"});
    BOOST_TEST_REQUIRE(planners["agents"].size() == 1u);
    BOOST_TEST(planners["agents"][0]["id"] == id);
    BOOST_TEST(sb.fab({"agent", "plan", "stop", id}).code == 0);
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    BOOST_TEST(fs::exists(file), "the plan outlives its planner");
}

BOOST_AUTO_TEST_CASE(exit_plan_mode_is_stored_and_plan_run_hands_it_to_a_task_agent) {
    BOOST_TEST_REQUIRE(
        sb.fab({"project", "config", "set", "web", "planner-backend", "scripted"}).code == 0);
    std::string id = start_planner("SCRIPT:plan # Ship the widget");
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.fab({"plan", "read", id}).code == 0; }));
    Json p = run_json({"plan", "read", id, "--json"});
    BOOST_TEST(p["source"] == "ExitPlanMode");
    BOOST_TEST(p["body"] == "# Ship the widget\n");
    BOOST_TEST(p["title"] == "Ship the widget");
    // ExitPlanMode itself waits for a human, like on the real CLI.
    BOOST_TEST(!pending_permission().empty());

    Json task = run_json({"plan", "run", id, "--json"});
    std::string tid = task.value("id", "");
    BOOST_TEST(task["kind"] == "task");
    BOOST_TEST(wait_history(tid, "Carry out this plan (fab plan " + id + ")"));
    BOOST_TEST(history(tid).find("# Ship the widget") != std::string::npos);
    auto r = sb.fab({"agent", "plan", "stop", tid});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("no planner") != std::string::npos, r.err);
    r = sb.fab({"plan", "read", "nosuch"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("no plan \"nosuch\"") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(plan_by_hand_becomes_tickets_and_a_broken_plan_file_is_named) {
    auto r = sb.run_input(
        {build_path("fab"), "plan", "write", "--project", "web", "--title", "Hand made"},
        "Intro.\n\n1. First step\n   detail a\n2) Second step\n\n# Risks\n"
        "- not a step\n");
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    Json list = run_json({"plan", "list", "--json"});
    BOOST_TEST_REQUIRE(list["plans"].size() == 1u);
    BOOST_TEST(list["plans"][0]["title"] == "Hand made");
    std::string pid = list["plans"][0].value("id", "");

    Json t = run_json({"plan", "tickets", pid, "--json"});
    std::string tickets = sb.fab_dir() + "/projects/web/repo/.tickets/";
    std::string epic = t["epic"].value("id", "");
    BOOST_TEST_REQUIRE(t["children"].size() == 2u);
    BOOST_TEST(t["children"][0]["title"] == "First step");
    BOOST_TEST(t["children"][1]["title"] == "Second step");
    std::string first = t["children"][0].value("id", "");
    std::string second_text = read_text(tickets + t["children"][1].value("id", "") + ".md");
    BOOST_TEST(second_text.find("parent: " + epic) != std::string::npos, second_text);
    BOOST_TEST(second_text.find(first) != std::string::npos,
               "the second step depends on the first");
    BOOST_TEST(read_text(tickets + first + ".md").find("detail a") != std::string::npos);
    std::string epic_text = read_text(tickets + epic + ".md");
    BOOST_TEST(epic_text.find("type: epic") != std::string::npos, epic_text);
    BOOST_TEST(epic_text.find("# Hand made") != std::string::npos, epic_text);
    r = sb.run_input({build_path("fab"), "plan", "write", "--project", "web"}, "  \n");
    BOOST_TEST(r.code == 1);
    std::ofstream(sb.fab_dir() + "/plans/broken.md") << "---\nid: broken\nno colon here\n---\nx\n";
    r = sb.fab({"plan", "list"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.err.find("broken.md:3:") != std::string::npos, r.err);
    BOOST_TEST(r.out.find("Hand made") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(manager_persists_across_a_daemon_restart_and_clear_starts_fresh) {
    Json s = run_json({"manager", "start", "web", "--json"});
    std::string id = s["agent"].value("id", "");
    BOOST_TEST(s["existing"] == false);
    BOOST_TEST(s["agent"]["kind"] == "manager");
    BOOST_TEST(s["agent"]["worktree"] == manager_dir());
    BOOST_TEST(fs::exists(manager_dir() + "/README.md"));
    BOOST_TEST(wait_history(id, "You are the fab manager of project"));
    Json again = run_json({"manager", "start", "web", "--json"});
    BOOST_TEST(again["existing"] == true);
    BOOST_TEST(again["agent"]["id"] == id);
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "remember", "pineapple"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(id, "Echo: remember pineapple"));

    // A restarted daemon re-attaches to the same manager, history and all.
    BOOST_TEST_REQUIRE(sb.fab({"server", "restart"}).code == 0);
    again = run_json({"manager", "start", "web", "--json"});
    BOOST_TEST(again["existing"] == true);
    BOOST_TEST(again["agent"]["id"] == id);
    BOOST_TEST(history(id).find("Echo: remember pineapple") != std::string::npos);
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:recall"}).code == 0);
    BOOST_TEST(wait_history(id, "last user message: remember pineapple"));

    // Its Bash runs fab commands, and nothing else.
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:bash touch outside.txt"}).code == 0);
    BOOST_TEST(wait_history(id, "manager agent may only run commands matching [manager]"));
    BOOST_TEST(!fs::exists(manager_dir() + "/outside.txt"));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:bash fab manager status web"}).code ==
                       0);
    BOOST_TEST(wait_history(id, "the manager of web: agent " + id));
    // Tickets it files land in the project's clone, where the orchestrator
    // sees them (its own branch is never merged).
    BOOST_TEST_REQUIRE(
        sb.fab({"agent", "send", id, "SCRIPT:bash fab issue create 'Filed by the manager'"}).code ==
        0);
    BOOST_TEST(wait_for([&] {
        return sb.fab({"issue", "list", "--project", "web"}).out.find("Filed by the manager") !=
               std::string::npos;
    }));

    // clear: a new agent with a new session, in the same (kept) worktree.
    Json c = run_json({"manager", "clear", "web", "--json"});
    std::string fresh = c["agent"].value("id", "");
    BOOST_TEST(fresh != id);
    BOOST_TEST(c["previous"] == id);
    BOOST_TEST(c["agent"]["session_id"] != again["agent"]["session_id"]);
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    BOOST_TEST(fs::exists(manager_dir() + "/README.md"), "the manager's worktree is kept");
    BOOST_TEST_REQUIRE(wait_history(fresh, "You are the fab manager of project"));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", fresh, "SCRIPT:recall"}).code == 0);
    BOOST_TEST(wait_history(fresh, "Recall: "));
    BOOST_TEST(history(fresh).find("pineapple") == std::string::npos);

    // stop, then start: a new agent that continues the same session.
    std::string session = agent(fresh).value("session_id", "");
    auto st = sb.fab({"manager", "stop", "web"});
    BOOST_TEST(st.out.find("stopping the manager of web (agent " + fresh + ")") !=
                   std::string::npos,
               st.out);
    BOOST_TEST(wait_for([&] { return state(fresh) == "aborted"; }, 20000));
    BOOST_TEST(run_json({"manager", "status", "web", "--json"})["running"] == false);
    Json back = run_json({"manager", "start", "web", "--json"});
    BOOST_TEST(back["resumed"] == true);
    BOOST_TEST(back["agent"]["session_id"] == session);
}

BOOST_AUTO_TEST_CASE(manager_clear_keeps_uncommitted_and_unmerged_work) {
    std::string id = manager_with_a_commit();
    std::string wt = manager_dir();
    std::ofstream(wt + "/draft.txt") << "not committed\n";
    std::ofstream(wt + "/README.md", std::ios::app) << "edited\n";

    Json c = run_json({"manager", "clear", "web", "--json"});
    std::string fresh = c["agent"].value("id", "");
    BOOST_TEST(fresh != id);
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    BOOST_TEST_REQUIRE(wait_history(fresh, "You are the fab manager of project"));
    BOOST_TEST(read_text(wt + "/draft.txt") == "not committed\n");
    BOOST_TEST(read_text(wt + "/README.md").find("edited") != std::string::npos);
    auto log = sb.run({"git", "-C", wt, "log", "-1", "--format=%s", "fab-manager"});
    BOOST_TEST(trim(log.out) == "manager's notes");
    BOOST_TEST(c["agent"]["worktree"] == wt);
}

BOOST_AUTO_TEST_CASE(manager_worktree_deleted_by_hand_comes_back_with_its_branch) {
    std::string id = manager_with_a_commit();
    std::string wt = manager_dir();
    BOOST_TEST_REQUIRE(sb.fab({"manager", "stop", "web"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "aborted"; }, 20000));
    fs::remove_all(wt);
    // A new worktree on the same branch: its commits were never deleted.
    Json again = run_json({"manager", "start", "web", "--json"});
    BOOST_TEST(read_text(wt + "/plan.txt") == "committed\n");
    auto log = sb.run({"git", "-C", wt, "log", "-1", "--format=%s"});
    BOOST_TEST(trim(log.out) == "manager's notes");
}

BOOST_AUTO_TEST_CASE(manager_place_taken_by_a_plain_directory_is_left_alone) {
    std::string wt = manager_dir();
    fs::create_directories(wt);
    std::ofstream(wt + "/mine.txt") << "not fab's\n";
    auto r = sb.fab({"manager", "start", "web"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find(wt + " already exists") != std::string::npos, r.err);
    BOOST_TEST(read_text(wt + "/mine.txt") == "not fab's\n");
}

BOOST_AUTO_TEST_CASE(manager_resumes_its_session_when_its_host_is_gone) {
    std::string id = run_json({"manager", "start", "web", "--json"})["agent"].value("id", "");
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "remember", "mango"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(id, "Echo: remember mango"));
    // A reboot: the daemon, the host and the CLI all gone.
    BOOST_TEST_REQUIRE(sb.fab({"server", "stop"}).code == 0);
    sb.kill_sandbox_processes();
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.sandbox_processes().empty(); }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    // The daemon tries the dead host's socket for up to 10 s first.
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "failed"; }, 30000), state(id));
    Json s = run_json({"manager", "start", "web", "--json"});
    BOOST_TEST(s["resumed"] == true);
    BOOST_TEST(s["agent"]["id"] == id);
    BOOST_TEST_REQUIRE(wait_for([&] { return state(id) == "idle"; }, 30000), state(id));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:recall"}).code == 0);
    BOOST_TEST(wait_history(id, "last user message: remember mango"));
}

BOOST_AUTO_TEST_CASE(director_is_one_global_agent_limited_to_fab_commands) {
    BOOST_TEST_REQUIRE(
        sb.fab({"project", "config", "set", "web", "agent-backend", "claude"}).code == 0);
    {
        std::string cfg = read_text(sb.config_file());
        std::ofstream(sb.config_file()) << "[defaults]\nagent-backend = scripted\n" << cfg;
    }
    Json s = run_json({"director", "start", "--json"});
    std::string id = s["agent"].value("id", "");
    BOOST_TEST(s["agent"]["kind"] == "director");
    BOOST_TEST(s["agent"]["backend"] == "scripted");
    BOOST_TEST(s["agent"]["worktree"] == sb.fab_dir() + "/director");
    BOOST_TEST(run_json({"director", "start", "--json"})["agent"]["id"] == id);
    BOOST_TEST(wait_history(id, "You are the fab director"));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:bash touch x.txt"}).code == 0);
    BOOST_TEST(wait_history(id, "director agent may only run commands matching [manager]"));
    BOOST_TEST_REQUIRE(sb.fab({"agent", "send", id, "SCRIPT:bash fab project list --json"}).code ==
                       0);
    BOOST_TEST(wait_history(id, "\"name\":\"web\""), history(id));
    BOOST_TEST(run_json({"director", "status", "--json"})["running"] == true);
    BOOST_TEST(sb.fab({"director", "stop"}).code == 0);
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    BOOST_TEST(fs::exists(sb.fab_dir() + "/director"));
    auto r = sb.fab({"manager", "start", "nosuch"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("no project \"nosuch\"") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(the_hook_lets_a_planner_store_its_plan_and_nothing_else) {
    BOOST_TEST_REQUIRE(sb.fab({"permissions", "init"}).code == 0);
    sb.set_env("FAB_AGENT_ID", "a-planner");
    sb.set_env("FAB_AGENT_KIND", "plan");
    sb.set_env("FAB_WORKTREE", sb.root());                     // as fab sets it for every agent
    sb.set_env("FAB_SOCKET_PATH", sb.root() + "/nobody.sock"); // undecided → deny, not ask
    auto decide = [&](const std::string& tool, const Json& input) {
        Json in = {{"hook_event_name", "PreToolUse"},
                   {"cwd", sb.root()},
                   {"tool_name", tool},
                   {"tool_input", input},
                   {"tool_use_id", "toolu_1"}};
        auto r = sb.run_input({build_path("fab"), "hook", "PreToolUse"}, in.dump());
        Json j = Json::parse(r.out, nullptr, false);
        BOOST_TEST_REQUIRE(j.is_object(), r.out << r.err);
        return j["hookSpecificOutput"].value("permissionDecision", "");
    };
    auto bash = [&](const std::string& cmd) { return decide("Bash", {{"command", cmd}}); };
    // The rules allow writing in the worktree; a planner still may not.
    BOOST_TEST(decide("Write", {{"file_path", sb.root() + "/x"}, {"content", "x"}}) == "deny");
    BOOST_TEST(decide("Edit", {{"file_path", sb.root() + "/x"}}) == "deny");
    BOOST_TEST(decide("Read", {{"file_path", sb.root() + "/x"}}) == "allow");
    BOOST_TEST(bash("fab plan write <<'PLAN'\n# P\n1. a\nPLAN") == "allow");
    BOOST_TEST(bash("\"$FAB_BIN\" plan write --title 'T' <<\"EOF\"\nbody\nEOF\n") == "allow");
    // An unquoted tag expands $(…); more after the tag; the tag inside; other commands.
    BOOST_TEST(bash("fab plan write <<PLAN\n$(rm -rf ~)\nPLAN") == "deny");
    BOOST_TEST(bash("fab plan write <<'PLAN'\nx\nPLAN\nrm -rf ~") == "deny");
    BOOST_TEST(bash("fab plan write <<'PLAN'\nx\nPLAN\nrm -rf ~\nPLAN") == "deny");
    BOOST_TEST(bash("fab plan write <<'PLAN' ; rm -rf ~\nx\nPLAN") == "deny");
    BOOST_TEST(bash("fab plan read x <<'PLAN'\nx\nPLAN") == "deny");
    BOOST_TEST(bash("ls") == "allow", "other commands follow the rules");
}

BOOST_AUTO_TEST_SUITE_END()
