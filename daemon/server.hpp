// The daemon's Unix-socket server: accepts clients, checks their uid,
// splits their input into NDJSON lines and hands requests to the router.
// Each client's outbound queue is bounded; a client that stops reading is
// disconnected rather than allowed to grow the daemon's memory.
#pragma once

#include "daemon/router.hpp"
#include "ev/stream.hpp"
#include "protocol/framing.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <thread>
#include <utility>

namespace fab {

constexpr size_t kMaxClientQueueBytes = 64u * 1024 * 1024;
// Unfinished request lines held across all connections together: each may
// hold up to kMaxLineBytes, but 40 peers parking 15 MiB each must not cost
// 600 MiB. Over the budget, the connection that would exceed it is closed.
constexpr size_t kMaxBufferedBytes = 64u * 1024 * 1024;
// Each connection's first bytes are not counted against that budget (they
// are bounded by the connection limit instead): a small request always goes.
constexpr size_t kFreeInputBytes = 256u * 1024;
// Connections one uid may hold at once (FAB_MAX_CLIENTS overrides).
constexpr size_t kDefaultMaxClientsPerUid = 256;

class IpcServer {
  public:
    IpcServer(uv_loop_t* loop, const Router& router);
    ~IpcServer() { close(); }

    // Binds `path` (0600): connects first; a live socket means another daemon,
    // a refused one is stale and removed, then bound.
    Status listen(const std::string& path);
    // Stops accepting, disconnects everyone and removes the socket file.
    void close();

    void send(uint64_t client, std::string line);
    // Called after a client is gone (EOF, error, or dropped by us).
    void on_disconnect(std::function<void(uint64_t)> fn) { on_disconnect_ = std::move(fn); }
    size_t client_count() const { return clients_.size(); }
    size_t queued_bytes(uint64_t client) const;
    uint64_t requests_served() const { return requests_; }
    size_t buffered_bytes() const { return buffered_; }

  private:
    struct Client {
        uint64_t id;
        std::unique_ptr<ev::Stream> stream;
        LineBuffer in;
        uid_t uid = 0;
        size_t held = 0; // what in.capacity() costs against buffered_
    };
    // Brings buffered_ up to date with `c`'s input buffer.
    void account(Client& c);
    void on_accept(uv_stream_t* server);
    void on_data(Client& c, const char* data, size_t len);
    void drop(uint64_t id, const char* why);

    uv_loop_t* loop_;
    // The loop runs on the thread that made the server; send() asserts it
    // (debug builds): a worker must hand its result back to the loop first.
    std::thread::id loop_thread_ = std::this_thread::get_id();
    const Router& router_;
    std::unique_ptr<ev::PipeServer> listener_;
    std::string path_;
    std::pair<dev_t, ino_t> bound_{}; // the socket file we created (removed on close)
    std::map<uint64_t, std::unique_ptr<Client>> clients_;
    std::function<void(uint64_t)> on_disconnect_;
    uint64_t next_id_ = 1;
    uint64_t requests_ = 0;
    size_t buffered_ = 0; // sum of every client's `held`, at most ~kMaxBufferedBytes
    size_t max_clients_per_uid_ = kDefaultMaxClientsPerUid;
};

} // namespace fab
