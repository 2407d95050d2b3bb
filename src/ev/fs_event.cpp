#include "ev/fs_event.hpp"

namespace fab::ev {

FsEvent::FsEvent(uv_loop_t* loop) : h_(new uv_fs_event_t) {
    uv_fs_event_init(loop, h_);
    h_->data = this;
}

int FsEvent::start(const std::string& path, Fn fn) {
    stop();
    fn_ = std::move(fn);
    return uv_fs_event_start(
        h_,
        [](uv_fs_event_t* h, const char* name, int, int) {
            // A copy: the callback may destroy the FsEvent that runs it.
            if (auto* self = static_cast<FsEvent*>(h->data)) {
                auto cb = self->fn_;
                cb(name ? name : "");
            }
        },
        path.c_str(), 0);
}

void FsEvent::stop() {
    if (h_) uv_fs_event_stop(h_);
}

} // namespace fab::ev
