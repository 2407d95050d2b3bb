// Issue 19, the daemon's side: nothing an agent writes into its worktree makes
// the daemon's own git run a program. Each case is shaped as the attack: a
// nested repository whose config names an fsmonitor command and whose hooks
// dir holds hooks; a worktree config (extensions.worktreeConfig) doing the
// same; hooks in the clone's common dir; the worktree's `.git` file rewritten
// to a git dir the agent made; a daemon started with GIT_DIR and config in its
// environment. Every planted command touches a file in root/markers; the
// markers dir must stay empty while `fab agent done` merges (fetch, rebase,
// fast-forward, push) and while `fab agent abort` checks and removes the
// worktree. The agents are scripted and act through their Bash tool, as a
// real agent would.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Attack : AgentsFixture {
    std::string origin, seed, clone, markers;

    Attack() {
        origin = sb.make_origin();
        BOOST_TEST_REQUIRE(!origin.empty());
        seed = sb.root() + "/seed";
        clone = sb.fab_dir() + "/projects/web/repo";
        markers = sb.root() + "/markers";
        fs::create_directories(markers);
        fs::create_directories(sb.fab_dir() + "/config");
        // The agents' Bash tools run without asking anyone: what is under
        // test is the daemon, not the rules.
        std::ofstream(sb.fab_dir() + "/config/permissions.ini")
            << "[rule \"tests run anything\"]\ntool = Bash\naction = allow\n";
    }

    void start() {
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        auto r = sb.fab({"project", "add", origin, "--name", "web"});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }

    // Names of the marker files planted commands made (none, or the test fails).
    std::string fired() const {
        std::string names;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(markers, ec))
            names += (names.empty() ? "" : " ") + e.path().filename().string();
        return names;
    }

    // A shell script file outside every worktree (so it never makes one dirty).
    std::string script(const std::string& name, const std::string& body) {
        std::string path = sb.root() + "/" + name + ".sh";
        std::ofstream(path) << "set -e\n" << body;
        return path;
    }

    // Executable hooks named `names` in `dir`, each touching markers/<prefix><name>.
    void plant_hooks(const std::string& dir, const std::string& prefix) {
        fs::create_directories(dir);
        for (const char* name :
             {"post-checkout", "post-rewrite", "pre-rebase", "post-merge", "reference-transaction",
              "pre-push", "pre-commit", "commit-msg", "post-commit", "pre-auto-gc",
              "post-index-change", "fsmonitor-watchman", "push-to-checkout", "pre-merge-commit",
              "prepare-commit-msg"}) {
            std::string hook = dir + "/" + name;
            std::ofstream(hook) << "#!/bin/sh\ntouch '" << markers << "/" << prefix << name
                                << "'\n";
            fs::permissions(hook, fs::perms::owner_all);
        }
    }

    // The config lines of a planted fsmonitor (git runs it through the shell
    // with two arguments: `#` drops them) and hooks dir.
    std::string evil_config(const std::string& tag, const std::string& hooks) const {
        return "[core]\n\tfsmonitor = \"touch '" + markers + "/" + tag + "-fsmonitor' #\"\n" +
               "\thooksPath = " + hooks + "\n";
    }

    // The nested-repository chain, as the agent runs it in its worktree:
    // a repository in sub/, added and committed as a gitlink; then its config
    // gets an fsmonitor and its hooks dir hooks (written after git ran, so
    // only a later git can fire them).
    std::string nested_repo_script(bool commit) {
        std::string hooks = sb.root() + "/nested-hooks";
        plant_hooks(hooks, "nested-hooks-");
        plant_hooks(sb.root() + "/nested-default-hooks", "nested-");
        return script("nested",
                      "mkdir sub\ncd sub\ngit init -q\necho inside > f.txt\ngit add f.txt\n"
                      "git commit -qm inside\ncd ..\ngit add sub\n" +
                          std::string(commit ? "git commit -qm 'add sub'\n" : "") +
                          "cat >> sub/.git/config <<'EOF'\n" + evil_config("nested", hooks) +
                          "EOF\n"
                          "cp -p " +
                          sb.root() +
                          "/nested-default-hooks/* sub/.git/hooks/\n"
                          // The nested repository has work in progress: a
                          // status that recursed would look at it.
                          "echo changed > sub/f.txt\n");
    }

    // The pointer-file rewrite, as the agent runs it: a git dir of its own in
    // the worktree (config: fsmonitor, hooks dir), and .git pointing at it.
    std::string own_git_dir_script(const std::string& wt) {
        std::string hooks = sb.root() + "/evil-hooks";
        plant_hooks(hooks, "evil-");
        return script("evil", "cd '" + wt +
                                  "'\ngit init -q evil-src\nmv evil-src/.git evil\nrmdir evil-src\n"
                                  "cat >> evil/config <<'EOF'\n" +
                                  evil_config("pointer", hooks) +
                                  "EOF\nprintf 'gitdir: %s/evil\\n' \"$PWD\" > .git\n");
    }

    // origin's main gets a commit the agent's branch lacks: the merge then
    // rebases in the worktree (a checkout: post-checkout, post-rewrite).
    void move_origin_main() {
        sb.run({"git", "-C", seed, "remote", "add", "origin", origin});
        std::ofstream(seed + "/other.txt") << "from elsewhere\n";
        sb.run({"git", "-C", seed, "add", "other.txt"});
        sb.run({"git", "-C", seed, "commit", "-qm", "elsewhere"});
        BOOST_TEST_REQUIRE(sb.run({"git", "-C", seed, "push", "-q", "origin", "main"}).code == 0);
    }

    bool wait_history(const std::string& id, const std::string& text, int ms = 30000) {
        return AgentsFixture::wait_history(id, text, ms);
    }
    // The agent has ended and its worktree was kept (`fab agent list` says why).
    bool wait_kept(const std::string& id) {
        return wait_for(
            [&] { return agent(id).value("error", "").find("worktree kept") != std::string::npos; },
            20000);
    }
    std::string git(const std::string& dir, const std::vector<std::string>& args) {
        std::vector<std::string> argv = {"git", "-c", "core.fsmonitor=false", "-C", dir};
        argv.insert(argv.end(), args.begin(), args.end());
        return std::string(trim(sb.run(argv).out));
    }
    std::vector<std::string> origin_subjects() {
        return split(git(origin, {"log", "--reverse", "--format=%s", "main"}), '\n');
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(git_safety, Attack)

BOOST_AUTO_TEST_CASE(nested_repository_runs_nothing_when_done_merges) {
    start();
    std::string a = create("SCRIPT:bash sh " + nested_repo_script(true));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST_REQUIRE(fs::exists(worktree(a) + "/sub/.git/config"));
    BOOST_TEST(fired().empty(), "planted commands ran before the daemon did anything: " + fired());
    move_origin_main();
    // The nested repository's work in progress is not the outer worktree's:
    // the merge goes ahead (fetch, rebase, fast-forward, push).
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s) of fab/" + a), history(a));
    std::vector<std::string> expect = {"initial", "elsewhere", "add sub"};
    BOOST_TEST(origin_subjects() == expect);
    // git does not remove a worktree holding a nested repository: it is
    // kept, with the nested repository's work in progress.
    BOOST_TEST(wait_kept(a));
    BOOST_TEST(read_text(worktree(a) + "/sub/f.txt") == "changed\n");
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_CASE(nested_repository_runs_nothing_on_abort_and_the_worktree_is_kept) {
    start();
    // Staged, not committed: the worktree is dirty, so it is checked, then kept.
    std::string a = create("SCRIPT:bash sh " + nested_repo_script(false));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(sb.fab({"agent", "abort", a}).code == 0);
    BOOST_TEST_REQUIRE(wait_kept(a));
    BOOST_TEST(fs::exists(worktree(a) + "/sub/f.txt"));
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_CASE(worktree_config_with_an_fsmonitor_runs_nothing) {
    start();
    std::string a = create("SCRIPT:bash echo a > a.txt && git add a.txt && git commit -qm 'add a'");
    BOOST_TEST_REQUIRE(wait_turn(a));
    // No line in the repository's .git/config but the extension: the worktree's
    // own config.worktree names the fsmonitor and a hooks dir.
    std::string hooks = sb.root() + "/wt-hooks";
    plant_hooks(hooks, "wt-config-");
    BOOST_TEST_REQUIRE(
        sb.run({"git", "-C", clone, "config", "extensions.worktreeConfig", "true"}).code == 0);
    std::string gitdir = git(worktree(a), {"rev-parse", "--absolute-git-dir"});
    BOOST_TEST_REQUIRE(gitdir.find("/.git/worktrees/") != std::string::npos, gitdir);
    std::ofstream(gitdir + "/config.worktree") << evil_config("worktree-config", hooks);
    move_origin_main();
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s) of fab/" + a), history(a));
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_CASE(hooks_in_the_clone_never_run_during_a_merge) {
    start();
    std::string a = create("SCRIPT:bash echo a > a.txt && git add a.txt && git commit -qm 'add a'");
    BOOST_TEST_REQUIRE(wait_turn(a));
    // After the agent's commit (the agent's own git would run them).
    plant_hooks(clone + "/.git/hooks", "clone-");
    move_origin_main();
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s) of fab/" + a), history(a));
    std::vector<std::string> expect = {"initial", "elsewhere", "add a"};
    BOOST_TEST(origin_subjects() == expect);
    // The worktree is removed after the merge (git worktree remove, branch -D).
    BOOST_TEST(wait_for([&] { return !fs::exists(worktree(a)); }, 20000));
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_CASE(rewritten_git_file_is_refused_and_nothing_is_deleted) {
    start();
    std::string a = create("SCRIPT:bash echo a > a.txt && git add a.txt && git commit -qm 'add a'");
    BOOST_TEST_REQUIRE(wait_turn(a));
    std::string wt = worktree(a);
    std::string head = git(clone, {"rev-parse", "fab/" + a});
    BOOST_TEST(sb.fab({"agent", "send", a,
                       "SCRIPT:bash sh " + own_git_dir_script(wt) + " && fab agent done"})
                   .code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merge failed: " + wt + "/.git"), history(a));
    BOOST_TEST(wait_turn(a));
    BOOST_TEST(state(a) == "idle", "the agent keeps running");
    BOOST_TEST(read_text(wt + "/.git") == "gitdir: " + wt + "/evil\n", "the file is left as it is");
    BOOST_TEST(fs::exists(wt + "/evil/config"));
    BOOST_TEST(fs::exists(wt + "/a.txt"));
    BOOST_TEST(git(clone, {"rev-parse", "fab/" + a}) == head, "the branch is kept");
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());

    // Abort: the worktree is checked before removal: refused, kept, reported.
    BOOST_TEST(sb.fab({"agent", "abort", a}).code == 0);
    BOOST_TEST_REQUIRE(wait_kept(a));
    std::string error = agent(a).value("error", "");
    BOOST_TEST(error.find(wt + "/.git") != std::string::npos, error);
    BOOST_TEST(fs::exists(wt + "/a.txt"));
    BOOST_TEST(fs::exists(wt + "/evil/config"));
    BOOST_TEST(git(clone, {"rev-parse", "fab/" + a}) == head);
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_CASE(issue_commit_in_a_worktree_uses_the_checked_link_only) {
    start();
    // An agent's ticket commit is made in its worktree, on its branch.
    std::string a = create("SCRIPT:bash fab issue create 'From the agent' && fab issue commit "
                           "--message 'tickets: from the agent'");
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(git(clone, {"log", "--format=%s", "-1", "fab/" + a}) == "tickets: from the agent",
               history(a));
    // Its .git rewritten: the commit is refused, naming the file.
    std::string wt = worktree(a);
    BOOST_TEST(sb.fab({"agent", "send", a,
                       "SCRIPT:bash sh " + own_git_dir_script(wt) +
                           " && fab issue create 'Another' && fab issue commit"})
                   .code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, wt + "/.git reads"), history(a));
    BOOST_TEST(git(clone, {"log", "--format=%s", "-1", "fab/" + a}) == "tickets: from the agent");
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_CASE(git_file_replaced_by_a_symlink_is_refused) {
    start();
    std::string a = create("SCRIPT:bash echo a > a.txt && git add a.txt && git commit -qm 'add a'");
    BOOST_TEST_REQUIRE(wait_turn(a));
    std::string wt = worktree(a);
    // Same content, but through a link the agent controls (it could retarget it
    // between the daemon's check and git's read).
    std::string text = read_text(wt + "/.git");
    BOOST_TEST_REQUIRE(text.rfind("gitdir: ", 0) == 0u, text);
    std::ofstream(sb.root() + "/pointer") << text;
    fs::remove(wt + "/.git");
    fs::create_symlink(sb.root() + "/pointer", wt + "/.git");
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merge failed: " + wt + "/.git"), history(a));
    BOOST_TEST(fs::is_symlink(wt + "/.git"));
}

BOOST_AUTO_TEST_CASE(daemon_environment_does_not_steer_its_git) {
    // A daemon started from a shell with GIT_DIR (a decoy repository) and
    // command-line config naming a hooks dir in its environment.
    std::string decoy = sb.make_repo("decoy");
    std::string hooks = sb.root() + "/env-hooks";
    plant_hooks(hooks, "env-");
    sb.set_env("GIT_DIR", decoy + "/.git");
    sb.set_env("GIT_WORK_TREE", decoy);
    sb.set_env("GIT_CONFIG_PARAMETERS", "'core.hookspath'='" + hooks + "'");
    sb.set_env("GIT_CONFIG_COUNT", "1");
    sb.set_env("GIT_CONFIG_KEY_0", "core.fsmonitor");
    sb.set_env("GIT_CONFIG_VALUE_0", "touch '" + markers + "/env-fsmonitor' #");
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    for (const char* k : {"GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
                          "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"})
        sb.unset_env(k);
    auto r = sb.fab({"project", "add", origin, "--name", "web"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    std::string decoy_head = git(decoy, {"rev-parse", "HEAD"});
    // The agents inherit the daemon's environment, GIT_DIR included: the
    // test makes the agent's commit itself, with a clean environment.
    std::string a = create("SCRIPT:say ready");
    BOOST_TEST_REQUIRE(wait_turn(a));
    std::ofstream(worktree(a) + "/a.txt") << "a\n";
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", worktree(a), "add", "a.txt"}).code == 0);
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", worktree(a), "commit", "-qm", "add a"}).code == 0);
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s) of fab/" + a), history(a));
    std::vector<std::string> expect = {"initial", "add a"};
    BOOST_TEST(origin_subjects() == expect);
    BOOST_TEST(git(decoy, {"rev-parse", "HEAD"}) == decoy_head, "the decoy is untouched");
    BOOST_TEST(fired().empty(), "the daemon's git ran: " + fired());
}

BOOST_AUTO_TEST_SUITE_END()
