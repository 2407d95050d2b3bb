// A child process (a Bash-tool command or a hook) whose output we collect
// while the event loop keeps serving stdin. Each child gets its own session
// (setsid), as claude's Bash children do, so a kill reaches its whole group.
#pragma once

#include "util/result.hpp"

#include <poll.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace scripted {

struct ChildSpec {
    std::vector<std::string> argv;
    std::string cwd;
    std::vector<std::string> env; // the whole environment, "K=V"
    std::string input;            // written to stdin, which is then closed
    bool merge_stderr = false;    // Bash: one interleaved stream, as a terminal shows it
    size_t limit = 64 * 1024;     // bytes kept per stream; the rest is dropped
};

class Child {
  public:
    static fab::Result<std::unique_ptr<Child>> spawn(const ChildSpec& spec);
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child(); // kills and reaps a child still running: nothing outlives its owner

    // Event-loop plumbing (owner: the Loop).
    void add_pollfds(std::vector<pollfd>& fds) const;
    void on_poll(const pollfd& p);
    void check_exit(); // non-blocking reap; drains what the pipes hold on exit

    bool done() const { return exited_; }
    void kill();                            // SIGKILL to the process group
    int exit_code() const { return code_; } // 128+signal when killed
    const std::string& out() const { return out_; }
    const std::string& err() const { return err_; }
    bool truncated() const { return truncated_; }

  private:
    Child() = default;
    void read_fd(int& fd, std::string& into, int max_chunks);
    void close_fd(int& fd);

    pid_t pid_ = -1;
    int in_ = -1, out_fd_ = -1, err_fd_ = -1;
    std::string input_;
    size_t input_off_ = 0;
    size_t limit_ = 0;
    std::string out_, err_;
    bool truncated_ = false;
    bool exited_ = false;
    int code_ = -1;
};

} // namespace scripted
