// Fan-out of daemon events to attached clients (`fab attach`, the TUI).
// Each subscription filters by project and agent. A client whose outbound
// queue passes kLagBytes gets one `resync` event and nothing more until it
// attaches again: a slow terminal costs the daemon a bounded amount of memory.
// Loop thread only.
#pragma once

#include "daemon/server.hpp"
#include "protocol/envelope.hpp"

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
    // of the transcript is in flight); release sends them after it.
    void hold(uint64_t client, const std::string& agent);
    void release(uint64_t client, const std::string& agent);
    void send_to(uint64_t client, const Json& event); // bypasses filters and holds

    // `event` must carry "event"; "type":"event" is added.
    void publish(const std::string& project, const std::string& agent, Json event);
    size_t subscribers() const { return subs_.size(); }

  private:
    struct Sub {
        Filter filter;
        bool lagging = false;
        std::map<std::string, std::vector<std::string>> held; // agent → lines
    };
    void deliver(uint64_t client, Sub& s, const std::string& line);

    IpcServer& server_;
    std::map<uint64_t, Sub> subs_;
};

} // namespace fab
