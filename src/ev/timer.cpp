#include "ev/timer.hpp"

#include <vector>

namespace fab::ev {

int close_loop(uv_loop_t* loop) {
    uv_walk(
        loop,
        [](uv_handle_t* h, void*) {
            if (!uv_is_closing(h)) uv_close(h, nullptr);
        },
        nullptr);
    uv_run(loop, UV_RUN_DEFAULT);
    return uv_loop_close(loop);
}

Timer::Timer(uv_loop_t* loop) : h_(new uv_timer_t) {
    uv_timer_init(loop, h_);
    h_->data = this;
}

void Timer::start(uint64_t timeout_ms, uint64_t repeat_ms, std::function<void()> fn) {
    fn_ = std::move(fn);
    uv_timer_start(
        h_,
        [](uv_timer_t* t) {
            // A copy: the callback may destroy the Timer that runs it.
            if (auto* self = static_cast<Timer*>(t->data)) {
                auto cb = self->fn_;
                cb();
            }
        },
        timeout_ms, repeat_ms);
}

void Timer::stop() {
    if (h_) uv_timer_stop(h_);
}

void Timer::unref() {
    uv_unref(reinterpret_cast<uv_handle_t*>(h_));
}

Signal::Signal(uv_loop_t* loop) : h_(new uv_signal_t) {
    uv_signal_init(loop, h_);
    h_->data = this;
}

void Signal::start(int signum, std::function<void(int)> fn) {
    fn_ = std::move(fn);
    uv_signal_start(
        h_,
        [](uv_signal_t* s, int n) {
            if (auto* self = static_cast<Signal*>(s->data)) {
                auto cb = self->fn_;
                cb(n);
            }
        },
        signum);
}

void Signal::unref() {
    uv_unref(reinterpret_cast<uv_handle_t*>(h_));
}

} // namespace fab::ev
