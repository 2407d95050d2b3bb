// Fan-out of daemon events to attached clients (`fab attach`, the TUI).
// Each subscription filters by project and agent. A client whose outbound
// queue passes kLagBytes gets one `resync` event and nothing more until it
// attaches again: a slow terminal costs the daemon a bounded amount of memory.
// Loop thread only.
#pragma once

#include "daemon/server.hpp"
#include "protocol/envelope.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fab {

constexpr size_t kLagBytes = 8u * 1024 * 1024;

class EventHub {
  public:
    explicit EventHub(IpcServer& server) : server_(server) {}

    struct Filter {
        std::set<std::string> projects; // empty = all
        std::string agent;              // empty = all
    };
    void subscribe(uint64_t client, Filter f);
    void unsubscribe(uint64_t client);
    bool subscribed(uint64_t client) const { return subs_.count(client) > 0; }

    // While held, events of `agent` for `client` are queued (a catch-up read
    // of the transcript is in flight); release sends those after
    // `replayed_until` (older ones were in the catch-up). Held events count
    // against the client's lag budget like queued ones.
    void hold(uint64_t client, const std::string& agent);
    void release(uint64_t client, const std::string& agent, int64_t replayed_until);
    // Bypasses filters and holds; false (and a resync) when the client lags.
    bool send_to(uint64_t client, const Json& event);

    // `event` must carry "event"; "type":"event" is added. `offset` orders
    // agent.output events (-1 for others).
    void publish(const std::string& project, const std::string& agent, Json event,
                 int64_t offset = -1);
    // The observer counts as a subscriber: publishers that skip work when
    // nobody listens must still feed it.
    size_t subscribers() const { return subs_.size() + (observer_ ? 1 : 0); }

    // One in-process listener that sees every published event before the
    // clients do (the run engine: it logs the events of its runs' agents).
    using Observer =
        std::function<void(const std::string& project, const std::string& agent, const Json&)>;
    void set_observer(Observer o) { observer_ = std::move(o); }

    // A client that is not a connection of the socket server (an HTTP
    // stream): how to reach it. Subscribed, held and lagging like any other.
    struct ExternalClient {
        std::function<void(std::string line)> send;
        std::function<size_t()> queued_bytes;
    };
    // The client id to subscribe with; never one the socket server uses.
    uint64_t add_external(ExternalClient c);
    // Forgets it and its subscription (the stream is gone).
    void remove_external(uint64_t client);

  private:
    struct Sub {
        Filter filter;
        bool lagging = false;
        std::map<std::string, std::vector<std::pair<int64_t, std::string>>> held; // agent → lines
        size_t held_bytes = 0;
    };
    void deliver(uint64_t client, Sub& s, const std::string& line);
    void send(uint64_t client, std::string line);
    size_t queued_bytes(uint64_t client) const;
    void lag(uint64_t client, Sub& s);

    IpcServer& server_;
    std::map<uint64_t, Sub> subs_;
    Observer observer_;
    std::map<uint64_t, ExternalClient> external_;
    uint64_t next_external_ = uint64_t{1} << 48; // far above the socket server's ids
};

} // namespace fab
