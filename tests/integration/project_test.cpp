// fab project add|list|remove|config through the real CLI and daemon.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {
struct Started {
    Sandbox sb;
    Started() { BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0); }
    std::string project_dir(const std::string& n) { return sb.fab_dir() + "/projects/" + n; }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(projects, Started)

BOOST_AUTO_TEST_CASE(add_local_repository_clones_and_registers_it) {
    std::string src = sb.make_repo("web");
    auto r = sb.fab({"project", "add", src, "--max-agents", "4", "--autostart"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("added project web") == 0u, r.out);
    BOOST_TEST(fs::exists(project_dir("web") + "/repo/README.md"));
    std::string cfg = read_text(sb.config_file());
    BOOST_TEST(cfg.find("[project \"web\"]") != std::string::npos, cfg);
    BOOST_TEST(cfg.find("remote-url = " + src) != std::string::npos, cfg);
    BOOST_TEST(cfg.find("max-agents = 4") != std::string::npos, cfg);

    auto list = Json::parse(sb.fab({"project", "list", "--json"}).out);
    BOOST_TEST_REQUIRE(list["projects"].size() == 1u);
    BOOST_TEST(list["projects"][0]["name"] == "web");
    BOOST_TEST(list["projects"][0]["max_agents"] == 4);
    BOOST_TEST(list["projects"][0]["autostart"] == true);
    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST(status["projects"][0]["name"] == "web");
}

BOOST_AUTO_TEST_CASE(relative_path_and_name_option_work) {
    sb.make_repo("api");
    auto r = sb.run({build_path("fab"), "project", "add", "./api", "--name", "backend"}, sb.root());
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(fs::exists(project_dir("backend") + "/repo/.git"));
    BOOST_TEST(sb.fab({"project", "config", "get", "backend", "remote-url"}).out ==
               sb.root() + "/api\n");
}

BOOST_AUTO_TEST_CASE(duplicate_name_is_an_error_and_changes_nothing) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    std::string before = read_text(sb.config_file());
    auto r = sb.fab({"project", "add", src});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("project \"web\" already exists") != std::string::npos, r.err);
    BOOST_TEST(read_text(sb.config_file()) == before);
}

BOOST_AUTO_TEST_CASE(non_repository_is_refused_and_leaves_nothing_behind) {
    fs::create_directories(sb.root() + "/plain");
    auto r = sb.fab({"project", "add", sb.root() + "/plain"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("not a git repository") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(project_dir("plain")));
    auto missing = sb.fab({"project", "add", sb.root() + "/nowhere"});
    BOOST_TEST(missing.err.find("no such directory") != std::string::npos, missing.err);
    bool registered = fs::exists(sb.config_file()) &&
                      read_text(sb.config_file()).find("[project") != std::string::npos;
    BOOST_TEST(!registered);
}

BOOST_AUTO_TEST_CASE(failed_clone_from_url_removes_the_partial_directory) {
    auto r = sb.fab({"project", "add", "file:///nonexistent/repo.git"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("git clone failed") != std::string::npos, r.err);
    BOOST_TEST(wait_for([&] { return !fs::exists(project_dir("repo")); }));
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].empty());
}

BOOST_AUTO_TEST_CASE(invalid_option_value_names_the_allowed_values) {
    std::string src = sb.make_repo("web");
    auto r = sb.fab({"project", "add", src, "--merge-strategy", "squash"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("direct, pull-request") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(project_dir("web")));
}

BOOST_AUTO_TEST_CASE(config_set_validates_writes_and_keeps_comments) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    // The user adds comments by hand; a later set must keep them.
    std::string cfg = read_text(sb.config_file());
    std::ofstream(sb.config_file())
        << "# my fab settings\n[defaults]\n; three is plenty\nmax-agents = 3\n\n"
        << cfg;
    auto bad = sb.fab({"project", "config", "set", "web", "max-agents", "0"});
    BOOST_TEST(bad.code == 1);
    BOOST_TEST(bad.err.find("1 to 100") != std::string::npos, bad.err);
    auto unknown = sb.fab({"project", "config", "set", "web", "colour", "red"});
    BOOST_TEST(unknown.err.find("unknown key \"colour\"") != std::string::npos, unknown.err);
    auto ok = sb.fab({"project", "config", "set", "web", "max-agents", "7"});
    BOOST_TEST(ok.code == 0, ok.err);
    std::string after = read_text(sb.config_file());
    BOOST_TEST(after.find("# my fab settings\n[defaults]\n; three is plenty\n") == 0u, after);
    BOOST_TEST(after.find("max-agents = 7") != std::string::npos, after);
    BOOST_TEST(sb.fab({"project", "config", "get", "web", "max-agents"}).out == "7\n");
    // Inherited values say where they come from.
    auto show = Json::parse(sb.fab({"project", "config", "show", "web", "--json"}).out);
    bool saw_backend = false;
    for (auto& v : show["projects"][0]["values"])
        if (v["key"] == "coding-backend") {
            saw_backend = true;
            BOOST_TEST(v["value"] == "claude");
        }
    BOOST_TEST(saw_backend);
}

BOOST_AUTO_TEST_CASE(hand_edits_are_picked_up_and_broken_ones_reported_with_line) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    std::string cfg = read_text(sb.config_file());
    std::ofstream(sb.config_file()) << cfg << "\n[project \"other\"]\nremote-url = /x\n";
    auto list = Json::parse(sb.fab({"project", "list", "--json"}).out);
    BOOST_TEST(list["projects"].size() == 2u);
    std::ofstream(sb.config_file()) << cfg << "max-agents = lots\n";
    int bad_line = 0;
    for (char ch : cfg) bad_line += ch == '\n';
    auto r = sb.fab({"project", "list"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find(sb.config_file() + ":" + std::to_string(bad_line + 1) + ":") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(sb.fab({"status"}).code == 0, "the daemon keeps running on a broken edit");
}

BOOST_AUTO_TEST_CASE(remove_refuses_uncommitted_work_unless_forced) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    std::ofstream(project_dir("web") + "/repo/wip.txt") << "unsaved work\n";
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("uncommitted changes") != std::string::npos, r.err);
    BOOST_TEST(fs::exists(project_dir("web") + "/repo/wip.txt"));
    auto keep = sb.fab({"project", "remove", "web", "--keep-files"});
    BOOST_TEST(keep.code == 0, keep.err);
    BOOST_TEST(fs::exists(project_dir("web") + "/repo/wip.txt"));
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].empty());
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_clone) {
    std::string src = sb.make_repo("web");
    BOOST_TEST_REQUIRE(sb.fab({"project", "add", src}).code == 0);
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(!fs::exists(project_dir("web")));
    BOOST_TEST(fs::exists(src + "/README.md"), "the user's repository is untouched");
    BOOST_TEST(sb.fab({"project", "remove", "web"}).err.find("no project \"web\"") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(failed_add_into_an_existing_directory_leaves_it_intact) {
    std::string src = sb.make_repo("web");
    // Left by `project remove --keep-files`, or made by hand: never fab's to delete.
    fs::create_directories(project_dir("web") + "/repo");
    std::ofstream(project_dir("web") + "/notes.txt") << "mine\n";
    auto r = sb.fab({"project", "add", src});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find(project_dir("web") + " already exists") != std::string::npos, r.err);
    BOOST_TEST(read_text(project_dir("web") + "/notes.txt") == "mine\n");
    BOOST_TEST(fs::exists(project_dir("web") + "/repo"));
    // A clone that fails removes only the directory it made itself.
    auto bad = sb.fab({"project", "add", "file:///nonexistent/repo.git", "--name", "other"});
    BOOST_TEST(bad.code == 1);
    BOOST_TEST(!fs::exists(project_dir("other")));
    BOOST_TEST(read_text(project_dir("web") + "/notes.txt") == "mine\n");
}

BOOST_AUTO_TEST_CASE(project_commands_need_the_daemon) {
    BOOST_TEST(sb.fab({"server", "stop"}).code == 0);
    auto r = sb.fab({"project", "list"});
    BOOST_TEST(r.code == 3);
    BOOST_TEST(r.err.find("fab server start") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// Removing a project whose agents are at work: scripted agents in a project
// cloned from a bare origin.
namespace {
struct Working : AgentsFixture {
    std::string origin, clone;
    Working() {
        origin = sb.make_origin();
        BOOST_TEST_REQUIRE(!origin.empty());
        clone = sb.fab_dir() + "/projects/web/repo";
        sb.allow_all_bash();
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        auto r = sb.fab({"project", "add", origin, "--name", "web"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    std::string git(const std::string& dir, const std::vector<std::string>& args) {
        return sb.git(dir, args);
    }
    // An agent with a commit on its branch, an edited README.md and a new
    // file, idle after its turn.
    std::string busy_agent() {
        std::string a = create("SCRIPT:bash printf 'from a\\n' > a.txt && git add a.txt && git "
                               "commit -qm 'add a' && printf 'draft\\n' >> README.md && printf "
                               "'new\\n' > untracked.txt");
        BOOST_TEST_REQUIRE(wait_for(
                               [&] {
                                   return history(a).find("turn done") != std::string::npos &&
                                          state(a) == "idle";
                               },
                               30000),
                           history(a));
        return a;
    }
    // Processes of the sandbox other than the daemon (agent hosts and CLIs).
    std::vector<int> agent_processes() {
        std::vector<int> v;
        for (int pid : sb.sandbox_processes())
            if (pid != sb.daemon_pid()) v.push_back(pid);
        return v;
    }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(project_remove, Working)

BOOST_AUTO_TEST_CASE(
    remove_lists_live_agents_dirty_worktrees_unmerged_branches_and_unpushed_commits) {
    std::string a = busy_agent();
    // A commit on the clone's main that origin lacks.
    std::ofstream(clone + "/local.txt") << "local\n";
    sb.run({"git", "-C", clone, "add", "local.txt"});
    sb.run({"git", "-C", clone, "commit", "-qm", "local only"});

    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("agent " + a + " (task, idle) is running in " + worktree(a)) !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("uncommitted changes in " + worktree(a) + " (branch fab/" + a +
                          "): README.md, untracked.txt") != std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("branch fab/" + a + ": 1 commit not merged into main") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("branch main: 1 commit that origin lacks") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("--force stops the project's agents") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(sb.fab_dir() + "/attic/web-<time>/") != std::string::npos, r.err);
    BOOST_TEST(state(a) == "idle", "the agent keeps working");
    BOOST_TEST(fs::exists(worktree(a) + "/untracked.txt"));
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(force_stops_the_agents_saves_branches_and_changes_then_deletes) {
    std::string a = busy_agent();
    std::string branch_commit = git(worktree(a), {"rev-parse", "HEAD"});
    std::ofstream(clone + "/local.txt") << "local\n";
    sb.run({"git", "-C", clone, "add", "local.txt"});
    sb.run({"git", "-C", clone, "commit", "-qm", "local only"});
    std::ofstream(clone + "/clone-wip.txt") << "wip in the clone\n";
    // An ignored file of the agent's (dirty) worktree: no patch holds it.
    std::ofstream(clone + "/.git/info/exclude", std::ios::app) << "local.env\n";
    std::ofstream(worktree(a) + "/local.env") << "KEY=kept\n";
    // Something the agent left running in its own session, in its worktree.
    BOOST_TEST_REQUIRE(
        sb.fab({"agent", "send", a, "SCRIPT:bash (setsid sleep 300 >/dev/null 2>&1 &)"}).code == 0);
    BOOST_TEST_REQUIRE(wait_for([&] {
        for (int pid : agent_processes())
            if (read_text("/proc/" + std::to_string(pid) + "/cmdline").rfind("sleep", 0) == 0)
                return true;
        return false;
    }));
    std::vector<int> agents = agent_processes();
    BOOST_TEST_REQUIRE(!agents.empty());

    auto r = sb.fab({"project", "remove", "web", "--force"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    for (int pid : agents) BOOST_TEST(!process_alive(pid), "agent process " << pid << " is gone");
    BOOST_TEST(state(a) == "aborted");
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/projects/web"));
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].empty());

    // The attic's path is printed, before the deletion is reported.
    std::string prefix = "saved work in ";
    auto at = r.out.find(prefix);
    BOOST_TEST_REQUIRE(at == 0u, r.out);
    std::string attic = r.out.substr(prefix.size(), r.out.find('\n') - prefix.size());
    if (!attic.empty() && attic.back() == '/') attic.pop_back();
    BOOST_TEST(attic.rfind(sb.fab_dir() + "/attic/web-", 0) == 0u, attic);
    BOOST_TEST(r.out.find("removed project web and deleted") != std::string::npos, r.out);
    BOOST_TEST(fs::exists(attic + "/MANIFEST.txt"));

    // The bundle verifies and holds the branch's commit and main's.
    std::string bundle = attic + "/branches.bundle";
    std::string seed = sb.root() + "/seed";
    BOOST_TEST(sb.run({"git", "-C", seed, "bundle", "verify", "-q", bundle}).code == 0);
    std::string heads = sb.run({"git", "-C", seed, "bundle", "list-heads", bundle}).out;
    BOOST_TEST(heads.find(branch_commit + " refs/heads/fab/" + a) != std::string::npos, heads);
    BOOST_TEST(heads.find("refs/heads/main") != std::string::npos, heads);
    std::string back = sb.root() + "/restored";
    BOOST_TEST_REQUIRE(sb.run({"git", "clone", "-q", "-b", "fab/" + a, bundle, back}).code == 0);
    BOOST_TEST(git(back, {"log", "-1", "--format=%s"}) == "add a");

    // The patch holds the edit and the new file and applies on the branch.
    std::string patch = attic + "/wt-" + a + ".patch";
    std::string text = read_text(patch);
    BOOST_TEST(text.find("README.md") != std::string::npos, text);
    BOOST_TEST(text.find("untracked.txt") != std::string::npos, text);
    BOOST_TEST(sb.run({"git", "-C", back, "apply", "--check", patch}).code == 0);
    BOOST_TEST(sb.run({"git", "-C", back, "apply", patch}).code == 0);
    BOOST_TEST(read_text(back + "/untracked.txt") == "new\n");
    BOOST_TEST(read_text(back + "/README.md").find("draft") != std::string::npos);
    // The clone's own uncommitted file, and main's commit origin lacks.
    BOOST_TEST(read_text(attic + "/repo.patch").find("wip in the clone") != std::string::npos);
    BOOST_TEST(git(back, {"log", "-1", "--format=%s", "origin/main"}) == "local only");
    BOOST_TEST(r.out.find("wt-" + a + ".patch") != std::string::npos, r.out);
    // The ignored file is copied beside the patch and listed.
    BOOST_TEST(read_text(attic + "/wt-" + a + ".ignored/local.env") == "KEY=kept\n");
    BOOST_TEST(read_text(attic + "/wt-" + a + ".ignored.txt").find("local.env: copied") !=
               std::string::npos);
    BOOST_TEST(read_text(attic + "/MANIFEST.txt").find("ignored files of " + worktree(a)) !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_directory_and_project_rules_are_listed_then_moved_to_the_attic) {
    // A worktree whose git metadata is gone (or a copy made by hand): no
    // patch can be made of it, so it is moved as it is.
    std::string stray = sb.fab_dir() + "/projects/web/worktrees/wt-zzzzz";
    fs::create_directories(stray);
    std::ofstream(stray + "/notes.txt") << "notes\n";
    // Rules written for this project only.
    std::string rules = sb.fab_dir() + "/projects/web/permissions.ini";
    std::ofstream(rules) << "[rule \"mine\"]\ntool = Read\naction = allow\n";
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.err.find(rules + ": the project's permission rules") != std::string::npos, r.err);
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find(stray + ": not a worktree git knows") != std::string::npos, r.err);
    BOOST_TEST(fs::exists(stray + "/notes.txt"));

    auto f = sb.fab({"project", "remove", "web", "--force"});
    BOOST_TEST_REQUIRE(f.code == 0, f.err);
    std::string prefix = "saved work in ";
    BOOST_TEST_REQUIRE(f.out.find(prefix) == 0u, f.out);
    std::string attic = f.out.substr(prefix.size(), f.out.find("/\n") - prefix.size());
    BOOST_TEST(read_text(attic + "/wt-zzzzz/notes.txt") == "notes\n");
    BOOST_TEST(read_text(attic + "/permissions.ini").find("[rule \"mine\"]") != std::string::npos);
    BOOST_TEST(read_text(attic + "/MANIFEST.txt").find("wt-zzzzz") != std::string::npos);
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/projects/web"));
}

BOOST_AUTO_TEST_CASE(force_deletes_nothing_when_saving_fails) {
    std::ofstream(clone + "/wip.txt") << "unsaved\n";
    // The attic cannot be made: a file sits where its directory would go.
    std::ofstream(sb.fab_dir() + "/attic") << "in the way\n";
    auto r = sb.fab({"project", "remove", "web", "--force"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("nothing was deleted") != std::string::npos, r.err);
    BOOST_TEST(read_text(clone + "/wip.txt") == "unsaved\n");
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(commits_on_a_detached_head_are_listed_then_bundled) {
    // A worktree in the middle of a rebase, or on a checked-out commit: its
    // new commits are on no branch.
    std::string wt = sb.fab_dir() + "/projects/web/worktrees/wt-detached";
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", clone, "worktree", "add", "-q", "--detach", wt}).code ==
                       0);
    BOOST_TEST_REQUIRE(
        sb.run({"git", "-C", wt, "commit", "-q", "--allow-empty", "-m", "on no branch"}).code == 0);
    std::string head = git(wt, {"rev-parse", "HEAD"});
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("detached HEAD of " + wt + ": 1 commit on no branch") !=
                   std::string::npos,
               r.err);

    auto f = sb.fab({"project", "remove", "web", "--force"});
    BOOST_TEST_REQUIRE(f.code == 0, f.err);
    std::string prefix = "saved work in ";
    BOOST_TEST_REQUIRE(f.out.find(prefix) == 0u, f.out);
    std::string attic = f.out.substr(prefix.size(), f.out.find("/\n") - prefix.size());
    std::string bundle = attic + "/wt-detached-HEAD.bundle";
    std::string seed = sb.root() + "/seed";
    BOOST_TEST(sb.run({"git", "-C", seed, "bundle", "verify", "-q", bundle}).code == 0);
    BOOST_TEST(git(seed, {"bundle", "list-heads", bundle}) == head + " HEAD");
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/projects/web"));
}

BOOST_AUTO_TEST_CASE(stash_entries_are_listed_then_saved_as_patches) {
    // The oldest entry holds an untracked file too (`stash -u`): every
    // entry's untracked files are saved, not only the newest one's.
    std::ofstream(clone + "/older.txt") << "older untracked file\n";
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", clone, "stash", "-q", "-u"}).code == 0);
    std::ofstream(clone + "/README.md", std::ios::app) << "stashed edit\n";
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", clone, "stash", "-q"}).code == 0);
    std::ofstream(clone + "/new.txt") << "stashed new file\n";
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", clone, "stash", "-q", "-u"}).code == 0);
    auto r = sb.fab({"project", "remove", "web"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.err.find("the stash of " + clone + ": 3 entries") != std::string::npos, r.err);

    auto f = sb.fab({"project", "remove", "web", "--force"});
    BOOST_TEST_REQUIRE(f.code == 0, f.err);
    std::string prefix = "saved work in ";
    BOOST_TEST_REQUIRE(f.out.find(prefix) == 0u, f.out);
    std::string attic = f.out.substr(prefix.size(), f.out.find("/\n") - prefix.size());
    BOOST_TEST(read_text(attic + "/stash-0.patch").find("+stashed new file") != std::string::npos);
    BOOST_TEST(read_text(attic + "/stash-1.patch").find("+stashed edit") != std::string::npos);
    BOOST_TEST(read_text(attic + "/stash-2.patch").find("+older untracked file") !=
               std::string::npos);
    std::string seed = sb.root() + "/seed";
    BOOST_TEST(sb.run({"git", "-C", seed, "apply", "--check", attic + "/stash-1.patch"}).code == 0);
}

BOOST_AUTO_TEST_CASE(force_with_nothing_at_risk_saves_nothing) {
    auto r = sb.fab({"project", "remove", "web", "--force"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("saved work") == std::string::npos, r.out);
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/attic"));
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/projects/web"));
}

BOOST_AUTO_TEST_CASE(keep_files_forgets_the_project_and_touches_nothing) {
    std::string a = busy_agent();
    auto r = sb.fab({"project", "remove", "web", "--keep-files"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("files kept in") != std::string::npos, r.out);
    BOOST_TEST(read_text(worktree(a) + "/untracked.txt") == "new\n");
    BOOST_TEST(git(clone, {"log", "-1", "--format=%s", "fab/" + a}) == "add a");
    BOOST_TEST(Json::parse(sb.fab({"project", "list", "--json"}).out)["projects"].empty());
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/attic"));
}

BOOST_AUTO_TEST_SUITE_END()
