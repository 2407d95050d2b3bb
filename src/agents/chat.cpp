// ChatEntry <-> JSON. The field names are a stable format: entries are
// stored in the database and sent to clients (`fab agent history`, the TUI),
// so renaming one breaks old rows and older clients.
#include "agents/chat.hpp"

#include <array>
#include <utility>

namespace fab {

namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<ChatKind, const char*>, 8> kKindNames{{
    {ChatKind::assistant_text, "assistant_text"},
    {ChatKind::tool_use, "tool_use"},
    {ChatKind::tool_result, "tool_result"},
    {ChatKind::user_input, "user_input"},
    {ChatKind::system, "system"},
    {ChatKind::turn_result, "turn_result"},
    {ChatKind::error, "error"},
    {ChatKind::permission, "permission"},
}};

bool usage_empty(const Usage& u) {
    return u.input_tokens == 0 && u.output_tokens == 0 && u.cache_read_tokens == 0 &&
           u.cache_creation_tokens == 0 && u.cost_usd == 0;
}

// Readers that never throw: a stored row from an older or newer fab, or a
// hand-edited one, must load as far as it makes sense rather than abort.
std::string str_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

int64_t int_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return 0;
    if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
    if (it->is_number_unsigned()) return static_cast<int64_t>(it->get<uint64_t>());
    return it->get<int64_t>();
}

double double_field(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return 0;
    return it->get<double>();
}

} // namespace

const char* chat_kind_name(ChatKind k) {
    for (const auto& [kind, name] : kKindNames)
        if (kind == k) return name;
    return "system";
}

json to_json(const ChatEntry& e) {
    json j = json::object();
    j["kind"] = chat_kind_name(e.kind);
    if (!e.text.empty()) j["text"] = e.text;
    if (!e.tool_name.empty()) j["tool_name"] = e.tool_name;
    if (!e.tool_id.empty()) j["tool_id"] = e.tool_id;
    if (!e.tool_input.is_null()) j["tool_input"] = e.tool_input;
    if (!e.request_id.empty()) j["request_id"] = e.request_id;
    if (e.is_error) j["is_error"] = true;
    // All five usage fields or none: a reader summing them should not have
    // to guess whether a missing one means zero.
    if (!usage_empty(e.usage)) {
        j["usage"] = {
            {"input_tokens", e.usage.input_tokens},
            {"output_tokens", e.usage.output_tokens},
            {"cache_read_tokens", e.usage.cache_read_tokens},
            {"cache_creation_tokens", e.usage.cache_creation_tokens},
            {"cost_usd", e.usage.cost_usd},
        };
    }
    if (!e.session_id.empty()) j["session_id"] = e.session_id;
    if (!e.subtype.empty()) j["subtype"] = e.subtype;
    return j;
}

ChatEntry chat_entry_from_json(const json& j) {
    ChatEntry e;
    if (!j.is_object()) return e;
    std::string kind = str_field(j, "kind");
    for (const auto& [k, name] : kKindNames)
        if (kind == name) e.kind = k;
    e.text = str_field(j, "text");
    e.tool_name = str_field(j, "tool_name");
    e.tool_id = str_field(j, "tool_id");
    if (auto it = j.find("tool_input"); it != j.end()) e.tool_input = *it;
    e.request_id = str_field(j, "request_id");
    if (auto it = j.find("is_error"); it != j.end() && it->is_boolean())
        e.is_error = it->get<bool>();
    if (auto it = j.find("usage"); it != j.end() && it->is_object()) {
        e.usage.input_tokens = int_field(*it, "input_tokens");
        e.usage.output_tokens = int_field(*it, "output_tokens");
        e.usage.cache_read_tokens = int_field(*it, "cache_read_tokens");
        e.usage.cache_creation_tokens = int_field(*it, "cache_creation_tokens");
        e.usage.cost_usd = double_field(*it, "cost_usd");
    }
    e.session_id = str_field(j, "session_id");
    e.subtype = str_field(j, "subtype");
    return e;
}

} // namespace fab
