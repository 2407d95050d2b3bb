// daemon/git: the one builder of every git command the daemon runs (its
// flags and environment), and the check that an agent's worktree is still
// linked to fab's clone as `git worktree add` made it (issue 19). The link
// check runs against real worktrees made by the installed git.
#include "daemon/git/safe_git.hpp"
#include "daemon/git/worktree_link.hpp"
#include "util/fs.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

using namespace fab;
namespace fs = std::filesystem;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

ptrdiff_t index_of(const std::vector<std::string>& v, const std::string& s) {
    auto it = std::find(v.begin(), v.end(), s);
    return it == v.end() ? -1 : it - v.begin();
}

// Sets (or, given nullptr, unsets) an environment variable for the scope of
// a test; the value it had comes back after.
struct ScopedEnv {
    std::string name;
    std::optional<std::string> old;
    ScopedEnv(std::string n, const char* value) : name(std::move(n)) {
        if (const char* o = std::getenv(name.c_str())) old = o;
        if (value)
            ::setenv(name.c_str(), value, 1);
        else
            ::unsetenv(name.c_str());
    }
    ~ScopedEnv() {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

// A clone with one commit and a worktree made by git, in a private temp dir.
struct Linked {
    std::string root, clone, wt;
    Linked() {
        char tmpl[] = "/tmp/fab-safegit-test-XXXXXX";
        BOOST_REQUIRE(mkdtemp(tmpl) != nullptr);
        root = tmpl;
        clone = root + "/repo";
        wt = root + "/worktrees/wt-a1";
        fs::create_directories(root + "/worktrees");
        std::string cmd = "cd '" + root + "' && export GIT_CONFIG_NOSYSTEM=1 HOME='" + root +
                          "' GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t "
                          "GIT_COMMITTER_EMAIL=t@t && git init -q -b main repo && "
                          "git -C repo commit -q --allow-empty -m initial && "
                          "git -C repo worktree add -q -b fab/a1 '" +
                          wt + "' HEAD && git -C repo worktree add -q -b fab/b2 '" + root +
                          "/worktrees/wt-b2' HEAD";
        BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
    }
    ~Linked() {
        std::string cmd = "rm -rf '" + root + "'";
        (void)std::system(cmd.c_str());
    }
    std::string entry(const std::string& name) const {
        return fs::canonical(clone + "/.git/worktrees").string() + "/" + name;
    }
    void write_dot_git(const std::string& text) const {
        fs::remove(wt + "/.git");
        std::ofstream(wt + "/.git") << text;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(safe_git)

BOOST_AUTO_TEST_CASE(every_command_carries_the_settings_before_the_subcommand) {
    auto v = safegit::argv("/x/repo", {"status", "--porcelain=v2", "-z"});
    BOOST_TEST(v.front() == "git");
    ptrdiff_t sub = index_of(v, "status");
    BOOST_TEST_REQUIRE(sub > 0);
    for (const auto& [k, val] : safegit::settings()) {
        ptrdiff_t at = index_of(v, k + "=" + val);
        BOOST_TEST((at > 0 && at < sub && v[at - 1] == "-c"), k);
    }
    for (const char* kv : {"core.fsmonitor=false", "core.hooksPath=/dev/null",
                           "submodule.recurse=false", "protocol.ext.allow=never"})
        BOOST_TEST(has(v, kv), kv);
    BOOST_TEST(index_of(v, "--no-optional-locks") < sub);
    BOOST_TEST(index_of(v, "--no-pager") < sub);
    BOOST_TEST(v[index_of(v, "-C") + 1] == "/x/repo");
    // status never runs git in nested repositories.
    BOOST_TEST(v[sub + 1] == "--ignore-submodules=dirty");
    BOOST_TEST(v[sub + 2] == "--porcelain=v2");
    BOOST_TEST(v.back() == "-z");
    BOOST_TEST(!has(v, "--git-dir"), "a clone: git finds its own .git");
}

BOOST_AUTO_TEST_CASE(subcommands_get_their_own_safety_flags) {
    auto diff = safegit::argv("/r", {"diff", "--name-only"});
    for (const char* f : {"--no-ext-diff", "--no-textconv", "--ignore-submodules=dirty"})
        BOOST_TEST(has(diff, f), f);
    auto log = safegit::argv("/r", {"log", "--format=%H"});
    BOOST_TEST(has(log, "--no-ext-diff"));
    BOOST_TEST(has(log, "--no-textconv"));
    for (const char* sub : {"fetch", "push", "pull", "clone"})
        BOOST_TEST(has(safegit::argv("/r", {sub}), "--no-recurse-submodules"), sub);
    // Others get none (an unknown option would be an error).
    auto rebase = safegit::argv("/r", {"rebase", "--quiet", "main"});
    BOOST_TEST(rebase[index_of(rebase, "rebase") + 1] == "--quiet");
    // A caller's own -c (an identity) stays before the subcommand.
    auto commit = safegit::argv("/r", {"-c", "user.name=fab", "commit", "-m", "x"});
    ptrdiff_t c = index_of(commit, "commit");
    BOOST_TEST(index_of(commit, "user.name=fab") == c - 1);
    // git clone runs nowhere in particular: no -C.
    BOOST_TEST(!has(safegit::argv("", {"clone", "--", "src", "dst"}), "-C"));
}

BOOST_AUTO_TEST_CASE(a_worktree_is_named_by_its_git_dir_not_its_dot_git_file) {
    auto v = safegit::argv({"/p/worktrees/wt-a", "/p/repo/.git/worktrees/wt-a"}, {"status"});
    ptrdiff_t sub = index_of(v, "status");
    ptrdiff_t gd = index_of(v, "--git-dir=/p/repo/.git/worktrees/wt-a");
    ptrdiff_t wt = index_of(v, "--work-tree=/p/worktrees/wt-a");
    BOOST_TEST((gd > 0 && gd < sub));
    BOOST_TEST((wt > 0 && wt < sub));
}

BOOST_AUTO_TEST_CASE(environment_cannot_steer_git) {
    ScopedEnv e1("GIT_DIR", "/elsewhere/.git");
    ScopedEnv e2("GIT_WORK_TREE", "/elsewhere");
    ScopedEnv e3("GIT_CONFIG_PARAMETERS", "'core.hookspath'='/evil'");
    ScopedEnv e4("GIT_EXTERNAL_DIFF", "/evil/diff");
    ScopedEnv e5("GIT_EXEC_PATH", "/evil/libexec");
    ScopedEnv e6("GIT_INDEX_FILE", "/evil/index");
    ScopedEnv e7("GIT_CONFIG_KEY_0", "core.fsmonitor");
    ScopedEnv e8("GIT_AUTHOR_NAME", "Someone");
    ScopedEnv e9("GIT_EDITOR", "vim");
    ScopedEnv e10("GIT_TRACE2_EVENT", "/tmp/trace");
    auto env = safegit::env();
    for (const char* prefix : {"GIT_DIR=", "GIT_WORK_TREE=", "GIT_CONFIG_PARAMETERS=",
                               "GIT_EXTERNAL_DIFF=", "GIT_EXEC_PATH=", "GIT_INDEX_FILE="})
        BOOST_TEST(std::none_of(env.begin(), env.end(),
                                [&](const std::string& kv) { return kv.starts_with(prefix); }),
                   prefix);
    BOOST_TEST(has(env, "GIT_AUTHOR_NAME=Someone"), "identity kept");
    BOOST_TEST(has(env, "GIT_TRACE2_EVENT=/tmp/trace"), "tracing kept");
    BOOST_TEST(has(env, "GIT_EDITOR=true"));
    BOOST_TEST(!has(env, "GIT_EDITOR=vim"));
    BOOST_TEST(has(env, "GIT_TERMINAL_PROMPT=0"));
    BOOST_TEST(has(env, "GIT_PAGER=cat"));
    // The settings again, for programs that run git themselves (gh).
    const auto& s = safegit::settings();
    BOOST_TEST(has(env, "GIT_CONFIG_COUNT=" + std::to_string(s.size())));
    for (size_t i = 0; i < s.size(); ++i) {
        BOOST_TEST(has(env, "GIT_CONFIG_KEY_" + std::to_string(i) + "=" + s[i].first));
        BOOST_TEST(has(env, "GIT_CONFIG_VALUE_" + std::to_string(i) + "=" + s[i].second));
    }
}

BOOST_AUTO_TEST_CASE(git_cannot_prompt_and_the_users_ssh_choice_stays) {
    // No controlling terminal: ssh cannot ask for a passphrase or a host key.
    BOOST_TEST(safegit::command("/r", {"fetch"}).detached);
    ScopedEnv mine("GIT_SSH_COMMAND", "ssh -i /k");
    auto env = safegit::env();
    BOOST_TEST(has(env, "GIT_SSH_COMMAND=ssh -i /k"));
    BOOST_TEST(std::count_if(env.begin(), env.end(), [](const std::string& kv) {
                   return kv.starts_with("GIT_SSH_COMMAND=");
               }) == 1);
}

BOOST_AUTO_TEST_CASE(ssh_runs_in_batch_mode_unless_the_user_chose_their_own) {
    auto count_ssh = [](const std::vector<std::string>& env) {
        return std::count_if(env.begin(), env.end(), [](const std::string& kv) {
            return kv.starts_with("GIT_SSH_COMMAND=");
        });
    };
    {
        ScopedEnv none("GIT_SSH_COMMAND", nullptr);
        ScopedEnv no_ssh("GIT_SSH", nullptr);
        auto env = safegit::env();
        BOOST_TEST(has(env, "GIT_SSH_COMMAND=ssh -o BatchMode=yes"));
        BOOST_TEST(count_ssh(env) == 1);
        // The user's core.sshCommand (global config, read by git::Runner)
        // is kept as theirs, and still beats a repository's own.
        auto theirs = safegit::env("ssh -i ~/.ssh/work");
        BOOST_TEST(has(theirs, "GIT_SSH_COMMAND=ssh -i ~/.ssh/work"));
        BOOST_TEST(count_ssh(theirs) == 1);
        BOOST_TEST(
            has(safegit::command("/r", {"fetch"}, "ssh -i k").env, "GIT_SSH_COMMAND=ssh -i k"));
    }
    {
        ScopedEnv none("GIT_SSH_COMMAND", nullptr);
        ScopedEnv program("GIT_SSH", "/usr/local/bin/my-ssh");
        auto env = safegit::env("ignored");
        BOOST_TEST(has(env, "GIT_SSH=/usr/local/bin/my-ssh"));
        BOOST_TEST(count_ssh(env) == 0);
    }
}

BOOST_AUTO_TEST_CASE(a_clone_is_looked_up_in_its_own_directory_only) {
    auto o = safegit::command("/fab/projects/web/repo/", {"status"});
    BOOST_TEST(has(o.env, "GIT_CEILING_DIRECTORIES=/fab/projects/web"));
    auto w = safegit::command({"/fab/wt", "/fab/repo/.git/worktrees/wt"}, {"status"});
    BOOST_TEST(std::none_of(w.env.begin(), w.env.end(), [](const std::string& kv) {
        return kv.starts_with("GIT_CEILING_DIRECTORIES=");
    }));
}

// One builder for every git: a spawn of "git" anywhere else in the programs'
// sources would miss the settings above.
BOOST_AUTO_TEST_CASE(no_other_source_file_spawns_git) {
    std::regex git_argv(R"re("git"\s*[,}])re");
    std::vector<std::string> offenders;
    for (const char* dir : {"daemon", "src", "tui", "scripted"}) {
        for (const auto& e :
             fs::recursive_directory_iterator(std::string(FAB_SOURCE_ROOT) + "/" + dir)) {
            std::string path = e.path().string();
            if (!e.is_regular_file() || path.ends_with("daemon/git/safe_git.cpp")) continue;
            // The permission rules name git in tables of command lines they
            // match; they never spawn anything.
            if (path.find("/src/rules/") != std::string::npos) continue;
            if (!path.ends_with(".cpp") && !path.ends_with(".hpp")) continue;
            auto text = read_file(path);
            if (text && std::regex_search(*text, git_argv)) offenders.push_back(path);
        }
    }
    BOOST_TEST(offenders.empty(), "git spawned outside daemon/git/safe_git.cpp: " +
                                      (offenders.empty() ? std::string() : offenders.front()));
}

BOOST_FIXTURE_TEST_CASE(a_worktree_as_git_made_it_passes, Linked) {
    auto gd = safegit::verify_worktree(clone, wt);
    BOOST_TEST_REQUIRE(gd.ok(), (gd.ok() ? std::string() : gd.error()));
    BOOST_TEST(*gd == entry("wt-a1"));
}

BOOST_FIXTURE_TEST_CASE(relative_links_pass_too, Linked) {
    // worktree.useRelativePaths (git 2.48) writes both links relative.
    write_dot_git("gitdir: ../../repo/.git/worktrees/wt-a1\n");
    std::ofstream(clone + "/.git/worktrees/wt-a1/gitdir") << "../../../../worktrees/wt-a1/.git\n";
    auto gd = safegit::verify_worktree(clone, wt);
    BOOST_TEST_REQUIRE(gd.ok(), (gd.ok() ? std::string() : gd.error()));
    BOOST_TEST(*gd == entry("wt-a1"));
}

BOOST_FIXTURE_TEST_CASE(a_rewritten_dot_git_is_refused_naming_the_file, Linked) {
    fs::create_directories(wt + "/evil");
    write_dot_git("gitdir: " + wt + "/evil\n");
    auto gd = safegit::verify_worktree(clone, wt);
    BOOST_TEST_REQUIRE(!gd.ok());
    BOOST_TEST(gd.error().find(wt + "/.git reads \"gitdir: " + wt + "/evil\"") == 0u, gd.error());
    BOOST_TEST(gd.error().find("gitdir: " + entry("wt-a1")) != std::string::npos, gd.error());
    BOOST_TEST(read_file(wt + "/.git").value() == "gitdir: " + wt + "/evil\n", "left as it is");
}

BOOST_FIXTURE_TEST_CASE(paths_that_climb_out_of_the_worktree_list_are_refused, Linked) {
    // A path that normalises inside .git, but not to a worktree entry.
    write_dot_git("gitdir: " + entry("wt-a1") + "/../..\n");
    BOOST_TEST(!safegit::verify_worktree(clone, wt).ok());
    write_dot_git("gitdir: " + entry("..") + "\n");
    BOOST_TEST(!safegit::verify_worktree(clone, wt).ok());
    write_dot_git("gitdir:" + entry("wt-a1") + "\n");
    BOOST_TEST(!safegit::verify_worktree(clone, wt).ok(), "no space: not git's format");
}

BOOST_FIXTURE_TEST_CASE(another_worktrees_entry_is_refused_by_its_back_link, Linked) {
    write_dot_git("gitdir: " + entry("wt-b2") + "\n");
    auto gd = safegit::verify_worktree(clone, wt);
    BOOST_TEST_REQUIRE(!gd.ok());
    BOOST_TEST(gd.error().find(entry("wt-b2") + "/gitdir names") == 0u, gd.error());
}

BOOST_FIXTURE_TEST_CASE(links_directories_fifos_and_missing_files_are_refused, Linked) {
    std::string text = read_file(wt + "/.git").value();
    std::ofstream(root + "/copy") << text;
    fs::remove(wt + "/.git");
    auto missing = safegit::verify_worktree(clone, wt);
    BOOST_TEST_REQUIRE(!missing.ok());
    BOOST_TEST(missing.error().find(wt + "/.git is missing") == 0u, missing.error());

    fs::create_symlink(root + "/copy", wt + "/.git");
    auto link = safegit::verify_worktree(clone, wt);
    BOOST_TEST((!link.ok() && link.error().find("is a symbolic link") != std::string::npos));

    fs::remove(wt + "/.git");
    fs::create_directory(wt + "/.git");
    auto dir = safegit::verify_worktree(clone, wt);
    BOOST_TEST((!dir.ok() && dir.error().find("is a directory") != std::string::npos));

    // A FIFO must not block the daemon's loop.
    fs::remove(wt + "/.git");
    BOOST_TEST_REQUIRE(::mkfifo((wt + "/.git").c_str(), 0600) == 0);
    auto fifo = safegit::verify_worktree(clone, wt);
    BOOST_TEST((!fifo.ok() && fifo.error().find("not a regular file") != std::string::npos));

    fs::remove(wt + "/.git");
    std::ofstream(wt + "/.git") << "gitdir: " << std::string(5000, 'x') << "\n";
    auto big = safegit::verify_worktree(clone, wt);
    BOOST_TEST((!big.ok() && big.error().find("longer") != std::string::npos));

    // Control bytes in what it read are not echoed into the message.
    write_dot_git("gitdir: \x1b[31mred\n");
    auto esc = safegit::verify_worktree(clone, wt);
    BOOST_TEST_REQUIRE(!esc.ok());
    BOOST_TEST(esc.error().find('\x1b') == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_missing_worktree_or_clone_is_an_error, Linked) {
    BOOST_TEST(!safegit::verify_worktree(clone, root + "/worktrees/wt-none").ok());
    BOOST_TEST(!safegit::verify_worktree(root + "/nothing", wt).ok());
}

BOOST_AUTO_TEST_SUITE_END()
