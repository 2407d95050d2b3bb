// One blocking way to run a program and collect what it prints: spawn an argv
// (never a shell string), feed stdin, capture stdout and stderr (bounded),
// enforce a deadline, and report how it ended. For the hook, the CLI and the
// tests; never on the daemon's event loop (the daemon has ev::Process, and
// git goes through daemon/git/safe_git).
//
// posix_spawn, poll and waitpid on that pid only: nothing process-wide is
// changed (stdin is a socket written with MSG_NOSIGNAL, so a program that
// exits without reading costs EPIPE, not a SIGPIPE).
#pragma once

#include "util/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fab {

struct RunSpec {
    std::vector<std::string> argv;               // argv[0] without a '/' is looked up on PATH
    std::string cwd;                             // "" = this process's
    std::optional<std::vector<std::string>> env; // the whole environment, "K=V"; none = ours
    std::optional<std::string> input;            // written to stdin, then closed; none = /dev/null
    int timeout_ms = 30000;                      // the whole run, from the spawn
    size_t max_output = 1024 * 1024;             // kept per stream; the rest is read and dropped
    bool capture_stderr = true;                  // false: stderr goes to /dev/null
    // In a process group of its own, killed as a whole at the deadline, so
    // that a child it left behind cannot hold the caller. Off: only the
    // process is killed (it shares the caller's group and terminal).
    bool own_process_group = true;
};

struct RunResult {
    int exit_code = -1;     // the exit status; -1 if a signal ended it
    int signal = 0;         // the signal that ended it, or 0
    bool timed_out = false; // killed at the deadline (then signal == SIGKILL)
    std::string out, err;   // at most max_output bytes each
    bool out_truncated = false, err_truncated = false;

    bool ok() const { return exit_code == 0; }
    // "exited with 3", "killed by signal 9", "timed out after 5000 ms".
    std::string describe(int timeout_ms) const;
};

// Runs `spec` to its end (the process exited and both streams reached EOF)
// or to its deadline. An error only when it could not be started at all.
Result<RunResult> run_process(const RunSpec& spec);

} // namespace fab
