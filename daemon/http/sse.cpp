// Server-Sent Events over h2o: GET /api/v1/runs/{id}/attach (one run) and
// GET /api/v1/attach (every run). What a stream sends comes from its feed
// (sse_feed.hpp): stored events are replayed from state.db a page at a time
// (only when the client has taken the previous page), then live events
// follow. A keep-alive comment goes out every 15 s. Each stream buffers at
// most kMaxSseBuffered bytes: a client that falls behind gets a last
// `resync` event naming where to resume, and the stream closes — memory
// never grows with a stalled reader.
#include "daemon/http/sse.hpp"

#include "daemon/daemon.hpp"
#include "daemon/http/http_internal.hpp"
#include "ev/timer.hpp"

#include <new>
#include <sys/socket.h>

namespace fab {

class SseStream {
  public:
    h2o_generator_t gen{}; // first: h2o hands this pointer back
    SseStream(HttpServer& s, h2o_req_t* req, std::unique_ptr<SseFeed> feed)
        : server_(s), req_(req), feed_(std::move(feed)) {}
    ~SseStream() { detach(); }

    void begin();
    void end(); // final send, then h2o disposes the request (and this)
    void on_proceed();
    void on_stop() {
        stopped_ = true;
        detach();
    }
    size_t buffered() const { return pending_.size() + inflight_.size(); }

  private:
    void detach() {
        if (token_) server_.daemon().runs().unlisten(token_);
        token_ = 0;
        keepalive_.reset();
        server_.remove_stream(this);
    }
    void fill();
    void push(const Json& ev);
    void flush();

    static constexpr int64_t kPage = 200;

    HttpServer& server_;
    h2o_req_t* req_;
    std::unique_ptr<SseFeed> feed_;
    std::string pending_, inflight_;
    bool sending_ = false, replaying_ = true, closing_ = false, stopped_ = false, finished_ = false;
    uint64_t token_ = 0;
    std::unique_ptr<ev::Timer> keepalive_;
};

void SseStream::begin() {
    server_.add_stream(this);
    gen.proceed = [](h2o_generator_t* g, h2o_req_t*) {
        reinterpret_cast<SseStream*>(g)->on_proceed();
    };
    gen.stop = [](h2o_generator_t* g, h2o_req_t*) { reinterpret_cast<SseStream*>(g)->on_stop(); };
    h2o_start_response(req_, &gen);
    keepalive_ = std::make_unique<ev::Timer>(server_.daemon().loop());
    uint64_t every = http::sse_keepalive_ms();
    keepalive_->start(every, every, [this] {
        if (sending_ || !pending_.empty()) return; // not idle: data is on its way
        pending_ += ": keep-alive\n\n";
        flush();
    });
    pending_ = ": connected\n\n"; // the headers go out now, not with the first event
    if (std::string id = feed_->initial_id(); !id.empty()) pending_ += "id: " + id + "\n\n";
    fill();
    flush();
}

void SseStream::push(const Json& ev) {
    if (closing_ || !feed_->fresh(ev)) return;
    std::string data = dump_json(ev);
    // Room for the frame's id line (a few hundred bytes at most) and for the
    // resync event: what is buffered never passes kMaxSseBuffered.
    constexpr size_t kSlack = 2048;
    if (buffered() + data.size() + kSlack > http::kMaxSseBuffered) {
        // Too slow: one last event says where to resume, then the end.
        pending_ += "event: resync\ndata: " + dump_json(feed_->resync()) + "\n\n";
        closing_ = true;
        server_.count_dropped_stream();
        return;
    }
    pending_ += "id: " + feed_->advance(ev) + "\ndata: " + data + "\n\n";
}

// Replays the next page from the store while the buffer has room; once the
// store has nothing newer, goes live (events after that arrive by listen).
void SseStream::fill() {
    while (replaying_ && !closing_ && buffered() < http::kMaxSseBuffered / 2) {
        auto page = feed_->replay(kPage);
        if (!page) {
            closing_ = true;
            return;
        }
        for (const auto& ev : *page) push(ev);
        if (static_cast<int64_t>(page->size()) < kPage) {
            replaying_ = false;
            if (!feed_->goes_live()) {
                closing_ = true; // everything it will ever have is in the store
                return;
            }
            token_ = feed_->listen([this](const Json& ev) {
                if (ev.is_null()) {
                    closing_ = true; // after the terminal event
                } else {
                    push(ev);
                }
                flush();
            });
        }
    }
}

void SseStream::flush() {
    if (stopped_ || sending_ || finished_) return;
    if (pending_.empty() && !closing_) return;
    inflight_ = std::move(pending_);
    pending_.clear();
    h2o_iovec_t buf = h2o_iovec_init(inflight_.data(), inflight_.size());
    h2o_send_state_t st = closing_ ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS;
    if (closing_) {
        finished_ = true;
        detach();
    }
    sending_ = true;
    h2o_send(req_, &buf, inflight_.empty() ? 0 : 1, st);
}

void SseStream::on_proceed() {
    sending_ = false;
    inflight_.clear();
    if (finished_ || stopped_) return;
    fill();
    flush();
}

void SseStream::end() {
    closing_ = true;
    pending_.clear();
    if (!sending_)
        flush();
    else
        detach(); // the final send goes out after the current one (on_proceed → flush)
}

namespace http {

void end_stream(SseStream* s) {
    s->end();
}

size_t stream_buffered(const SseStream* s) {
    return s->buffered();
}

void start_stream(HttpServer& s, h2o_req_t* req, std::unique_ptr<SseFeed> feed,
                  const std::string& rid) {
    // The kernel's share is bounded too: Linux would grow a stalled reader's
    // send buffer to tcp_wmem's 4 MiB before our own cap is ever reached.
    h2o_socket_t* sock =
        req->conn->callbacks->get_socket ? req->conn->callbacks->get_socket(req->conn) : nullptr;
    if (int fd = sock ? h2o_socket_get_fd(sock) : -1; fd >= 0) {
        int size = static_cast<int>(kSseSocketSendBuffer);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    start_event_stream(req, rid);
    // Lives in the request's pool: freed (destructor run) with the request.
    void* mem = h2o_mem_alloc_shared(&req->pool, sizeof(SseStream),
                                     [](void* p) { static_cast<SseStream*>(p)->~SseStream(); });
    auto* stream = new (mem) SseStream(s, req, std::move(feed));
    stream->begin();
}

Json sse_stats(const HttpServer& s) {
    size_t bytes = 0;
    for (const SseStream* st : s.streams()) bytes += stream_buffered(st);
    return {{"streams", s.streams().size()},
            {"buffered_bytes", bytes},
            {"max_buffered_bytes_per_stream", http::kMaxSseBuffered},
            {"dropped_slow", s.dropped_streams()}};
}

} // namespace http

} // namespace fab
