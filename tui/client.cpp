#include "tui/client.hpp"
#include "protocol/messages.hpp"

#include "protocol/version.hpp"
#include "util/strings.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace fab::tui {

namespace {
struct ConnectReq {
    uv_connect_t req;
    std::weak_ptr<Client*> client;
};
} // namespace

Client::Client(uv_loop_t* loop, std::string socket_path, uint64_t handshake_timeout_ms)
    : loop_(loop), path_(std::move(socket_path)), reap_(loop), handshake_(loop),
      handshake_timeout_ms_(handshake_timeout_ms), self_(std::make_shared<Client*>(this)) {}

Client::~Client() {
    self_.reset();
    close();
}

void Client::close() {
    pending_.clear();
    up_ = false;
    handshake_.stop();
    in_.clear();
    // Closing the handle stops its callbacks (a pending connect gets
    // UV_ECANCELED); the Stream object itself lives until the reap timer,
    // because we may be inside one of its callbacks right now.
    if (stream_) {
        stream_->close();
        dead_.push_back(std::move(stream_));
        reap_.start(0, 0, [this] { dead_.clear(); });
    }
}

void Client::connect(ReplyFn on_up, EventFn on_event, DownFn on_down) {
    close();
    on_up_ = std::move(on_up);
    on_event_ = std::move(on_event);
    on_down_ = std::move(on_down);
    // libuv cuts longer paths silently; connecting elsewhere would be worse.
    if (path_.size() >= sizeof(sockaddr_un{}.sun_path)) {
        down("socket path too long (" + std::to_string(path_.size()) + " bytes): " + path_);
        return;
    }
    stream_ = std::make_unique<ev::Stream>(loop_);
    handshake_.start(handshake_timeout_ms_, 0, [this] {
        if (!up_)
            down("daemon not responding (no answer within " +
                 std::to_string(handshake_timeout_ms_) + " ms; is it stopped?)");
    });
    auto* r = new ConnectReq{{}, self_};
    uv_pipe_connect(&r->req, stream_->pipe(), path_.c_str(), [](uv_connect_t* req, int status) {
        std::unique_ptr<ConnectReq> owned(reinterpret_cast<ConnectReq*>(req));
        auto token = owned->client.lock();
        if (!token || status == UV_ECANCELED) return;
        (*token)->on_connected(status);
    });
}

void Client::on_connected(int status) {
    if (status != 0) {
        // EAGAIN: the listen backlog is full (a stopped or wedged daemon).
        std::string why = status == UV_ENOENT || status == UV_ECONNREFUSED
                              ? "daemon not running (" + std::string(uv_strerror(status)) + ")"
                          : status == UV_EAGAIN
                              ? "daemon not responding (" + path_ + ": listen backlog full)"
                              : path_ + ": " + uv_strerror(status);
        down(why);
        return;
    }
    // The daemon must run as us (the socket lives in a 0700 directory, but
    // FAB_DIR may point anywhere).
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(stream_->fd(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
        cred.uid != ::getuid()) {
        down(path_ + ": not owned by us; refusing to talk to it");
        return;
    }
    stream_->read_start([this](const char* d, size_t n) { on_data(d, n); },
                        [this](int st) {
                            down(st == UV_EOF ? "the daemon closed the connection"
                                              : std::string("connection lost: ") + uv_strerror(st));
                        });
    request(msg::kPing, {{"protocol", kProtocolMajor}, {"client", "fab-tui"}},
            [this](Result<Json> r) {
                if (!r) return down(r.error());
                int major = r->value("protocol", 0);
                if (major != kProtocolMajor)
                    return down("daemon speaks protocol " + std::to_string(major) +
                                ", fab-tui speaks " + std::to_string(kProtocolMajor) +
                                "; restart it: fab server restart");
                up_ = true;
                handshake_.stop();
                auto cb = on_up_;
                if (cb) cb(std::move(r));
            });
}

void Client::request(const std::string& type, const Json& payload, ReplyFn done) {
    if (!stream_ || stream_->closed()) {
        if (done) done(make_error("not connected"));
        return;
    }
    std::string id = "t" + std::to_string(next_id_++);
    if (!stream_->write(encode_request(type, id, payload))) {
        if (done) done(make_error("not connected"));
        return;
    }
    pending_[id] = std::move(done);
}

void Client::on_data(const char* data, size_t len) {
    in_.append(data, len);
    std::string line;
    const ev::Stream* reading = stream_.get(); // a callback may close it (and open another)
    for (;;) {
        switch (in_.next(line)) {
        case LineBuffer::Next::need_more:
            return;
        case LineBuffer::Next::too_long:
            down("a line from the daemon exceeds " + std::to_string(kMaxLineBytes) + " bytes");
            return;
        case LineBuffer::Next::line:
            on_line(line);
            if (stream_.get() != reading) return; // closed by a callback: the rest is stale
            break;
        }
    }
}

void Client::on_line(const std::string& line) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return; // not ours to die on
    auto type = j.find("type");
    if (type != j.end() && type->is_string() && *type == "event") {
        auto cb = on_event_;
        if (cb) cb(j);
        return;
    }
    auto idv = j.find("id");
    if (idv == j.end() || !idv->is_string()) return;
    auto it = pending_.find(idv->get<std::string>());
    if (it == pending_.end()) return;
    ReplyFn done = std::move(it->second);
    pending_.erase(it);
    if (!done) return;
    auto ok = j.find("success");
    if (ok == j.end() || !ok->is_boolean() || !ok->get<bool>()) {
        auto err = j.find("error");
        done(make_error(err != j.end() && err->is_string() ? err->get<std::string>()
                                                           : "request failed"));
        return;
    }
    auto p = j.find("payload");
    done(p == j.end() ? Json::object() : *p);
}

void Client::down(const std::string& why) {
    auto pending = std::move(pending_);
    auto cb = on_down_;
    close();
    for (auto& [id, fn] : pending)
        if (fn) fn(make_error("connection closed"));
    if (cb) cb(why);
}

} // namespace fab::tui
