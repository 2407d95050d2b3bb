// ev::Process: a child started with uv_spawn (libuv owns SIGCHLD). It is a
// small state machine: finished only when the exit status AND end-of-file on
// every captured pipe have been seen (exit_cb can fire before the last output
// arrives). Captured output is bounded. Loop thread only.
#pragma once

#include "ev/handle.hpp"
#include "ev/stream.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fab::ev {

struct SpawnOptions {
    std::vector<std::string> argv; // argv[0] is looked up in PATH
    std::vector<std::string> env;  // empty = inherit
    std::string cwd;               // empty = inherit
    bool capture_stdout = true;    // else /dev/null
    bool capture_stderr = true;    // else /dev/null
    bool stdin_pipe = false;       // else /dev/null; see Process::write_stdin
    bool detached = false;         // own session (setsid)
    // Streaming instead of capturing: when set, output goes to these
    // callbacks as it arrives and nothing is kept in ProcessResult.
    std::function<void(const char*, size_t)> on_stdout;
    std::function<void(const char*, size_t)> on_stderr;
    size_t max_capture = 1024 * 1024; // per stream; the rest is dropped
};

struct ProcessResult {
    int64_t exit_status = -1;
    int term_signal = 0;
    std::string out, err;
    bool ok() const { return exit_status == 0 && term_signal == 0; }
    // Last non-empty line of stderr (git puts its reason there).
    std::string last_error_line() const;
};

class Process {
  public:
    using DoneFn = std::function<void(ProcessResult)>;
    explicit Process(uv_loop_t* loop) : loop_(loop) {}
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    // 0 or a uv error (e.g. UV_ENOENT when the program is missing).
    int spawn(const SpawnOptions& opts, DoneFn on_done);
    int pid() const { return pid_; }
    bool running() const { return h_ != nullptr && !exited_; }
    void kill(int signum);
    // Signals the child's whole process group (detached children lead one).
    void kill_group(int signum);
    bool write_stdin(std::string data); // false when stdin is closed
    void close_stdin();

  private:
    void maybe_finish();

    uv_loop_t* loop_;
    uv_process_t* h_ = nullptr;
    std::unique_ptr<Stream> in_, out_, err_;
    std::function<void(const char*, size_t)> on_out_, on_err_;
    ProcessResult result_;
    DoneFn on_done_;
    int pid_ = 0;
    int open_streams_ = 0;
    bool exited_ = false;
    size_t max_capture_ = 0;
};

// Spawns a process owned by itself; `done` runs once it finished.
// Convenient for one-shot commands such as git.
void run_process(uv_loop_t* loop, const SpawnOptions& opts, Process::DoneFn done);

} // namespace fab::ev
