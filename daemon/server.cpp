#include "daemon/server.hpp"

#include "client/connection.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdlib>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fab {

namespace {

// A request that came over the socket is answered on the same connection:
// one NDJSON line, tagged with the request's type and id.
class SocketResponder final : public Responder {
  public:
    SocketResponder(IpcServer* server, uint64_t client, std::string type, std::string id)
        : server_(server), client_(client), type_(std::move(type)), id_(std::move(id)) {}
    void send_ok(const Json& payload) override {
        server_->send(client_, encode_response(type_, id_, payload));
    }
    void send_error(const std::string& error) override {
        server_->send(client_, encode_error(type_, id_, error));
    }
    bool send_event(const Json& ev) override {
        constexpr size_t kMaxQueued = 64 * 1024;
        if (server_->queued_bytes(client_) > kMaxQueued) return false;
        Json e = ev;
        e["type"] = "event";
        e["request_id"] = id_;
        server_->send(client_, dump_json(e) + "\n");
        return true;
    }
    uint64_t client() const override { return client_; }

  private:
    IpcServer* server_;
    uint64_t client_;
    std::string type_, id_;
};

} // namespace

IpcServer::IpcServer(uv_loop_t* loop, const Router& router) : loop_(loop), router_(router) {
    if (const char* v = std::getenv("FAB_MAX_CLIENTS"))
        if (auto n = parse_int(v); n && *n > 0) max_clients_per_uid_ = static_cast<size_t>(*n);
}

Status IpcServer::listen(const std::string& path) {
    // Only a socket is ever replaced: a regular file (or anything else) at
    // the socket path may be someone's data, and is never deleted.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode))
        return make_error(path + " exists and is not a socket; fab does not delete it: move it "
                                 "away, or set FAB_SOCKET_PATH to another path");
    ConnectError why{};
    if (auto c = Connection::open(path, &why); c)
        return make_error(path + ": another daemon is already listening");
    if (why == ConnectError::refused) {
        log::info("removing stale socket " + path);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return make_error(path + ": " + errno_string(errno));
    } else if (why == ConnectError::other && ::access(path.c_str(), F_OK) == 0) {
        return make_error(path + ": exists and is not a socket we can use");
    }
    listener_ = std::make_unique<ev::PipeServer>(loop_);
    mode_t old = ::umask(0177); // the socket is created 0600
    int rc = listener_->listen(path, [this](uv_stream_t* s) { on_accept(s); });
    ::umask(old);
    if (rc != 0) {
        listener_.reset();
        return make_error(path + ": " + uv_strerror(rc));
    }
    ::chmod(path.c_str(), 0600);
    path_ = path;
    if (::lstat(path.c_str(), &st) == 0) bound_ = {st.st_dev, st.st_ino};
    return {};
}

void IpcServer::close() {
    if (listener_) {
        listener_.reset();
        // Removed only while it is still the socket we bound.
        struct stat st {};
        if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) &&
            std::pair(st.st_dev, st.st_ino) == bound_)
            ::unlink(path_.c_str());
    }
    clients_.clear(); // each Stream closes its handle
    buffered_ = 0;
}

void IpcServer::on_accept(uv_stream_t* server) {
    auto c = std::make_unique<Client>();
    c->id = next_id_++;
    c->stream = std::make_unique<ev::Stream>(loop_);
    if (uv_accept(server, c->stream->raw()) != 0) return;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(c->stream->fd(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
        cred.uid != ::getuid()) {
        log::warn("refused a client with uid " + std::to_string(cred.uid));
        return; // Stream destructor closes it
    }
    c->uid = cred.uid;
    size_t same_uid = 0;
    for (const auto& [other_id, other] : clients_) same_uid += other->uid == cred.uid;
    if (same_uid >= max_clients_per_uid_) {
        log::warn("refused a client: uid " + std::to_string(cred.uid) + " already holds " +
                  std::to_string(same_uid) + " connections");
        // Written straight to the socket: this connection is closed at once
        // and a queued write would be cancelled by the close.
        std::string line =
            encode_error("error", "",
                         "too many connections (" + std::to_string(same_uid) + ", the limit is " +
                             std::to_string(max_clients_per_uid_) + "); closing");
        (void)::send(c->stream->fd(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        return;
    }
    Client* raw = c.get();
    uint64_t id = c->id;
    raw->stream->read_start([this, raw](const char* d, size_t n) { on_data(*raw, d, n); },
                            [this, id](int) { drop(id, nullptr); });
    log::debug("client " + std::to_string(id) + " connected (pid " + std::to_string(cred.pid) +
               ")");
    clients_.emplace(id, std::move(c));
}

namespace {
// What a connection's input buffer of `bytes` costs against the global
// budget: the first kFreeInputBytes are free, so that ordinary requests
// (and the connection that is refused) are never starved by parked ones.
size_t charge(size_t bytes) {
    return bytes > kFreeInputBytes ? bytes - kFreeInputBytes : 0;
}
} // namespace

void IpcServer::account(Client& c) {
    size_t now = charge(c.in.capacity());
    buffered_ = buffered_ - c.held + now;
    c.held = now;
}

void IpcServer::on_data(Client& c, const char* data, size_t len) {
    uint64_t id = c.id;
    // The room this append may need, against what every other connection holds.
    size_t others = buffered_ - c.held;
    if (others + std::max(c.held, charge(c.in.pending() + len)) > kMaxBufferedBytes) {
        send(id, encode_error("error", "",
                              "the daemon holds too much unfinished input across all "
                              "connections (" +
                                  format_bytes(kMaxBufferedBytes) + "); closing this one"));
        drop(id, "global input budget exceeded");
        return;
    }
    c.in.append(data, len);
    account(c);
    std::string line;
    for (;;) {
        auto next = c.in.next(line);
        if (next == LineBuffer::Next::need_more) {
            account(c);
            return;
        }
        if (next == LineBuffer::Next::too_long) {
            send(id, encode_error("error", "", "line exceeds the 16 MiB limit; closing"));
            drop(id, "oversized line");
            return;
        }
        if (line.empty()) continue;
        ++requests_;
        auto parsed = parse_request(line);
        Reply reply(
            std::make_shared<SocketResponder>(this, id, parsed.request.type, parsed.request.id));
        if (!parsed.error.empty()) {
            reply.fail(parsed.error);
        } else {
            router_.dispatch(parsed.request, reply);
        }
        // The handler may have dropped this client (server.stop does).
        if (!clients_.count(id)) return;
        account(c);
    }
}

void IpcServer::send(uint64_t id, std::string line) {
    assert(std::this_thread::get_id() == loop_thread_ && "IpcServer::send off the loop thread");
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    auto& stream = *it->second->stream;
    if (stream.queued_bytes() + line.size() > kMaxClientQueueBytes) {
        drop(id, "outbound queue full");
        return;
    }
    if (!stream.write(std::move(line))) drop(id, "write failed");
}

size_t IpcServer::queued_bytes(uint64_t client) const {
    auto it = clients_.find(client);
    return it == clients_.end() ? 0 : it->second->stream->queued_bytes();
}

void IpcServer::drop(uint64_t id, const char* why) {
    auto it = clients_.find(id);
    if (it == clients_.end()) return;
    if (why) log::warn("dropping client " + std::to_string(id) + ": " + why);
    buffered_ -= it->second->held;
    // Pending writes still flush: libuv completes queued writes before close
    // only via shutdown, so an error line sent just before this may be lost
    // for a peer that never reads; that is acceptable for a misbehaving peer.
    clients_.erase(it);
    if (on_disconnect_) on_disconnect_(id);
}

} // namespace fab
