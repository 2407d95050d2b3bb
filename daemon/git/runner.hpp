// The daemon's one way to run git (Daemon::git()): the git CLI for
// mutations, libgit2 for read-only queries, both off the loop thread's back.
//
//   - run(): the git CLI as a child process of the loop (uv_spawn: the loop
//     never waits on it), with the command line and environment of
//     safe_git.hpp — no hooks, fsmonitor, filters or prompts, SSH in batch
//     mode — and argv only, never a shell string;
//   - query(): a blocking libgit2 query (queries.hpp) on the thread pool,
//     its result delivered on the loop thread;
//   - jobs(): the per-repository queue (repo_jobs.hpp) for what must not
//     overlap on one clone.
// Modules get a Runner& instead of the whole daemon. Loop thread only.
#pragma once

#include "daemon/git/queries.hpp"
#include "daemon/git/repo_jobs.hpp"
#include "daemon/git/safe_git.hpp"
#include "ev/process.hpp"
#include "ev/stream.hpp"
#include "util/result.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fab::git {

class Runner {
  public:
    // libgit2 is initialised, and the user's own core.sshCommand (global and
    // system config, never a repository's: see safegit::env()) read, on the
    // first git this runner runs, not before: libgit2's initialisation (it
    // initialises OpenSSL) costs ~0.55 MiB of private memory, which a daemon
    // that has run no git yet does not pay. A change to core.sshCommand
    // takes a daemon restart.
    explicit Runner(uv_loop_t* loop) : loop_(loop) {}

    uv_loop_t* loop() const { return loop_; }
    RepoJobs& jobs() { return jobs_; }

    // `git <args…>` in `where`; `done` gets the exit status and the captured
    // output. `extra_env` ("KEY=value") is added (GIT_INDEX_FILE for the
    // attic's temporary index).
    void run(const safegit::Where& where, std::vector<std::string> args, ev::Process::DoneFn done,
             std::vector<std::string> extra_env = {});

    // The same command as spawn options, for a caller that needs its own
    // (a clone that streams its progress), then run as it is.
    ev::SpawnOptions command(const safegit::Where& where, const std::vector<std::string>& args);
    void run(const ev::SpawnOptions& command, ev::Process::DoneFn done);

    // The environment for programs that run git themselves (gh).
    std::vector<std::string> env() { return safegit::env(users_ssh_command()); }

    // `work` on the thread pool (it must touch nothing of the loop's), then
    // `done(result)` on the loop thread.
    template <typename T>
    void query(std::function<Result<T>()> work, std::function<void(Result<T>)> done) {
        init_libgit2(); // here, on the loop thread: the pool threads find it done
        auto out = std::make_shared<std::optional<Result<T>>>();
        ev::queue_work(
            loop_, [out, work = std::move(work)] { out->emplace(work()); },
            [out, done = std::move(done)] { done(std::move(**out)); });
    }

  private:
    void init_libgit2();
    const std::string& users_ssh_command();

    uv_loop_t* loop_;
    std::optional<gitq::Library> libgit2_; // from the first git on, while the runner lives
    std::optional<std::string> users_ssh_command_;
    RepoJobs jobs_;
};

// Helpers for reading the CLI's output.
// Non-empty lines of a command's output, trimmed: never for path names (a
// status line starts with a space; use `-z` and daemon/agents/porcelain.hpp).
std::vector<std::string> lines(const std::string& out);
// The first line of `out`, trimmed (rev-parse, symbolic-ref).
std::string first_line(const std::string& out);
// "<what>: <git's last stderr line>" (or its exit status when it printed nothing).
std::string failure(const std::string& what, const ev::ProcessResult& r);

} // namespace fab::git
