// ev::Stream: one end of a Unix-socket or pipe connection on the loop.
// Reads arrive as byte chunks; writes are queued by libuv and the queue size
// is visible so owners can bound it (a slow peer is cut off or resynced,
// never allowed to grow memory without limit). Loop thread only.
#pragma once

#include "ev/handle.hpp"

#include <functional>
#include <string>

namespace fab::ev {

class Stream {
  public:
    using ReadFn = std::function<void(const char* data, size_t len)>;
    using EndFn = std::function<void(int status)>; // UV_EOF or an error

    explicit Stream(uv_loop_t* loop);
    ~Stream() { close(); }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    uv_pipe_t* pipe() { return h_; }
    uv_stream_t* raw() { return reinterpret_cast<uv_stream_t*>(h_); }
    bool open_fd(int fd); // adopts an existing fd (e.g. from accept or socketpair)
    int fd() const;

    void read_start(ReadFn on_read, EndFn on_end);
    void read_stop();
    // Queues `data`; false when the stream is closed or the write failed.
    bool write(std::string data);
    size_t queued_bytes() const;
    bool closed() const { return h_ == nullptr; }
    void close() { close_and_free(h_); }

  private:
    uv_pipe_t* h_;
    ReadFn on_read_;
    EndFn on_end_;
    char buf_[64 * 1024];
};

// Listens on a Unix socket path. The caller has checked the path length,
// removed a stale socket (only after a refused connect) and set the umask.
class PipeServer {
  public:
    using AcceptFn = std::function<void(uv_stream_t* server)>;
    explicit PipeServer(uv_loop_t* loop);
    ~PipeServer() { close_and_free(h_); }
    PipeServer(const PipeServer&) = delete;
    PipeServer& operator=(const PipeServer&) = delete;

    int listen(const std::string& path, AcceptFn on_accept); // 0 or a uv error
    void close() { close_and_free(h_); }

  private:
    uv_pipe_t* h_;
    AcceptFn on_accept_;
};

// Runs `work` on the libuv thread pool and `done` back on the loop thread.
// `work` must not touch loop-owned state; results travel in captured values.
void queue_work(uv_loop_t* loop, std::function<void()> work, std::function<void()> done);

} // namespace fab::ev
