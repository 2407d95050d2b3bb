// ev::Timer: a uv_timer_t with a std::function callback. Loop thread only.
#pragma once

#include "ev/handle.hpp"

#include <cstdint>
#include <functional>

namespace fab::ev {

class Timer {
  public:
    explicit Timer(uv_loop_t* loop);
    ~Timer() { close_and_free(h_); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void start(uint64_t timeout_ms, uint64_t repeat_ms, std::function<void()> fn);
    void stop();
    // An active timer does not keep the loop alive when unref'd.
    void unref();

  private:
    uv_timer_t* h_;
    std::function<void()> fn_;
};

// ev::Signal: delivers a signal on the loop (never in a raw handler).
class Signal {
  public:
    explicit Signal(uv_loop_t* loop);
    ~Signal() { close_and_free(h_); }
    Signal(const Signal&) = delete;
    Signal& operator=(const Signal&) = delete;

    void start(int signum, std::function<void(int)> fn);
    void unref();

  private:
    uv_signal_t* h_;
    std::function<void(int)> fn_;
};

} // namespace fab::ev
