#include "remote/attach_offsets.hpp"

#include "protocol/messages.hpp"

#include <algorithm>

namespace fab::remote {

void AttachOffsets::see_snapshot(const Json& payload) {
    if (!payload.is_object() || !payload.contains("agents") || !payload["agents"].is_array())
        return;
    for (const Json& a : payload["agents"]) {
        if (!a.is_object()) continue;
        std::string id = a.value("id", "");
        int64_t last = a.value("last_offset", int64_t{-1});
        if (!id.empty()) next_.emplace(id, last + 1);
    }
}

void AttachOffsets::see_event(const Json& event) {
    if (event.value("event", "") != msg::kEvAgentOutput) return;
    std::string id = event.value("agent_id", "");
    int64_t offset = event.value("offset", int64_t{-1});
    if (id.empty() || offset < 0) return;
    int64_t& next = next_[id];
    next = std::max(next, offset + 1);
}

std::string AttachOffsets::request_again(const std::string& line, const std::string& id) const {
    auto parsed = parse_request(line);
    Json payload = parsed.request.payload.is_object() ? parsed.request.payload : Json::object();
    Json since = Json::object();
    for (const auto& [agent, next] : next_) since[agent] = next;
    payload["since"] = since;
    return encode_request(parsed.request.type, id, payload);
}

} // namespace fab::remote
