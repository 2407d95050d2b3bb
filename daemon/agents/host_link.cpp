#include "daemon/agents/host_link.hpp"

#include "util/log.hpp"
#include "util/time.hpp"

namespace fab {

HostLink::~HostLink() {
    *alive_ = false;
    close();
}

void HostLink::close() {
    retry_.reset();
    stream_.reset();
    fail_all("connection to the agent host closed");
}

void HostLink::fail_all(const std::string& why) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, cb] : pending) cb(make_error(why));
}

void HostLink::connect(int64_t timeout_ms, std::function<void(bool)> done) {
    connect_done_ = std::move(done);
    deadline_ = monotonic_ms() + timeout_ms;
    try_connect();
}

void HostLink::try_connect() {
    stream_ = std::make_unique<ev::Stream>(loop_);
    struct Req {
        uv_connect_t req;
        std::weak_ptr<bool> alive;
        HostLink* self;
    };
    auto* r = new Req{{}, alive_, this};
    uv_pipe_connect(&r->req, stream_->pipe(), path_.c_str(), [](uv_connect_t* c, int status) {
        std::unique_ptr<Req> req(reinterpret_cast<Req*>(c));
        auto alive = req->alive.lock();
        if (!alive || !*alive || status == UV_ECANCELED) return;
        HostLink* self = req->self;
        if (status == 0) {
            self->stream_->read_start([self](const char* d, size_t n) { self->on_data(d, n); },
                                      [self](int) {
                                          self->stream_.reset();
                                          self->fail_all("agent host closed the connection");
                                          auto closed = self->on_closed_; // may destroy us
                                          if (closed) closed();
                                      });
            auto done = std::move(self->connect_done_);
            if (done) done(true);
            return;
        }
        self->stream_.reset();
        if (monotonic_ms() >= self->deadline_) {
            auto done = std::move(self->connect_done_);
            if (done) done(false);
            return;
        }
        // The host may not have bound its socket yet: try again shortly.
        self->retry_ = std::make_unique<ev::Timer>(self->loop_);
        self->retry_->start(20, 0, [self] { self->try_connect(); });
    });
}

void HostLink::request(const std::string& type, const Json& payload, Callback cb) {
    if (!stream_) {
        cb(make_error("not connected to the agent host"));
        return;
    }
    std::string id = "d" + std::to_string(next_id_++);
    pending_[id] = std::move(cb);
    if (!stream_->write(encode_request(type, id, payload))) {
        auto it = pending_.find(id);
        auto c = std::move(it->second);
        pending_.erase(it);
        c(make_error("write to the agent host failed"));
    }
}

void HostLink::on_data(const char* d, size_t n) {
    in_.append(d, n);
    std::string line;
    std::weak_ptr<bool> alive = alive_;
    for (;;) {
        auto next = in_.next(line);
        if (next == LineBuffer::Next::need_more) return;
        if (next == LineBuffer::Next::too_long) {
            log::error("agent host sent an oversized line; closing " + path_);
            stream_.reset();
            fail_all("oversized line from the agent host");
            auto closed = on_closed_;
            if (closed) closed();
            return;
        }
        Json j = Json::parse(line, nullptr, false);
        if (!j.is_object()) continue;
        if (j.value("type", "") == "event") {
            // Hot path: no copy. Event handlers never destroy the link
            // (the supervisor only closes links outside these callbacks).
            if (on_event_) on_event_(j);
        } else {
            auto it = pending_.find(j.value("id", ""));
            if (it == pending_.end()) continue;
            auto cb = std::move(it->second);
            pending_.erase(it);
            if (j.value("success", false))
                cb(j.contains("payload") ? j["payload"] : Json::object());
            else
                cb(make_error(j.value("error", "request failed")));
        }
        // A callback may have closed or destroyed this link.
        auto a = alive.lock();
        if (!a || !*a || !stream_) return;
    }
}

} // namespace fab
