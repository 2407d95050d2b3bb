// The chat model: what every agent CLI's output is parsed into, whatever
// the backend. The TUI, `fab agent history` and `fab attach` show these;
// the daemon sums usage and spots turn ends and permission requests in them.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace fab {

enum class ChatKind {
    assistant_text, // text: what the model said
    tool_use,       // tool_name, tool_id, tool_input
    tool_result,    // tool_id, text (content, possibly truncated), is_error
    user_input,     // text: a message sent to the agent (by a human or fab)
    system,         // text: init, retries, status changes, notes
    turn_result,    // end of a turn: usage, cost, is_error, text (final answer or error)
    error,          // text: something went wrong (API error, crash, unparsable line)
    permission,     // a tool-permission request (claude can_use_tool): request_id,
                    // tool_name, tool_input, tool_id
};

const char* chat_kind_name(ChatKind k); // "assistant_text", …

struct Usage {
    int64_t input_tokens = 0; // not counting cache reads (claude's meaning; for codex,
                              // its input_tokens minus cached_input_tokens)
    int64_t output_tokens = 0;
    int64_t cache_read_tokens = 0;
    int64_t cache_creation_tokens = 0;
    double cost_usd = 0; // 0 when the backend reports no cost (codex)
};

struct ChatEntry {
    ChatKind kind = ChatKind::system;
    std::string text;
    std::string tool_name, tool_id;
    nlohmann::json tool_input; // null unless tool_use / permission
    std::string request_id;    // permission: the control request to answer
    bool is_error = false;
    Usage usage;            // turn_result: this turn only (never cumulative)
    std::string session_id; // set when the line revealed the session / thread id
    std::string subtype;    // backend detail, e.g. "error_during_execution", "api_retry"
};

nlohmann::json to_json(const ChatEntry& e);
ChatEntry chat_entry_from_json(const nlohmann::json& j);

} // namespace fab
