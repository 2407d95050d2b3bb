// POST /api/v1/messages: any protocol request, for the remote client
// (`fab --server-url …`, src/remote/bridge.cpp). The body is the request line
// exactly as the Unix socket takes it; the response is what the socket would
// have written for it — events for this request, then its answer — each
// line as one Server-Sent Event `data:`. The request goes through the same
// Router as a socket line. `attach` keeps the stream open: its events
// follow, live, with a keep-alive comment every 15 s, until the client goes;
// the stream subscribes to the EventHub as an external client, so the same
// bound applies (past kLagBytes the client gets `resync` and nothing more).
#include "daemon/daemon.hpp"
#include "daemon/events.hpp"
#include "daemon/http/http_internal.hpp"
#include "ev/timer.hpp"

#include <cstdlib>
#include <new>

namespace fab {

namespace {

class MessageStream;

// The handler's way back; unhooked when the stream (the HTTP request) goes
// first, so a late answer is dropped.
class MessageResponder final : public Responder {
  public:
    MessageResponder(MessageStream* s, uint64_t client) : stream_(s), client_(client) {}
    void send_ok(const Json& payload) override;
    void send_error(const std::string& error) override;
    bool send_event(const Json& ev) override;
    uint64_t client() const override { return client_; }
    void unhook() { stream_ = nullptr; }
    std::string type, id;

  private:
    MessageStream* stream_;
    uint64_t client_;
};

class MessageStream {
  public:
    h2o_generator_t gen{}; // first: h2o hands this pointer back
    MessageStream(HttpServer& s, h2o_req_t* req, bool stays_open)
        : server_(s), req_(req), stays_open_(stays_open) {}
    ~MessageStream() { detach(); }

    void begin(const Request& q) {
        gen.proceed = [](h2o_generator_t* g, h2o_req_t*) {
            reinterpret_cast<MessageStream*>(g)->on_proceed();
        };
        gen.stop = [](h2o_generator_t* g, h2o_req_t*) {
            auto* self = reinterpret_cast<MessageStream*>(g);
            self->stopped_ = true;
            self->detach();
        };
        h2o_start_response(req_, &gen);
        EventHub& hub = server_.daemon().supervisor().events();
        client_ = hub.add_external({[this](std::string line) { push_line(std::move(line)); },
                                    [this] { return pending_.size() + inflight_.size(); }});
        responder_ = std::make_shared<MessageResponder>(this, client_);
        responder_->type = q.type;
        responder_->id = q.id;
        if (stays_open_) {
            // The daemon stopping ends the stream (the client sees it end).
            server_.add_open_response(this, [this] {
                closing_ = true;
                flush();
            });
            keepalive_ = std::make_unique<ev::Timer>(server_.daemon().loop());
            uint64_t every = http::sse_keepalive_ms();
            keepalive_->start(every, every, [this] {
                pending_ += ": keep-alive\n\n";
                flush();
            });
        }
        Reply reply(responder_);
        server_.daemon().router().dispatch(q, reply);
    }

    // One protocol line (with or without its newline) as one event.
    void push_line(std::string line) {
        if (finished_ || stopped_) return;
        while (!line.empty() && line.back() == '\n') line.pop_back();
        pending_ += "data: " + line + "\n\n";
        flush();
    }
    // After the answer: the stream ends, unless it carries an attach.
    void answered() {
        if (!stays_open_) closing_ = true;
        flush();
    }

  private:
    void detach() {
        if (stays_open_) server_.remove_open_response(this);
        if (responder_) responder_->unhook();
        if (client_) server_.daemon().supervisor().events().remove_external(client_);
        client_ = 0;
        keepalive_.reset();
    }
    void flush() {
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
    void on_proceed() {
        sending_ = false;
        inflight_.clear();
        flush();
    }

    HttpServer& server_;
    h2o_req_t* req_;
    bool stays_open_;
    uint64_t client_ = 0;
    std::shared_ptr<MessageResponder> responder_;
    std::string pending_, inflight_;
    bool sending_ = false, closing_ = false, finished_ = false, stopped_ = false;
    std::unique_ptr<ev::Timer> keepalive_;
};

void MessageResponder::send_ok(const Json& payload) {
    if (!stream_) return;
    stream_->push_line(encode_response(type, id, payload));
    stream_->answered();
}

void MessageResponder::send_error(const std::string& error) {
    if (!stream_) return;
    stream_->push_line(encode_error(type, id, error));
    stream_->answered();
}

bool MessageResponder::send_event(const Json& ev) {
    if (!stream_) return false;
    Json e = ev;
    e["type"] = "event";
    e["request_id"] = id;
    stream_->push_line(dump_json(e));
    return true;
}

} // namespace

namespace http {

void start_message(HttpServer& s, h2o_req_t* req, const std::string& rid) {
    std::string body(view(req->entity));
    auto parsed = parse_request(body);
    if (!parsed.error.empty()) return send_error(req, 400, parsed.error, rid);
    start_event_stream(req, rid);
    void* mem = h2o_mem_alloc_shared(&req->pool, sizeof(MessageStream), [](void* p) {
        static_cast<MessageStream*>(p)->~MessageStream();
    });
    auto* stream = new (mem) MessageStream(s, req, parsed.request.type == "attach");
    stream->begin(parsed.request);
}

} // namespace http

} // namespace fab
