// bench-git-queries: each read-only git query of the daemon, through libgit2
// (daemon/git/queries.hpp) and through the git CLI call it replaced (spawned
// exactly as the daemon spawns git: safe_git's command line and environment,
// uv_spawn, output captured), on a generated repository: FILES tracked files,
// COMMITS commits on main, a branch fab/x with 5 commits, an agent worktree.
// Prints the median and p90 per query for both. Never fails for slowness.
//
//   bench-git-queries [runs]        (default 50; FILES, COMMITS from the environment)
#include "daemon/git/queries.hpp"
#include "daemon/git/worktree_link.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>
#include <vector>

using namespace fab;
namespace fs = std::filesystem;

namespace {

int env_int(const char* name, int dflt) {
    const char* v = std::getenv(name);
    return v && *v ? std::atoi(v) : dflt;
}

// Set-up only: the benchmark's own repository, built with a shell.
void sh(const std::string& dir, const std::string& cmd) {
    int rc = std::system(("cd '" + dir + "' && " + cmd + " >/dev/null 2>&1").c_str());
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
        std::fprintf(stderr, "bench-git-queries: set-up failed: %s\n", cmd.c_str());
        std::exit(1);
    }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Figures {
    double median, p90;
};
Figures measure(int runs, const std::function<bool()>& once) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        if (!once()) {
            std::fprintf(stderr, "bench-git-queries: a query failed\n");
            std::exit(1);
        }
        t.push_back(ms_since(t0));
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], t[std::min(t.size() - 1, t.size() * 9 / 10)]};
}

// One git child, as the daemon runs it, to completion.
ev::ProcessResult cli(const safegit::Where& where, const std::vector<std::string>& args) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    ev::ProcessResult out;
    ev::run_process(&loop, safegit::command(where, args),
                    [&](ev::ProcessResult r) { out = std::move(r); });
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 50;
    if (runs < 1) runs = 50;
    int files = env_int("FILES", 2000), commits = env_int("COMMITS", 200);
    gitq::Library libgit2;

    char tmpl[] = "/tmp/fab-bench-git-XXXXXX";
    std::string root = ::mkdtemp(tmpl);
    std::string repo = root + "/repo", wt = root + "/wt-a1";
    for (const char* kv : {"GIT_AUTHOR_NAME=b", "GIT_AUTHOR_EMAIL=b@example.com",
                           "GIT_COMMITTER_NAME=b", "GIT_COMMITTER_EMAIL=b@example.com"})
        ::putenv(const_cast<char*>(kv));
    std::fprintf(stderr, "bench-git-queries: making a repository (%d files, %d commits)…\n", files,
                 commits);
    sh(root, "git init -q -b main repo");
    for (int i = 0; i < files; ++i) {
        std::string d = repo + "/src/d" + std::to_string(i % 50);
        fs::create_directories(d);
        std::ofstream(d + "/f" + std::to_string(i) + ".txt")
            << "line one of " << i << "\nline two\nline three\n";
    }
    std::ofstream(repo + "/.gitignore") << "*.o\nbuild/\n";
    sh(repo, "git add -A && git commit -q -m base");
    // History on main: a fast-import stream (one process, not one per commit).
    {
        std::ofstream fi(root + "/hist.fi");
        for (int i = 0; i < commits; ++i) {
            std::string body = "change " + std::to_string(i) + "\n";
            fi << "commit refs/heads/main\ncommitter b <b@example.com> " << 1700000000 + i
               << " +0000\ndata <<EOM\ncommit " << i << "\nEOM\n"
               << (i == 0 ? "from refs/heads/main^0\n" : "") << "M 100644 inline src/d" << i % 50
               << "/hist.txt\ndata " << body.size() << "\n"
               << body << "\n";
        }
    }
    sh(repo, "git fast-import --quiet < ../hist.fi && git reset -q --hard main");
    sh(repo, "git checkout -q -b fab/x");
    for (int i = 0; i < 5; ++i)
        sh(repo, "echo work" + std::to_string(i) + " >> src/d1/f1.txt && git commit -q -am 'work " +
                     std::to_string(i) + "'");
    sh(repo, "git checkout -q main && git worktree add -q '" + wt + "' fab/x");
    fs::create_directories(repo + "/build");
    std::ofstream(repo + "/build/out.o") << "ignored\n";
    // An index whose stat data is not "racy" (written a second after the
    // files changed), as in use: otherwise both sides re-read every file.
    ::sleep(1);
    sh(repo, "git update-index -q --really-refresh; git status --porcelain >/dev/null");
    sh(wt, "git update-index -q --really-refresh; git status --porcelain >/dev/null");
    auto link = safegit::verify_worktree(repo, wt);
    if (!link) {
        std::fprintf(stderr, "bench-git-queries: %s\n", link.error().c_str());
        return 1;
    }
    safegit::Where w(wt, *link);

    struct Row {
        const char* name;
        const char* cli_call;
        std::function<bool()> lib, cli;
    };
    std::vector<Row> rows = {
        {"dirty check, clean worktree", "status --porcelain=v2 -z",
         [&] { return gitq::is_dirty(w).ok(); },
         [&] {
             return cli(w, {"status", "--porcelain=v2", "-z"}).ok();
         }},
        {"dirty check, clone, tracked only", "status --porcelain -uno",
         [&] { return gitq::is_dirty(repo, false).ok(); },
         [&] {
             return cli(repo, {"status", "--porcelain", "-uno"}).ok();
         }},
        {"ahead count main..fab/x", "rev-list --count main..fab/x",
         [&] { return gitq::count(repo, "fab/x", {"main"}).ok(); },
         [&] {
             return cli(repo, {"rev-list", "--count", "main..fab/x"}).ok();
         }},
        {"merged into main", "merge-base --is-ancestor",
         [&] { return gitq::is_ancestor(repo, "main", "fab/x").ok(); },
         [&] {
             return cli(repo, {"merge-base", "--is-ancestor", "main", "fab/x"}).ok();
         }},
        {"commit log main..fab/x", "log --reverse --format=%H%x1f%s",
         [&] { return gitq::log(repo, "main", "fab/x").ok(); },
         [&] {
             return cli(repo, {"log", "--reverse", "--format=%H%x1f%s", "main..fab/x"}).ok();
         }},
        {"commit log, whole history", "log --reverse --format=%H%x1f%s",
         [&] { return gitq::log(repo, "main~" + std::to_string(commits), "main").ok(); },
         [&] {
             return cli(repo, {"log", "--reverse", "--format=%H%x1f%s",
                               "main~" + std::to_string(commits) + "..main"})
                 .ok();
         }},
        {"diff stat main fab/x", "diff --shortstat",
         [&] { return gitq::diff_stat(repo, "main", "fab/x").ok(); },
         [&] {
             return cli(repo, {"diff", "--shortstat", "main", "fab/x"}).ok();
         }},
    };
    // One change in the worktree: the dirty check can stop at it.
    Row changed = {"dirty check, one change", "status --porcelain=v2 -z",
                   [&] { return *gitq::is_dirty(w); },
                   [&] {
                       return !cli(w, {"status", "--porcelain=v2", "-z"}).out.empty();
                   }};

    std::printf("git queries: libgit2 in process vs the git CLI call it replaces "
                "(%d runs each; %d files, %d commits)\n",
                runs, files, commits + 1);
    std::printf("  %-34s %-34s %17s %17s %8s\n", "query", "CLI call", "libgit2 med/p90",
                "CLI med/p90", "CLI/lib");
    auto print = [&](const Row& r) {
        Figures l = measure(runs, r.lib), c = measure(runs, r.cli);
        std::printf("  %-34s %-34s %7.3f/%7.3f ms %7.3f/%7.3f ms %7.1fx\n", r.name, r.cli_call,
                    l.median, l.p90, c.median, c.p90, c.median / l.median);
    };
    for (const auto& r : rows) print(r);
    std::ofstream(wt + "/src/d7/f7.txt", std::ios::app) << "edit\n";
    print(changed);
    fs::remove_all(root);
    return 0;
}
