// Agents end to end through the real daemon, hosts and hook, with the
// scripted agent (it speaks Claude Code's stream-json and runs hooks exactly
// as claude does). The real CLIs are covered by tests/e2e.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Project : AgentsFixture {
    std::string repo = start_project();

    // A commit of `file` on the agent's branch, made in its worktree.
    void commit_in(const std::string& wt, const std::string& file, const std::string& subject) {
        std::ofstream(wt + "/" + file) << "committed\n";
        sb.run({"git", "-C", wt, "add", file});
        BOOST_TEST_REQUIRE(sb.run({"git", "-C", wt, "commit", "-qm", subject}).code == 0);
    }

    void write_config(const std::string& text) {
        std::string cfg = read_text(sb.config_file());
        std::ofstream(sb.config_file()) << text << "\n" << cfg;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(agents, Project)

BOOST_AUTO_TEST_CASE(agent_runs_in_its_own_worktree_and_reports_usage) {
    std::string id = create("SCRIPT:say hello from the agent");
    BOOST_TEST_REQUIRE(wait_history(id, "assistant: hello from the agent"));
    BOOST_TEST(wait_for([&] { return agent(id)["usage"]["output_tokens"].get<int64_t>() > 0; }));
    Json a = agent(id);
    BOOST_TEST(a["backend"] == "scripted");
    BOOST_TEST(a["branch"] == "fab/" + id);
    BOOST_TEST(fs::exists(worktree(id) + "/README.md"));
    BOOST_TEST(a["usage"]["output_tokens"].get<int64_t>() > 0);
    BOOST_TEST(a["usage"]["cost_usd"].get<double>() > 0);
    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST(status["projects"][0]["agents_running"] == 1);
    BOOST_TEST(status["usage"]["output_tokens"].get<int64_t>() > 0);
    BOOST_TEST(fs::exists(sb.fab_dir() + "/agents/" + id + "/transcript.jsonl"));
}

BOOST_AUTO_TEST_CASE(follow_up_message_continues_the_session) {
    std::string id = create("SCRIPT:say first");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    BOOST_TEST(sb.fab({"agent", "send", id, "second", "message"}).code == 0);
    BOOST_TEST(wait_history(id, "assistant: Echo: second message"));
    // One process, one session: both turns report the same session id.
    std::set<std::string> sessions;
    for (const auto& line : split(sb.fab({"agent", "history", id, "--json"}).out, '\n')) {
        Json j = Json::parse(line, nullptr, false);
        for (auto& e : j.value("entries", Json::array()))
            if (e.contains("session_id")) sessions.insert(e["session_id"].get<std::string>());
    }
    BOOST_TEST(sessions.size() == 1u);
}

BOOST_AUTO_TEST_CASE(unruled_tool_waits_for_a_human_and_runs_when_allowed) {
    std::string id = create("SCRIPT:bash touch allowed.txt");
    std::string req = pending_permission();
    BOOST_TEST_REQUIRE(!req.empty());
    BOOST_TEST(!fs::exists(worktree(id) + "/allowed.txt"), "nothing runs before the answer");
    BOOST_TEST(agent(id)["pending_permissions"] == 1);
    auto r = sb.fab({"permission", "allow", req});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(wait_for([&] { return fs::exists(worktree(id) + "/allowed.txt"); }));
    BOOST_TEST(wait_history(id, "turn done"));
}

BOOST_AUTO_TEST_CASE(denied_tool_never_runs_and_the_model_reads_the_reason) {
    std::string id = create("SCRIPT:bash touch denied.txt");
    std::string req = pending_permission();
    BOOST_TEST_REQUIRE(!req.empty());
    BOOST_TEST(sb.fab({"permission", "deny", req, "--reason", "not today"}).code == 0);
    BOOST_TEST(wait_history(id, "tool error: not today"));
    BOOST_TEST(!fs::exists(worktree(id) + "/denied.txt"));
}

BOOST_AUTO_TEST_CASE(rule_decides_without_asking_anyone) {
    fs::create_directories(sb.fab_dir() + "/config");
    std::ofstream(sb.fab_dir() + "/config/permissions.ini")
        << "[rule \"touch ok\"]\ntool = Bash\naction = allow\npattern = touch ruled.txt\n"
        << "[rule \"no rm\"]\ntool = Bash\naction = deny\npattern = rm:*\n";
    std::string id = create("SCRIPT:bash touch ruled.txt\nSCRIPT:bash rm -f README.md");
    BOOST_TEST(wait_history(id, "turn done"));
    BOOST_TEST(fs::exists(worktree(id) + "/ruled.txt"));
    BOOST_TEST(fs::exists(worktree(id) + "/README.md"));
    BOOST_TEST(history(id).find("no rm") != std::string::npos, "the deny names its rule");
    BOOST_TEST(read_text(sb.fab_dir() + "/permissions.log").find("touch ok") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unanswered_permission_times_out_to_deny) {
    write_config("[defaults]\npermission-timeout = 1\n");
    std::string id = create("SCRIPT:bash touch late.txt");
    BOOST_TEST(wait_history(id, "no human answered", 20000));
    BOOST_TEST(!fs::exists(worktree(id) + "/late.txt"));
}

BOOST_AUTO_TEST_CASE(always_allow_adds_a_project_rule) {
    std::string id = create("SCRIPT:bash touch again.txt");
    std::string req = pending_permission();
    BOOST_TEST_REQUIRE(!req.empty());
    BOOST_TEST(sb.fab({"permission", "allow", req, "--always"}).code == 0);
    BOOST_TEST(wait_history(id, "turn done"));
    std::string rules = read_text(sb.fab_dir() + "/projects/web/permissions.ini");
    BOOST_TEST(rules.find("pattern = touch again.txt") != std::string::npos, rules);
    // The same call now runs without a question.
    BOOST_TEST(sb.fab({"agent", "send", id, "SCRIPT:bash touch again.txt"}).code == 0);
    BOOST_TEST(wait_for([&] {
        std::string h = history(id);
        return h.rfind("turn done") > h.rfind("you: SCRIPT:bash touch again.txt");
    }));
    BOOST_TEST(Json::parse(sb.fab({"permission", "list", "--json"}).out)["requests"].empty());
}

// `--always` for the commands `*` and `x:*`: the rule must allow exactly that
// command (a pattern read as "everything" or as the prefix x would allow far
// more), and the file must still parse (a broken one denies every call).
BOOST_AUTO_TEST_CASE(always_rules_stay_literal_and_exact) {
    std::string wt;
    for (const std::string cmd : {"*", "x:*"}) {
        std::string id = create("SCRIPT:bash " + cmd);
        wt = worktree(id);
        std::string req = pending_permission();
        BOOST_TEST_REQUIRE(!req.empty());
        auto r = sb.fab({"permission", "allow", req, "--always"});
        BOOST_TEST(r.code == 0, r.err);
        BOOST_TEST(wait_history(id, "turn done"));
    }
    std::string file = sb.fab_dir() + "/projects/web/permissions.ini";
    std::string rules = read_text(file);
    BOOST_TEST(rules.find("pattern = =*\n") != std::string::npos, rules);
    BOOST_TEST(rules.find("pattern = =x:*\n") != std::string::npos, rules);
    // The file parses, and each rule allows its command and nothing else,
    // through the real hook (an unknown agent: whatever no rule allows is denied
    // by the daemon).
    sb.set_env("FAB_AGENT_ID", "nobody");
    sb.set_env("FAB_PROJECT", "web");
    sb.set_env("FAB_WORKTREE", wt);
    auto decide = [&](const std::string& cmd) {
        Json in = {{"hook_event_name", "PreToolUse"},
                   {"cwd", wt},
                   {"tool_name", "Bash"},
                   {"tool_input", {{"command", cmd}}}};
        auto r = sb.run_input({build_path("fab"), "hook", "PreToolUse"}, in.dump(), wt);
        Json j = Json::parse(r.out, nullptr, false);
        BOOST_TEST_REQUIRE(j.is_object(), r.out << r.err);
        return j["hookSpecificOutput"];
    };
    for (const std::string cmd : {"*", "x:*"}) {
        Json d = decide(cmd);
        BOOST_TEST(d["permissionDecision"] == "allow", cmd);
        BOOST_TEST(d["permissionDecisionReason"].get<std::string>().find("always-Bash-") !=
                       std::string::npos,
                   d);
    }
    for (const std::string cmd : {"x", "x y", "x:* y", "x:", "**", "* x", "rm -rf x", "ls"}) {
        Json d = decide(cmd);
        BOOST_TEST(d["permissionDecision"] != "allow", cmd << ": " << d);
    }
    auto check = sb.fab({"permissions", "check", "--project", "web", "--worktree", wt, "--json",
                         "Bash", R"({"command":"x"})"});
    BOOST_TEST(check.code == 0, check.err);
    BOOST_TEST(Json::parse(check.out)["decision"] == "pass", check.out);
}

// A call no exact rule can cover is refused with --always (nothing is
// allowed, the file is unchanged), and can still be allowed once.
BOOST_AUTO_TEST_CASE(always_refuses_a_rule_that_could_not_match) {
    std::string id = create("SCRIPT:bash touch a.txt; touch b.txt");
    std::string req = pending_permission();
    BOOST_TEST_REQUIRE(!req.empty());
    std::string file = sb.fab_dir() + "/projects/web/permissions.ini";
    std::string before = fs::exists(file) ? read_text(file) : "";
    auto r = sb.fab({"permission", "allow", req, "--always"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find("could not add a rule, so nothing was allowed") != std::string::npos,
               r.err);
    BOOST_TEST((fs::exists(file) ? read_text(file) : "") == before);
    BOOST_TEST(sb.fab({"permission", "allow", req}).code == 0);
    BOOST_TEST(wait_history(id, "turn done"));
}

BOOST_AUTO_TEST_CASE(question_answered_from_the_cli_reaches_the_agent) {
    std::string id = create("SCRIPT:ask Which database?|Postgres|SQLite");
    std::string qid = sb.wait_question();
    BOOST_TEST_REQUIRE(!qid.empty());
    BOOST_TEST(sb.fab({"question", "list"}).out.find("1. Postgres") != std::string::npos);
    BOOST_TEST(sb.fab({"question", "answer", qid, "2"}).code == 0);
    BOOST_TEST(wait_history(id, "\"Which database?\"=\"SQLite\""));
}

BOOST_AUTO_TEST_CASE(daemon_killed_mid_turn_loses_nothing_and_counts_nothing_twice) {
    std::string id = create("SCRIPT:say before\nSCRIPT:sleep 2\nSCRIPT:say after the sleep");
    BOOST_TEST_REQUIRE(wait_history(id, "assistant: before"));
    int old = sb.daemon_pid();
    ::kill(old, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(wait_history(id, "assistant: after the sleep"));
    BOOST_TEST(wait_for([&] { return state(id) == "idle"; }));
    // (idle may come from the Stop hook, which runs before the turn's result)
    BOOST_TEST(wait_history(id, "turn done"));
    // Every transcript record exactly once, in order; usage = the sum of the
    // turn results (nothing counted twice across the restart).
    int64_t expect = 0, turn_input = 0;
    for (const auto& line : split(sb.fab({"agent", "history", id, "--json"}).out, '\n')) {
        Json j = Json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        BOOST_TEST_REQUIRE(j["offset"] == expect);
        ++expect;
        for (auto& e : j["entries"])
            if (e["kind"] == "turn_result")
                turn_input += e["usage"].value("input_tokens", int64_t{0});
    }
    BOOST_TEST(expect > 5);
    BOOST_TEST(turn_input > 0);
    BOOST_TEST(agent(id)["usage"]["input_tokens"] == turn_input);
}

BOOST_AUTO_TEST_CASE(abort_stops_the_agent_and_its_children) {
    std::string id = create("SCRIPT:bash sleep 300");
    std::string req = pending_permission();
    BOOST_TEST_REQUIRE(sb.fab({"permission", "allow", req}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(id, "tool Bash"));
    auto r = sb.fab({"agent", "abort", id});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    // No process of this agent is left (the Bash child ran in its own session).
    BOOST_TEST(wait_for([&] {
        for (int pid : sb.sandbox_processes())
            if (read_text("/proc/" + std::to_string(pid) + "/environ").find("FAB_AGENT_ID=" + id) !=
                std::string::npos)
                return false;
        return true;
    }));
    BOOST_TEST(sb.fab({"agent", "send", id, "more"}).err.find("aborted") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dirty_worktree_is_kept_and_reported_clean_one_removed) {
    std::string dirty = create("SCRIPT:say hi");
    std::string clean = create("SCRIPT:say hi");
    BOOST_TEST_REQUIRE(wait_history(dirty, "turn done"));
    BOOST_TEST_REQUIRE(wait_history(clean, "turn done"));
    std::ofstream(worktree(dirty) + "/wip.txt") << "work in progress\n";
    BOOST_TEST(sb.fab({"agent", "abort", dirty}).code == 0);
    BOOST_TEST(sb.fab({"agent", "abort", clean}).code == 0);
    BOOST_TEST(wait_for([&] {
        return agent(dirty).value("error", "").find("worktree kept") != std::string::npos;
    }));
    BOOST_TEST(fs::exists(worktree(dirty) + "/wip.txt"));
    BOOST_TEST(wait_for([&] { return !fs::exists(worktree(clean)); }));
}

BOOST_AUTO_TEST_CASE(abort_force_keeps_uncommitted_and_unmerged_work_and_reports_it) {
    std::string id = create("SCRIPT:say hi");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    std::string wt = worktree(id);
    commit_in(wt, "done.txt", "unmerged work");
    std::ofstream(wt + "/README.md", std::ios::app) << "uncommitted edit\n";
    std::ofstream(wt + "/new.txt") << "untracked\n";
    auto r = sb.fab({"agent", "abort", id, "--force"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    BOOST_TEST(wait_for([&] {
                   return agent(id)
                              .value("error", "")
                              .find("worktree kept at " + wt +
                                    ": uncommitted changes and 1 unmerged commit(s)") !=
                          std::string::npos;
               }),
               agent(id).dump());
    BOOST_TEST(read_text(wt + "/new.txt") == "untracked\n");
    BOOST_TEST(read_text(wt + "/README.md").find("uncommitted edit") != std::string::npos);
    auto log = sb.run({"git", "-C", wt, "log", "-1", "--format=%s", "fab/" + id});
    BOOST_TEST(trim(log.out) == "unmerged work");
    BOOST_TEST(sb.fab({"status"}).code == 0);
}

BOOST_AUTO_TEST_CASE(ended_agent_with_unmerged_commits_keeps_its_worktree_and_branch) {
    std::string id = create("SCRIPT:say hi");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    std::string wt = worktree(id);
    commit_in(wt, "c.txt", "only here");
    BOOST_TEST(sb.fab({"agent", "abort", id}).code == 0);
    BOOST_TEST(wait_for([&] {
        return agent(id).value("error", "").find("1 unmerged commit(s)") != std::string::npos;
    }));
    BOOST_TEST(fs::exists(wt + "/c.txt"));
    BOOST_TEST(trim(sb.run({"git", "-C", wt, "log", "-1", "--format=%s"}).out) == "only here");
}

BOOST_AUTO_TEST_CASE(missing_backend_program_is_a_clear_error) {
    sb.fab({"server", "stop"});
    sb.set_env("PATH", "/usr/bin:/bin");
    BOOST_TEST_REQUIRE(sb.run({build_path("fab"), "server", "start"}).code == 0);
    auto r = sb.fab({"agent", "create", "--project", "web", "--backend", "codex"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("codex not found in PATH") != std::string::npos, r.err);
    BOOST_TEST(Json::parse(sb.fab({"agent", "list", "--json"}).out)["agents"].empty());
}

BOOST_AUTO_TEST_CASE(max_agents_is_enforced) {
    BOOST_TEST(sb.fab({"project", "config", "set", "web", "max-agents", "1"}).code == 0);
    create("SCRIPT:say one");
    auto r = sb.fab({"agent", "create", "--project", "web", "--backend", "scripted"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("max-agents") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(attach_streams_live_output_and_replays_since_an_offset) {
    std::string id = create("SCRIPT:say first turn");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    BOOST_TEST_REQUIRE(c->handshake().ok());
    auto snap = c->request("attach", {{"since", {{id, 0}}}});
    BOOST_TEST_REQUIRE(snap.ok());
    BOOST_TEST((*snap)["agents"].size() == 1u);
    BOOST_TEST(sb.fab({"agent", "send", id, "live one"}).code == 0);
    std::vector<int64_t> offsets;
    bool saw_live = false;
    while (!saw_live) {
        auto line = c->read_line(20000);
        BOOST_TEST_REQUIRE(line.ok());
        Json ev = Json::parse(*line);
        if (ev.value("event", "") != "agent.output") continue;
        offsets.push_back(ev["offset"].get<int64_t>());
        for (auto& e : ev["entries"])
            if (e.value("text", "") == "Echo: live one") saw_live = true;
    }
    for (size_t i = 0; i < offsets.size(); ++i)
        BOOST_TEST_REQUIRE(offsets[i] == static_cast<int64_t>(i));
}

BOOST_AUTO_TEST_CASE(describe_from_inside_the_agent_shows_in_the_list) {
    std::string id = create("SCRIPT:say x");
    BOOST_TEST_REQUIRE(wait_history(id, "turn done"));
    sb.set_env("FAB_AGENT_ID", id);
    BOOST_TEST(sb.fab({"agent", "describe", "fixing", "the", "login", "bug"}).code == 0);
    BOOST_TEST(agent(id)["description"] == "fixing the login bug");
    sb.set_env("FAB_AGENT_ID", "");
    BOOST_TEST(sb.fab({"agent", "describe", "x"}).err.find("FAB_AGENT_ID") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(agent_watchdog, Project)

BOOST_AUTO_TEST_CASE(silent_agent_is_nudged_then_aborted) {
    write_config("[defaults]\nheartbeat-continue = 1\nheartbeat-abort = 3\n");
    std::string id = create("SCRIPT:sleep 30");
    BOOST_TEST(wait_history(id, "you: continue", 15000));
    BOOST_TEST(wait_for([&] { return state(id) == "aborted"; }, 20000));
    BOOST_TEST(agent(id).value("error", "").find("stalled") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(orphaned_worktree_and_branch_are_reported_at_start) {
    std::string clone = sb.fab_dir() + "/projects/web/repo";
    sb.run({"git", "-C", clone, "worktree", "add", "-q", "-b", "fab/azzzzz",
            sb.fab_dir() + "/projects/web/worktrees/wt-azzzzz", "HEAD"});
    BOOST_TEST_REQUIRE(sb.fab({"server", "restart"}).code == 0);
    BOOST_TEST(wait_for([&] {
        std::string log = read_text(sb.fab_dir() + "/fab.log");
        return log.find("orphaned worktree") != std::string::npos &&
               log.find("orphaned branch fab/azzzzz") != std::string::npos;
    }));
    BOOST_TEST(fs::exists(sb.fab_dir() + "/projects/web/worktrees/wt-azzzzz"),
               "reported, never deleted");
}

BOOST_AUTO_TEST_SUITE_END()
