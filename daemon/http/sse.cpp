// GET /api/v1/runs/{id}/attach: a run's events as Server-Sent Events. The
// events after since_seq are replayed from state.db a page at a time (only
// when the client has taken the previous page), then live events follow;
// `id:` is the event's seq, so a client resumes with since_seq=<last id>.
// A keep-alive comment goes out every 15 s. The stream ends after the run's
// terminal event. Each stream buffers at most kMaxBuffered bytes: a client
// that falls behind gets a last `resync` event naming the seq to resume
// from, and the stream closes — memory never grows with a stalled reader.
#include "daemon/daemon.hpp"
#include "daemon/http/http_internal.hpp"
#include "ev/timer.hpp"
#include "util/log.hpp"

#include <cstdlib>
#include <new>

namespace fab {

class SseStream {
  public:
    h2o_generator_t gen{}; // first: h2o hands this pointer back
    SseStream(HttpServer& s, h2o_req_t* req, std::string run_id, int64_t since)
        : server_(s), req_(req), run_id_(std::move(run_id)), last_seq_(since) {}
    ~SseStream() { detach(); }

    void begin();
    void end(); // final send, then h2o disposes the request (and this)
    void on_proceed();
    void on_stop() {
        stopped_ = true;
        detach();
    }

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

    static constexpr size_t kMaxBuffered = 256 * 1024;
    static constexpr int64_t kPage = 200;

    HttpServer& server_;
    h2o_req_t* req_;
    std::string run_id_;
    int64_t last_seq_; // the last seq put into the buffer
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
        pending_ += ": keep-alive\n\n";
        flush();
    });
    pending_ = ": connected\n\n"; // the headers go out now, not with the first event
    fill();
    flush();
}

void SseStream::push(const Json& ev) {
    if (closing_) return;
    int64_t seq = ev.value("seq", int64_t{0});
    if (seq <= last_seq_) return; // replayed already
    std::string frame = "id: " + std::to_string(seq) + "\ndata: " + dump_json(ev) + "\n\n";
    if (pending_.size() + frame.size() > kMaxBuffered) {
        // Too slow: one last event says where to resume, then the end.
        pending_ += "event: resync\ndata: " +
                    dump_json({{"resume_from_seq", last_seq_}, {"run_id", run_id_}}) + "\n\n";
        closing_ = true;
        return;
    }
    pending_ += frame;
    last_seq_ = seq;
}

// Replays the next page from the store while the buffer has room; once the
// store has nothing newer, goes live (events after that arrive by listen).
void SseStream::fill() {
    RunEngine& runs = server_.daemon().runs();
    while (replaying_ && !closing_ && pending_.size() < kMaxBuffered / 2) {
        auto page = runs.events(run_id_, last_seq_, kPage);
        if (!page) {
            closing_ = true;
            return;
        }
        const Json& data = (*page)["data"];
        for (const auto& ev : data) push(ev);
        if (static_cast<int64_t>(data.size()) < kPage) {
            replaying_ = false;
            const Run* r = runs.find(run_id_);
            if (!r || runs::is_terminal(r->pos.status)) {
                closing_ = true; // everything it will ever have is in the store
                return;
            }
            token_ = runs.listen(run_id_, [this](const Json& ev) {
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

void start_sse(HttpServer& s, h2o_req_t* req, const std::string& run_id, int64_t since_seq,
               const std::string& rid) {
    if (!s.daemon().runs().find(run_id))
        return send_error(req, 404, "no run \"" + run_id + "\"", rid);
    start_event_stream(req, rid);
    // Lives in the request's pool: freed (destructor run) with the request.
    void* mem = h2o_mem_alloc_shared(&req->pool, sizeof(SseStream),
                                     [](void* p) { static_cast<SseStream*>(p)->~SseStream(); });
    auto* stream = new (mem) SseStream(s, req, run_id, since_seq);
    stream->begin();
}

} // namespace http

} // namespace fab
