// Git for merges, branch cleanup and ticket commits: the git CLI as child
// processes of the loop (argv only, never a shell string, never blocking the
// loop), built by safe_git.hpp like every git the daemon runs: no hooks, no
// fsmonitor, no submodule recursion, no prompt. Loop thread only.
#pragma once

#include "daemon/git/safe_git.hpp"
#include "ev/process.hpp"

#include <string>
#include <vector>

namespace fab::gitcmd {

// `git -C <where> <args…>`; `done` gets the exit status and the captured
// output. An agent's worktree is given with its verified git dir
// (safegit::verify_worktree). `extra_env` ("KEY=value") is added to the
// environment (GIT_INDEX_FILE for the attic's temporary index).
void run(uv_loop_t* loop, const safegit::Where& where, std::vector<std::string> args,
         ev::Process::DoneFn done, std::vector<std::string> extra_env = {});

// Non-empty lines of a command's output, trimmed: never for path names (a
// status line starts with a space; use `-z` and daemon/agents/porcelain.hpp).
std::vector<std::string> lines(const std::string& out);

// The first line of `out`, trimmed (rev-parse, symbolic-ref).
std::string first_line(const std::string& out);

// "<what>: <git's last stderr line>" (or its exit status when it printed nothing).
std::string failure(const std::string& what, const ev::ProcessResult& r);

} // namespace fab::gitcmd
