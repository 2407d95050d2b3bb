#include "daemon/events.hpp"

#include "util/log.hpp"

namespace fab {

void EventHub::subscribe(uint64_t client, Filter f) {
    Sub s;
    s.filter = std::move(f);
    subs_[client] = std::move(s);
}

void EventHub::unsubscribe(uint64_t client) { subs_.erase(client); }

void EventHub::hold(uint64_t client, const std::string& agent) {
    auto it = subs_.find(client);
    if (it != subs_.end()) it->second.held[agent];
}

void EventHub::release(uint64_t client, const std::string& agent) {
    auto it = subs_.find(client);
    if (it == subs_.end()) return;
    auto h = it->second.held.find(agent);
    if (h == it->second.held.end()) return;
    auto lines = std::move(h->second);
    it->second.held.erase(h);
    for (auto& l : lines) {
        auto again = subs_.find(client); // delivering may drop the client
        if (again == subs_.end()) return;
        deliver(client, again->second, l);
    }
}

void EventHub::send_to(uint64_t client, const Json& event) {
    Json e = event;
    e["type"] = "event";
    server_.send(client, dump_json(e) + "\n");
}

void EventHub::deliver(uint64_t client, Sub& s, const std::string& line) {
    if (s.lagging) return;
    if (server_.queued_bytes(client) + line.size() > kLagBytes) {
        s.lagging = true;
        log::warn("client " + std::to_string(client) + " is too slow; sending resync");
        server_.send(client, dump_json({{"type", "event"}, {"event", "resync"}}) + "\n");
        return;
    }
    server_.send(client, line);
}

void EventHub::publish(const std::string& project, const std::string& agent, Json event) {
    if (subs_.empty()) return;
    event["type"] = "event";
    std::string line = dump_json(event) + "\n";
    // Keys first: delivering can drop a client, which unsubscribes it.
    std::vector<uint64_t> clients;
    for (auto& [client, s] : subs_) clients.push_back(client);
    for (uint64_t client : clients) {
        auto it = subs_.find(client);
        if (it == subs_.end()) continue;
        Sub& s = it->second;
        if (!s.filter.projects.empty() && !s.filter.projects.count(project)) continue;
        if (!s.filter.agent.empty() && s.filter.agent != agent) continue;
        if (auto h = s.held.find(agent); h != s.held.end()) {
            h->second.push_back(line);
            continue;
        }
        deliver(client, s, line);
    }
}

} // namespace fab
