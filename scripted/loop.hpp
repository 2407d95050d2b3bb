// The one event loop: stdin lines, signals and child pipes, all via poll(2).
// Blocking steps of a turn (a command, a hook, a sleep, a permission prompt)
// call run_once() repeatedly, so stdin is served the whole time: an interrupt
// or a control_response is read while a command runs.
#pragma once

#include "child.hpp"

#include <functional>
#include <string>
#include <vector>

namespace scripted {

class Loop {
  public:
    Loop(); // installs the SIGCHLD/SIGINT/SIGTERM handlers (self-pipe)
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    std::function<void(std::string line)> on_line; // one stdin line, without '\n'
    std::function<void()> on_eof;
    std::function<void(int sig)> on_signal; // SIGINT or SIGTERM

    // Children are owned elsewhere; registered ones are polled and reaped.
    void add(Child* c);
    void remove(Child* c);

    // Waits at most `timeout_ms` (-1: forever) and dispatches what happened.
    void run_once(int timeout_ms);
    bool stdin_eof() const { return eof_; }

  private:
    void read_stdin();

    int sig_read_ = -1;
    bool eof_ = false;
    std::string buf_;
    std::vector<Child*> children_;
};

} // namespace scripted
