#include "daemon/events.hpp"

#include "util/log.hpp"

namespace fab {

uint64_t EventHub::add_external(ExternalClient c) {
    uint64_t id = next_external_++;
    external_[id] = std::move(c);
    return id;
}

void EventHub::remove_external(uint64_t client) {
    external_.erase(client);
    subs_.erase(client);
}

void EventHub::send(uint64_t client, std::string line) {
    if (auto it = external_.find(client); it != external_.end())
        it->second.send(std::move(line));
    else
        server_.send(client, std::move(line));
}

size_t EventHub::queued_bytes(uint64_t client) const {
    if (auto it = external_.find(client); it != external_.end()) return it->second.queued_bytes();
    return server_.queued_bytes(client);
}

void EventHub::subscribe(uint64_t client, Filter f) {
    Sub s;
    s.filter = std::move(f);
    subs_[client] = std::move(s);
}

void EventHub::unsubscribe(uint64_t client) {
    subs_.erase(client);
}

void EventHub::hold(uint64_t client, const std::string& agent) {
    auto it = subs_.find(client);
    if (it != subs_.end()) it->second.held[agent];
}

void EventHub::release(uint64_t client, const std::string& agent, int64_t replayed_until) {
    auto it = subs_.find(client);
    if (it == subs_.end()) return;
    auto h = it->second.held.find(agent);
    if (h == it->second.held.end()) return;
    auto lines = std::move(h->second);
    it->second.held.erase(h);
    for (auto& [offset, line] : lines) {
        it->second.held_bytes -= std::min(it->second.held_bytes, line.size());
        if (offset >= 0 && offset <= replayed_until) continue; // already in the catch-up
        auto again = subs_.find(client);                       // delivering may drop the client
        if (again == subs_.end()) return;
        deliver(client, again->second, line);
    }
}

bool EventHub::send_to(uint64_t client, const Json& event) {
    auto it = subs_.find(client);
    if (it == subs_.end() || it->second.lagging) return false;
    Json e = event;
    e["type"] = "event";
    std::string line = dump_json(e) + "\n";
    if (queued_bytes(client) + it->second.held_bytes + line.size() > kLagBytes) {
        lag(client, it->second);
        return false;
    }
    send(client, std::move(line));
    return true;
}

void EventHub::lag(uint64_t client, Sub& s) {
    s.lagging = true;
    s.held.clear();
    s.held_bytes = 0;
    log::warn("client " + std::to_string(client) + " is too slow; sending resync");
    send(client, dump_json({{"type", "event"}, {"event", "resync"}}) + "\n");
}

void EventHub::deliver(uint64_t client, Sub& s, const std::string& line) {
    if (s.lagging) return;
    if (queued_bytes(client) + s.held_bytes + line.size() > kLagBytes) {
        lag(client, s);
        return;
    }
    send(client, line);
}

void EventHub::publish(const std::string& project, const std::string& agent, Json event,
                       int64_t offset) {
    if (observer_) observer_(project, agent, event);
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
        if (s.lagging) continue;
        if (auto h = s.held.find(agent); h != s.held.end()) {
            s.held_bytes += line.size();
            h->second.emplace_back(offset, line);
            if (queued_bytes(client) + s.held_bytes > kLagBytes) lag(client, s);
            continue;
        }
        deliver(client, s, line);
    }
}

} // namespace fab
