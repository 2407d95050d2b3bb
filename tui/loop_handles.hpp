// The two libuv handles the TUI needs beyond src/ev: a prepare handle (draw
// once per loop iteration, just before the loop blocks) and a poll handle on
// the terminal's input. Same ownership rule as src/ev: freed in the close
// callback. Loop thread only.
#pragma once

#include "ev/handle.hpp"

#include <functional>

namespace fab::tui {

class Prepare {
  public:
    explicit Prepare(uv_loop_t* loop) : h_(new uv_prepare_t) {
        uv_prepare_init(loop, h_);
        h_->data = this;
    }
    ~Prepare() { ev::close_and_free(h_); }
    Prepare(const Prepare&) = delete;
    Prepare& operator=(const Prepare&) = delete;
    void start(std::function<void()> fn) {
        fn_ = std::move(fn);
        uv_prepare_start(h_, [](uv_prepare_t* p) {
            if (auto* self = static_cast<Prepare*>(p->data)) self->fn_();
        });
    }

  private:
    uv_prepare_t* h_;
    std::function<void()> fn_;
};

class Poll {
  public:
    Poll(uv_loop_t* loop, int fd) : h_(new uv_poll_t) {
        uv_poll_init(loop, h_, fd);
        h_->data = this;
    }
    ~Poll() { ev::close_and_free(h_); }
    Poll(const Poll&) = delete;
    Poll& operator=(const Poll&) = delete;
    // fn(status): 0 when readable, a uv error otherwise.
    void start(std::function<void(int)> fn) {
        fn_ = std::move(fn);
        uv_poll_start(h_, UV_READABLE, [](uv_poll_t* p, int status, int) {
            if (auto* self = static_cast<Poll*>(p->data)) self->fn_(status);
        });
    }
    void stop() {
        if (h_) uv_poll_stop(h_);
    }

  private:
    uv_poll_t* h_;
    std::function<void(int)> fn_;
};

} // namespace fab::tui
