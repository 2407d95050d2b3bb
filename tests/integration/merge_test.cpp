// `fab agent done` end to end: scripted agents commit in their worktrees and
// call `fab agent done` from a Bash tool, as a real agent does; the project
// is cloned from a bare "origin", so every merge is fetched, rebased,
// fast-forwarded and pushed for real. Also the pull-request strategy (with
// tests/fixtures/fake-gh as `gh`) and `fab branch cleanup`.
#include "harness.hpp"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "protocol/messages.hpp"
#include "util/strings.hpp"

using namespace fab;
using namespace fab::test;
namespace fs = std::filesystem;

namespace {

struct Origin : AgentsFixture {
    std::string origin, clone;

    // The daemon is started by start(): tests that need another PATH (a
    // fake gh) set it first, since the daemon runs git and gh.
    Origin() {
        origin = sb.make_origin();
        BOOST_TEST_REQUIRE(!origin.empty());
        clone = sb.fab_dir() + "/projects/web/repo";
        sb.allow_all_bash();
    }

    void start(const std::string& strategy = "direct") {
        BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
        auto r = sb.fab({"project", "add", origin, "--name", "web", "--merge-strategy", strategy});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }

    // Merges take longer than a turn: 30 s.
    bool wait_history(const std::string& id, const std::string& text, int ms = 30000) {
        return AgentsFixture::wait_history(id, text, ms);
    }
    bool wait_state(const std::string& id, const std::string& s, int ms = 30000) {
        return wait_for([&] { return state(id) == s; }, ms);
    }

    std::string git(const std::string& dir, const std::vector<std::string>& args) {
        return sb.git(dir, args);
    }
    bool has_branch(const std::string& dir, const std::string& b) {
        return sb.run({"git", "-C", dir, "rev-parse", "--verify", "--quiet", "refs/heads/" + b})
                   .code == 0;
    }
    // Subjects on origin's main, oldest first.
    std::vector<std::string> origin_subjects() {
        return split(git(origin, {"log", "--reverse", "--format=%s", "main"}), '\n');
    }

    // tests/fixtures/fake-gh as `gh` on the daemon's PATH; `gh pr view`
    // prints `view_file`, which the test rewrites as the pull request changes.
    std::string gh_log, view_file;
    void fake_gh() {
        std::string bin = sb.root() + "/bin";
        fs::create_directories(bin);
        fs::create_symlink(std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/fake-gh", bin + "/gh");
        gh_log = sb.root() + "/gh.log";
        view_file = sb.root() + "/pr-view.json";
        sb.set_env("FAKE_GH_LOG", gh_log);
        sb.set_env("FAKE_GH_VIEW", view_file);
        set_view(R"({"state":"OPEN","reviews":[],"comments":[]})");
        // The harness puts the build directories first; keep them there.
        sb.set_env("PATH", std::string(FAB_BUILD_ROOT) + ":" + FAB_BUILD_ROOT + "/scripted:" + bin +
                               ":" + std::getenv("PATH"));
    }
    void set_view(const std::string& json) {
        std::ofstream(view_file + ".tmp") << json << "\n";
        fs::rename(view_file + ".tmp", view_file);
    }
    // A ticket in the clone, and an agent that claims it, commits and opens
    // a pull request (pull/1): the agent's id.
    std::string pr_agent(std::string& ticket) {
        auto t = sb.fab({"issue", "create", "Rename x", "--project", "web"});
        BOOST_TEST_REQUIRE(t.code == 0, t.err);
        ticket = trim(t.out);
        std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent claim " +
                               ticket + " && fab agent done");
        BOOST_TEST_REQUIRE(wait_history(a, "https://github.example/fab/web/pull/1"), history(a));
        BOOST_TEST_REQUIRE(wait_turn(a));
        return a;
    }
    bool claimed(const std::string& ticket) {
        auto j = Json::parse(sb.fab({"claims", "--json"}).out, nullptr, false);
        return j.is_object() && j["claims"].dump().find("\"" + ticket + "\"") != std::string::npos;
    }
    static size_t count(const std::string& text, const std::string& what) {
        size_t n = 0;
        for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++n;
        return n;
    }

    static std::string commit_script(const std::string& file, const std::string& text,
                                     const std::string& subject) {
        return "SCRIPT:bash printf '" + text + "\\n' > " + file + " && git add " + file +
               " && git commit -qm '" + subject + "'";
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(merge, Origin)

BOOST_AUTO_TEST_CASE(two_agents_merge_into_origin_main_with_linear_history) {
    start();
    std::string a = create(commit_script("a.txt", "from a", "add a"));
    std::string b = create(commit_script("b.txt", "from b", "add b"));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST_REQUIRE(wait_turn(b));
    // Both branch from the first commit: b must be rebased onto a's merge.
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s) of fab/" + a));
    BOOST_TEST(wait_state(a, "done"));
    BOOST_TEST(sb.fab({"agent", "send", b, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(b, "merged 1 commit(s) of fab/" + b));
    BOOST_TEST(wait_state(b, "done"));

    std::vector<std::string> expect = {"initial", "add a", "add b"};
    BOOST_TEST(origin_subjects() == expect, git(origin, {"log", "--oneline", "main"}));
    BOOST_TEST(git(origin, {"log", "--merges", "--oneline", "main"}).empty(), "linear history");
    BOOST_TEST(git(clone, {"rev-parse", "main"}) == git(origin, {"rev-parse", "main"}));
    // Worktrees and branches recycled.
    BOOST_TEST(wait_for([&] { return !fs::exists(worktree(a)) && !fs::exists(worktree(b)); }));
    BOOST_TEST(
        wait_for([&] { return !has_branch(clone, "fab/" + a) && !has_branch(clone, "fab/" + b); }));

    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST(status["commits_merged"] == 2);
    BOOST_TEST_REQUIRE(status["recent_work"].size() == 2u);
    BOOST_TEST(status["recent_work"][0]["subject"] == "add b");
    BOOST_TEST(status["recent_work"][0]["agent_id"] == b);
    BOOST_TEST(status["recent_work"][0]["project"] == "web");
    BOOST_TEST(status["recent_work"][0]["strategy"] == "direct");
    BOOST_TEST(status["recent_work"][0]["sha"] == git(origin, {"rev-parse", "main"}));
    BOOST_TEST(status["recent_work"][1]["agent_id"] == a);
    std::string human = sb.fab({"status"}).out;
    BOOST_TEST(human.find("add b") != std::string::npos, human);
    BOOST_TEST(human.find("2 merged") != std::string::npos, human);

    // commit.list: the same log through its own message, newest first.
    auto c = Connection::open(sb.socket());
    BOOST_TEST_REQUIRE(c.ok());
    auto commits = c->call(msg::kCommitList, {{"project", "web"}, {"limit", 1}});
    BOOST_TEST_REQUIRE(commits.ok(), (commits.ok() ? "" : commits.error()));
    BOOST_TEST_REQUIRE((*commits)["commits"].size() == 1u);
    BOOST_TEST((*commits)["commits"][0]["subject"] == "add b");
    BOOST_TEST((*commits)["commits"][0]["agent_id"] == b);
}

BOOST_AUTO_TEST_CASE(conflict_aborts_the_rebase_and_the_agent_resolves_and_retries) {
    start();
    std::string a = create(commit_script("same.txt", "line from a", "a edits same"));
    std::string b = create(commit_script("same.txt", "line from b", "b edits same"));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST_REQUIRE(wait_turn(b));
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s)"));
    std::string b_head = git(clone, {"rev-parse", "fab/" + b});

    BOOST_TEST(sb.fab({"agent", "send", b, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(b, "merge conflict: rebasing fab/" + b));
    BOOST_TEST(history(b).find("same.txt") != std::string::npos);
    // Also told by message; the agent keeps running; nothing changed.
    BOOST_TEST(wait_history(b, "you: merge conflict"));
    BOOST_TEST_REQUIRE(wait_turn(b));
    BOOST_TEST(state(b) == "idle");
    BOOST_TEST(git(clone, {"rev-parse", "fab/" + b}) == b_head, "branch unchanged");
    BOOST_TEST(git(worktree(b), {"status", "--porcelain"}).empty(), "rebase aborted");
    std::vector<std::string> after_a = {"initial", "a edits same"};
    BOOST_TEST(origin_subjects() == after_a);

    // The agent does what the message says.
    BOOST_TEST(
        sb.fab({"agent", "send", b,
                "SCRIPT:bash git rebase main; printf 'line from a and b\\n' > same.txt && "
                "git add same.txt && GIT_EDITOR=true git rebase --continue && fab agent done"})
            .code == 0);
    // (The tool result shows git's long rebase output first: wait for the end.)
    BOOST_TEST_REQUIRE(wait_state(b, "done"), history(b));
    std::vector<std::string> expect = {"initial", "a edits same", "b edits same"};
    BOOST_TEST(origin_subjects() == expect);
    BOOST_TEST(git(origin, {"show", "main:same.txt"}) == "line from a and b");
    BOOST_TEST(git(origin, {"log", "--merges", "--oneline", "main"}).empty());
}

BOOST_AUTO_TEST_CASE(nothing_to_merge_still_finishes_the_agent) {
    start();
    std::string a = create("SCRIPT:bash fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "nothing to merge"));
    BOOST_TEST(wait_state(a, "done"));
    BOOST_TEST(wait_for([&] { return !fs::exists(worktree(a)); }));
    BOOST_TEST(Json::parse(sb.fab({"status", "--json"}).out)["commits_merged"] == 0);
}

BOOST_AUTO_TEST_CASE(uncommitted_changes_are_refused_and_nothing_is_lost) {
    start();
    std::string a = create("SCRIPT:bash printf 'draft\\n' > draft.txt && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "uncommitted changes in your worktree (draft.txt)"));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(state(a) == "idle");
    BOOST_TEST(fs::exists(worktree(a) + "/draft.txt"));
}

BOOST_AUTO_TEST_CASE(uncommitted_files_are_named_exactly) {
    // Tracked files edited: git prints " M name", whose leading space is a
    // status column (once trimmed away, "README.md" came out as "EADME.md").
    start();
    std::string a = create(
        "SCRIPT:bash mkdir -p .tickets && printf 'x\\n' > .tickets/x.md && git add .tickets && "
        "git commit -qm 'ticket x' && printf 'more\\n' >> .tickets/x.md && printf 'more\\n' >> "
        "README.md && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "uncommitted changes in your worktree"), history(a));
    std::string h = history(a);
    BOOST_TEST(h.find("uncommitted changes in your worktree (.tickets/x.md, README.md)") !=
                   std::string::npos,
               h);
    BOOST_TEST(h.find(" EADME.md") == std::string::npos, h);
    BOOST_TEST(h.find("(tickets/x.md") == std::string::npos, h);
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(read_text(worktree(a) + "/README.md").find("more") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejected_push_retry_keeps_the_clones_uncommitted_files) {
    start();
    std::string hook = origin + "/hooks/pre-receive";
    std::ofstream(hook) << "#!/bin/sh\necho 'refused by the test hook' >&2\nexit 1\n";
    fs::permissions(hook, fs::perms::owner_all);
    // Somebody's notes in the clone, and an edit of a tracked file: the
    // reset that puts main back (`reset --keep`) must leave both.
    std::ofstream(clone + "/notes.txt") << "my notes\n";
    std::ofstream(clone + "/README.md", std::ios::app) << "edited in the clone\n";
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "merge failed: git push origin main"), history(a));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(read_text(clone + "/notes.txt") == "my notes\n");
    BOOST_TEST(read_text(clone + "/README.md").find("edited in the clone") != std::string::npos);
    BOOST_TEST(git(clone, {"log", "--format=%s", "-1", "fab/" + a}) == "add a", "branch kept");
    BOOST_TEST(git(origin, {"log", "--format=%s", "-1", "main"}) == "initial");
}

BOOST_AUTO_TEST_CASE(rejected_push_never_resets_away_a_commit_made_on_main_meanwhile) {
    start();
    // origin refuses the push, and while it does, somebody commits on the
    // clone's main: putting main back would drop that commit.
    std::string hook = origin + "/hooks/pre-receive";
    std::ofstream(hook) << "#!/bin/sh\n"
                        << "unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY "
                           "GIT_ALTERNATE_OBJECT_DIRECTORIES\n"
                        << "git -C '" << clone << "' commit -q --allow-empty -m 'made meanwhile'\n"
                        << "echo 'refused by the test hook' >&2\nexit 1\n";
    fs::permissions(hook, fs::perms::owner_all);
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "gained commits meanwhile"), history(a));
    BOOST_TEST(git(clone, {"log", "-1", "--format=%s", "main"}) == "made meanwhile");
    BOOST_TEST(git(clone, {"log", "-1", "--format=%s", "fab/" + a}) == "add a", "branch kept");
}

BOOST_AUTO_TEST_CASE(branch_cleanup_keeps_an_ended_agents_dirty_worktree) {
    start();
    std::string a = create("SCRIPT:say hi");
    BOOST_TEST_REQUIRE(wait_turn(a));
    // Its branch has nothing main lacks, but its worktree holds a new file.
    std::ofstream(worktree(a) + "/wip.txt") << "work in progress\n";
    BOOST_TEST_REQUIRE(sb.fab({"agent", "abort", a}).code == 0);
    BOOST_TEST_REQUIRE(wait_state(a, "aborted"));
    BOOST_TEST(wait_for(
        [&] { return agent(a).value("error", "").find("worktree kept") != std::string::npos; }));
    auto r = sb.fab({"branch", "cleanup", "--project", "web"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("kept fab/" + a + " (web): worktree " + worktree(a) +
                          " has uncommitted changes") != std::string::npos,
               r.out);
    BOOST_TEST(read_text(worktree(a) + "/wip.txt") == "work in progress\n");
    BOOST_TEST(has_branch(clone, "fab/" + a));
}

BOOST_AUTO_TEST_CASE(rejected_push_keeps_main_and_the_branch) {
    start();
    // origin refuses every push (a server-side hook), as a protected branch would.
    std::string hook = origin + "/hooks/pre-receive";
    std::ofstream(hook) << "#!/bin/sh\necho 'refused by the test hook' >&2\nexit 1\n";
    fs::permissions(hook, fs::perms::owner_all);
    std::string main_before = git(clone, {"rev-parse", "main"});
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "merge failed: git push origin main"), history(a));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(state(a) == "idle", "the agent keeps running");
    BOOST_TEST(git(clone, {"rev-parse", "main"}) == main_before, "main put back");
    BOOST_TEST(git(clone, {"log", "--format=%s", "-1", "fab/" + a}) == "add a", "branch kept");
    BOOST_TEST(fs::exists(worktree(a)));
    BOOST_TEST(Json::parse(sb.fab({"status", "--json"}).out)["commits_merged"] == 0);

    // Once origin accepts, the same agent's retry merges.
    fs::remove(hook);
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s)"));
    std::vector<std::string> expect = {"initial", "add a"};
    BOOST_TEST(origin_subjects() == expect);
}

BOOST_AUTO_TEST_CASE(daemon_killed_in_the_middle_of_a_merge_loses_nothing) {
    start();
    // origin takes a while to accept the push: the daemon dies meanwhile.
    std::string marker = sb.root() + "/push-started";
    std::string hook = origin + "/hooks/pre-receive";
    std::ofstream(hook) << "#!/bin/sh\ncat >/dev/null\ntouch " << marker << "\nsleep 2\nexit 0\n";
    fs::permissions(hook, fs::perms::owner_all);
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_for([&] { return fs::exists(marker); }, 30000));
    int old = sb.daemon_pid();
    ::kill(old, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST(has_branch(clone, "fab/" + a), "the branch outlives the daemon");
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST_REQUIRE(wait_turn(a), history(a));
    BOOST_TEST(state(a) == "idle", "the agent did not hear back and keeps running");
    // It runs done again: whatever the killed merge got to, the work ends on
    // origin's main and nothing is lost.
    fs::remove(hook);
    BOOST_TEST(sb.fab({"agent", "send", a, "SCRIPT:bash fab agent done"}).code == 0);
    BOOST_TEST(wait_state(a, "done"), history(a));
    std::vector<std::string> expect = {"initial", "add a"};
    BOOST_TEST(origin_subjects() == expect);
    BOOST_TEST(git(clone, {"rev-parse", "main"}) == git(origin, {"rev-parse", "main"}));
    // The commit log has it, once: the restarted daemon logged what the
    // killed merge had moved main to, and the retry did not log it again.
    Json st = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST(st["commits_merged"] == 1, st.dump());
    BOOST_TEST(!fs::exists(sb.fab_dir() + "/projects/web/merging-" + a + ".json"));
}

BOOST_AUTO_TEST_CASE(merged_agent_ends_after_its_turn_even_across_a_daemon_restart) {
    start();
    // The merge answers while the turn goes on (a slow model call after it);
    // the daemon dies meanwhile, and the restarted one still ends the agent.
    std::string a =
        create(commit_script("a.txt", "from a", "add a") + " && fab agent done\nSCRIPT:sleep 4");
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s)"), history(a));
    BOOST_TEST(state(a) != "done", "its turn is not over yet");
    int old = sb.daemon_pid();
    ::kill(old, SIGKILL);
    BOOST_TEST_REQUIRE(wait_for([&] { return sb.daemon_pid() == 0; }));
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    BOOST_TEST(wait_state(a, "done"), history(a));
    std::vector<std::string> expect = {"initial", "add a"};
    BOOST_TEST(origin_subjects() == expect);
}

BOOST_AUTO_TEST_CASE(origin_moved_meanwhile_is_fetched_and_rebased_onto) {
    start();
    // Someone else pushes to origin after the project was cloned.
    std::string other = sb.root() + "/other";
    BOOST_TEST_REQUIRE(sb.run({"git", "clone", "-q", origin, other}).code == 0);
    std::ofstream(other + "/o.txt") << "other\n";
    sb.run({"git", "-C", other, "add", "o.txt"});
    sb.run({"git", "-C", other, "commit", "-qm", "from elsewhere"});
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", other, "push", "-q", "origin", "main"}).code == 0);
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s)"), history(a));
    std::vector<std::string> expect = {"initial", "from elsewhere", "add a"};
    BOOST_TEST(origin_subjects() == expect);
}

BOOST_AUTO_TEST_CASE(working_copy_origin_keeps_the_merge_in_the_clone) {
    // `fab project add ~/src/web`: origin has main checked out, git never
    // pushes there; the merge must still happen, in fab's clone.
    std::string work = sb.make_repo("work");
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    auto r = sb.fab({"project", "add", work, "--name", "web"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    std::string before = git(work, {"rev-parse", "main"});
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "merged 1 commit(s)"), history(a));
    BOOST_TEST(history(a).find("not pushed: origin is a repository with main checked out") !=
               std::string::npos);
    BOOST_TEST(wait_state(a, "done"));
    BOOST_TEST(git(clone, {"log", "--format=%s", "-1", "main"}) == "add a");
    BOOST_TEST(git(work, {"rev-parse", "main"}) == before, "the user's repository is untouched");
    // The next merge works the same way (main ahead of origin is fine).
    std::string b = create(commit_script("b.txt", "from b", "add b") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(b, "merged 1 commit(s)"), history(b));
    BOOST_TEST(git(clone, {"log", "--format=%s", "-1", "main"}) == "add b");
    BOOST_TEST(Json::parse(sb.fab({"status", "--json"}).out)["commits_merged"] == 2);
}

BOOST_AUTO_TEST_CASE(pull_request_strategy_pushes_the_branch_and_runs_gh) {
    fake_gh();
    start("pull-request");
    std::string main_before = git(origin, {"rev-parse", "main"});
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "https://github.example/fab/web/pull/1"), history(a));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(state(a) == "idle", "the agent stays for review feedback");
    BOOST_TEST(fs::exists(worktree(a)));
    BOOST_TEST(git(origin, {"rev-parse", "main"}) == main_before, "main untouched");
    BOOST_TEST(git(origin, {"log", "--format=%s", "-1", "fab/" + a}) == "add a");
    std::string calls = read_text(gh_log);
    BOOST_TEST(calls.find("pr\ncreate\n--head\nfab/" + a + "\n--base\nmain\n--title\nadd a\n") !=
                   std::string::npos,
               calls);
    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST_REQUIRE(status["recent_work"].size() == 1u);
    BOOST_TEST(status["recent_work"][0]["strategy"] == "pull-request");
    BOOST_TEST(status["recent_work"][0]["pr_url"] == "https://github.example/fab/web/pull/1");
    BOOST_TEST(status["commits_merged"] == 0, "an open pull request is not merged");

    // Review feedback: a new commit goes to the same pull request, gh is not run again.
    BOOST_TEST(sb.fab({"agent", "send", a,
                       commit_script("a.txt", "fixed", "address review") + " && fab agent done"})
                   .code == 0);
    BOOST_TEST_REQUIRE(wait_history(a, "to its pull request https://github.example/fab/web/pull/1"),
                       history(a));
    BOOST_TEST(git(origin, {"log", "--format=%s", "-1", "fab/" + a}) == "address review");
    // (The daemon may have polled the pull request meanwhile: `pr view`.)
    BOOST_TEST(count(read_text(gh_log), "pr\ncreate\n") == 1u, read_text(gh_log));
}

BOOST_AUTO_TEST_CASE(pull_request_review_comments_reach_the_agent_and_merge_ends_it) {
    fake_gh();
    start("pull-request");
    std::string ticket;
    std::string a = pr_agent(ticket);
    BOOST_TEST(claimed(ticket));

    set_view(
        R"({"state":"OPEN","reviews":[{"id":"PRR_1","author":{"login":"rita"},)"
        R"("state":"CHANGES_REQUESTED","body":"please rename x to y"},)"
        R"({"id":"PRR_2","author":{"login":"rita"},"state":"APPROVED","body":""}],)"
        R"("comments":[{"id":"IC_1","author":{"login":"sam"},"body":"also update the docs"}]})");
    auto r = sb.fab({"pr", "check", a, "--json"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    Json j = Json::parse(r.out);
    BOOST_TEST(j["pull_requests"][0]["state"] == "OPEN");
    BOOST_TEST(j["pull_requests"][0]["new_feedback"] == 2, r.out);
    BOOST_TEST_REQUIRE(wait_history(a, "rita (review, CHANGES_REQUESTED): please rename x to y"),
                       history(a));
    BOOST_TEST(history(a).find("sam: also update the docs") != std::string::npos);
    BOOST_TEST_REQUIRE(wait_turn(a));
    std::string calls = read_text(gh_log);
    BOOST_TEST(calls.find("pr\nview\nhttps://github.example/fab/web/pull/1\n--json\n"
                          "state,reviews,comments\n--end--") != std::string::npos,
               calls);

    // Polled again: nothing new is sent twice.
    r = sb.fab({"pr", "check", a, "--json"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(Json::parse(r.out)["pull_requests"][0]["new_feedback"] == 0, r.out);
    BOOST_TEST(count(history(a), "you: New feedback on your pull request") == 1u, history(a));

    // Merged: the ticket is closed, the claim released, the agent ends.
    set_view(R"({"state":"MERGED","reviews":[],"comments":[]})");
    r = sb.fab({"pr", "check", a});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("MERGED") != std::string::npos, r.out);
    BOOST_TEST(wait_state(a, "done"), state(a));
    BOOST_TEST(wait_for([&] { return !claimed(ticket); }));
    BOOST_TEST(wait_for([&] {
                   auto show = Json::parse(
                       sb.fab({"issue", "show", ticket, "--json", "--project", "web"}).out, nullptr,
                       false);
                   return show.dump().find("\"status\":\"closed\"") != std::string::npos;
               }),
               sb.fab({"issue", "show", ticket, "--project", "web"}).out);
    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    size_t running = status["projects"][0].value("agents_running", size_t{99});
    BOOST_TEST(running == 0u, "its slot is free");
}

BOOST_AUTO_TEST_CASE(pull_request_closed_unmerged_tells_the_agent_and_releases_its_ticket) {
    fake_gh();
    start("pull-request");
    std::string ticket;
    std::string a = pr_agent(ticket);
    set_view(R"({"state":"CLOSED","reviews":[],"comments":[]})");
    auto r = sb.fab({"pr", "check"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    BOOST_TEST(r.out.find("CLOSED") != std::string::npos, r.out);
    BOOST_TEST_REQUIRE(wait_history(a, "was closed without being merged"), history(a));
    BOOST_TEST(history(a).find(ticket + " were released") != std::string::npos, history(a));
    BOOST_TEST(wait_for([&] { return !claimed(ticket); }));
    BOOST_TEST_REQUIRE(wait_turn(a));
    BOOST_TEST(state(a) == "idle", "told, not ended");
    auto show = sb.fab({"issue", "show", ticket, "--project", "web"});
    BOOST_TEST(show.out.find("closed") == std::string::npos, show.out);
    // Closed is final: another check asks gh nothing more.
    std::string calls = read_text(gh_log);
    BOOST_TEST(sb.fab({"pr", "check", a}).code == 0);
    BOOST_TEST(read_text(gh_log) == calls);
}

BOOST_AUTO_TEST_CASE(pull_request_without_gh_is_a_clear_error) {
    start("pull-request");
    std::string a = create(commit_script("a.txt", "from a", "add a") + " && fab agent done");
    BOOST_TEST_REQUIRE(wait_history(a, "gh (the GitHub CLI) is not installed"), history(a));
    BOOST_TEST(git(origin, {"log", "--format=%s", "-1", "fab/" + a}) == "add a",
               "the branch was pushed: nothing lost");
}

BOOST_AUTO_TEST_CASE(branch_cleanup_removes_merged_branches_of_ended_agents_only) {
    start();
    std::string live = create("SCRIPT:say still working");
    BOOST_TEST_REQUIRE(wait_turn(live));
    // Leftovers: a merged branch no agent owns, and an unmerged one.
    sb.run({"git", "-C", clone, "branch", "fab/zzzzz"});
    sb.run({"git", "-C", clone, "checkout", "-q", "-b", "fab/yyyyy"});
    std::ofstream(clone + "/y.txt") << "y\n";
    sb.run({"git", "-C", clone, "add", "y.txt"});
    sb.run({"git", "-C", clone, "commit", "-qm", "unmerged work"});
    sb.run({"git", "-C", clone, "checkout", "-q", "main"});

    auto dry = sb.fab({"branch", "cleanup", "--dry-run"});
    BOOST_TEST(dry.code == 0, dry.err);
    BOOST_TEST(dry.out.find("would remove fab/zzzzz (web)") != std::string::npos, dry.out);
    BOOST_TEST(has_branch(clone, "fab/zzzzz"), "dry run removes nothing");

    auto r = sb.fab({"branch", "cleanup", "--project", "web"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("removed fab/zzzzz (web)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("kept fab/" + live + " (web): agent " + live + " is idle") !=
                   std::string::npos,
               r.out);
    BOOST_TEST(!has_branch(clone, "fab/zzzzz"));
    BOOST_TEST(has_branch(clone, "fab/yyyyy"), "unmerged work is never removed");
    BOOST_TEST(has_branch(clone, "fab/" + live), "a live agent's branch is never removed");
    BOOST_TEST(fs::exists(worktree(live)));
    BOOST_TEST(sb.fab({"branch", "cleanup", "--project", "nope"}).code == 1);
}

// The whole loop: the orchestrator spawns scripted agents that work tickets
// with tests/fixtures/work-one-ticket.sh (claim, commit, close, done).
BOOST_AUTO_TEST_CASE(three_tickets_two_agents_all_merged_in_dependency_order) {
    // The tickets reach origin first, as a team's repository would have them.
    auto ticket = [](const std::string& id, const std::string& deps) {
        return "---\nid: " + id + "\nstatus: open\ndeps: " + deps +
               "\nlinks: []\ncreated: 2026-11-21T10:00:00Z\ntype: task\npriority: 2\n---\n# "
               "Ticket " +
               id + "\n\nWrite work-" + id + ".txt.\n";
    };
    std::string tk = sb.root() + "/tk";
    BOOST_TEST_REQUIRE(sb.run({"git", "clone", "-q", origin, tk}).code == 0);
    fs::create_directories(tk + "/.tickets");
    std::ofstream(tk + "/.tickets/web-aaa1.md") << ticket("web-aaa1", "[]");
    std::ofstream(tk + "/.tickets/web-bbb2.md") << ticket("web-bbb2", "[web-aaa1]");
    std::ofstream(tk + "/.tickets/web-ccc3.md") << ticket("web-ccc3", "[]");
    sb.run({"git", "-C", tk, "add", ".tickets"});
    sb.run({"git", "-C", tk, "commit", "-qm", "tickets"});
    BOOST_TEST_REQUIRE(sb.run({"git", "-C", tk, "push", "-q", "origin", "main"}).code == 0);

    start();
    std::string kick = sb.root() + "/kickstart.txt";
    std::ofstream(kick) << "SCRIPT:bash bash " << FAB_SOURCE_ROOT
                        << "/tests/fixtures/work-one-ticket.sh\n";
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"coding-backend", "scripted"}, {"kickstart-prompt", kick}, {"max-agents", "2"}}) {
        auto r = sb.fab({"project", "config", "set", "web", k, v});
        BOOST_TEST_REQUIRE(r.code == 0, r.err);
    }
    auto r = sb.fab({"project", "start", "web"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);

    auto closed_on_origin = [&](const std::string& id) {
        return git(origin, {"show", "main:.tickets/" + id + ".md"}).find("status: closed") !=
               std::string::npos;
    };
    BOOST_TEST_REQUIRE(wait_for(
                           [&] {
                               return closed_on_origin("web-aaa1") &&
                                      closed_on_origin("web-bbb2") && closed_on_origin("web-ccc3");
                           },
                           120000),
                       git(origin, {"log", "--oneline", "main"}) + "\n" +
                           sb.fab({"agent", "list"}).out);
    std::vector<std::string> subjects = origin_subjects();
    auto at = [&](const std::string& prefix) {
        for (size_t i = 0; i < subjects.size(); ++i)
            if (subjects[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
        return -1;
    };
    BOOST_TEST(at("web-aaa1: close") >= 0);
    BOOST_TEST(at("web-bbb2: web-bbb2 done") > at("web-aaa1: close"),
               "the dependent ticket is worked after its dependency is merged");
    BOOST_TEST(git(origin, {"log", "--merges", "--oneline", "main"}).empty(), "linear history");
    for (const char* f : {"work-web-aaa1.txt", "work-web-bbb2.txt", "work-web-ccc3.txt"})
        BOOST_TEST(
            sb.run({"git", "-C", origin, "cat-file", "-e", std::string("main:") + f}).code == 0, f);
    BOOST_TEST(wait_for([&] {
        auto j = Json::parse(sb.fab({"claims", "--json"}).out, nullptr, false);
        return j.is_object() && j["claims"].empty();
    }));
    auto status = Json::parse(sb.fab({"status", "--json"}).out);
    BOOST_TEST(status["commits_merged"] == 6);
    // Each commit is logged with the ticket its agent claimed.
    for (const auto& w : status["recent_work"]) {
        std::string subject = w.value("subject", ""), claimed = w.value("ticket", "");
        BOOST_TEST(subject.rfind(claimed + ":", 0) == 0, subject << " / " << claimed);
    }
    (void)sb.fab({"project", "stop", "web"});
}

BOOST_AUTO_TEST_SUITE_END()
