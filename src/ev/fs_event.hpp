// ev::FsEvent: a uv_fs_event_t watching one path (a file or a directory, not
// recursive: UV_FS_EVENT_RECURSIVE is ignored on Linux). Callbacks carry the
// changed name when the kernel gives one. Loop thread only.
#pragma once

#include "ev/handle.hpp"

#include <functional>
#include <string>

namespace fab::ev {

class FsEvent {
  public:
    using Fn = std::function<void(const std::string& name)>;
    explicit FsEvent(uv_loop_t* loop);
    ~FsEvent() { close_and_free(h_); }
    FsEvent(const FsEvent&) = delete;
    FsEvent& operator=(const FsEvent&) = delete;

    // 0 or a uv error (UV_ENOENT when the path does not exist).
    int start(const std::string& path, Fn fn);
    void stop();
    bool active() const { return h_ && uv_is_active(reinterpret_cast<uv_handle_t*>(h_)); }

  private:
    uv_fs_event_t* h_;
    Fn fn_;
};

} // namespace fab::ev
