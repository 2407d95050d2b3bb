#include "ev/stream.hpp"

#include <memory>

namespace fab::ev {

Stream::Stream(uv_loop_t* loop) : h_(new uv_pipe_t) {
    uv_pipe_init(loop, h_, 0);
    h_->data = this;
}

bool Stream::open_fd(int fd) {
    return h_ && uv_pipe_open(h_, fd) == 0;
}

int Stream::fd() const {
    uv_os_fd_t fd = -1;
    if (h_) uv_fileno(reinterpret_cast<const uv_handle_t*>(h_), &fd);
    return fd;
}

void Stream::read_start(ReadFn on_read, EndFn on_end) {
    on_read_ = std::move(on_read);
    on_end_ = std::move(on_end);
    uv_read_start(
        raw(),
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
            auto* self = static_cast<Stream*>(h->data);
            if (!self) {
                *buf = uv_buf_init(nullptr, 0);
                return;
            }
            *buf = uv_buf_init(self->buf_, sizeof self->buf_);
        },
        [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
            auto* self = static_cast<Stream*>(s->data);
            if (!self) return;
            if (n > 0) {
                self->on_read_(self->buf_, static_cast<size_t>(n));
            } else if (n < 0) {
                uv_read_stop(s);
                // The callback may destroy `self`; it must be the last use.
                auto end = self->on_end_;
                end(static_cast<int>(n));
            }
        });
}

void Stream::read_stop() {
    if (h_) uv_read_stop(raw());
}

bool Stream::write(std::string data) {
    if (!h_ || uv_is_closing(reinterpret_cast<uv_handle_t*>(h_))) return false;
    struct Req {
        uv_write_t req;
        std::string data;
    };
    auto* r = new Req{{}, std::move(data)};
    uv_buf_t buf = uv_buf_init(r->data.data(), static_cast<unsigned>(r->data.size()));
    int rc = uv_write(&r->req, raw(), &buf, 1,
                      [](uv_write_t* w, int) { delete reinterpret_cast<Req*>(w); });
    if (rc != 0) {
        delete r;
        return false;
    }
    return true;
}

size_t Stream::queued_bytes() const {
    return h_ ? uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(h_)) : 0;
}

PipeServer::PipeServer(uv_loop_t* loop) : h_(new uv_pipe_t) {
    uv_pipe_init(loop, h_, 0);
    h_->data = this;
}

int PipeServer::listen(const std::string& path, AcceptFn on_accept) {
    on_accept_ = std::move(on_accept);
    if (int rc = uv_pipe_bind(h_, path.c_str()); rc != 0) return rc;
    return uv_listen(reinterpret_cast<uv_stream_t*>(h_), 128, [](uv_stream_t* s, int status) {
        auto* self = static_cast<PipeServer*>(s->data);
        if (self && status == 0) self->on_accept_(s);
    });
}

void queue_work(uv_loop_t* loop, std::function<void()> work, std::function<void()> done) {
    struct Req {
        uv_work_t req;
        std::function<void()> work, done;
    };
    auto* r = new Req{{}, std::move(work), std::move(done)};
    uv_queue_work(
        loop, &r->req, [](uv_work_t* w) { reinterpret_cast<Req*>(w)->work(); },
        [](uv_work_t* w, int) {
            std::unique_ptr<Req> req(reinterpret_cast<Req*>(w));
            if (req->done) req->done();
        });
}

} // namespace fab::ev
