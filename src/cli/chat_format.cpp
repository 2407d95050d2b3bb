#include "cli/chat_format.hpp"

#include "protocol/envelope.hpp"
#include "util/utf8.hpp"

#include <cstdio>

namespace fab::cli {

namespace {
constexpr size_t kMaxShown = 400;

std::string one_line(std::string s, size_t max = kMaxShown) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (s.size() > max) s = std::string(utf8_prefix(s, max)) + "…";
    return s;
}

// The field that says what a tool call does (as the permission rules see it).
std::string tool_summary(const ChatEntry& e) {
    const Json& in = e.tool_input;
    if (!in.is_object()) return {};
    for (const char* k : {"command", "file_path", "pattern", "url", "query", "prompt", "skill",
                          "notebook_path", "plan"})
        if (in.contains(k) && in[k].is_string()) return in[k].get<std::string>();
    if (in.contains("questions") && in["questions"].is_array() && !in["questions"].empty())
        return in["questions"][0].value("question", "");
    return dump_json(in);
}

std::string money(double usd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.4f", usd);
    return buf;
}
} // namespace

std::string format_entry(const std::string& prefix, const ChatEntry& e) {
    std::string p = prefix.empty() ? "" : "[" + prefix + "] ";
    switch (e.kind) {
    case ChatKind::assistant_text:
        return p + "assistant: " + one_line(e.text);
    case ChatKind::user_input:
        return p + "you: " + one_line(e.text);
    case ChatKind::tool_use:
        return p + "tool " + e.tool_name + ": " + one_line(tool_summary(e), 200);
    case ChatKind::tool_result:
        return p + (e.is_error ? "tool error: " : "tool result: ") + one_line(e.text, 200);
    case ChatKind::system:
        return p + "system" + (e.subtype.empty() ? "" : " (" + e.subtype + ")") + ": " +
               one_line(e.text, 200);
    case ChatKind::turn_result:
        return p + (e.is_error ? "turn failed" : "turn done") + ": " +
               std::to_string(e.usage.input_tokens) + " in / " +
               std::to_string(e.usage.output_tokens) + " out" +
               (e.usage.cost_usd > 0 ? ", " + money(e.usage.cost_usd) : "") +
               (e.text.empty() ? "" : " — " + one_line(e.text, 200));
    case ChatKind::error:
        return p + "error: " + one_line(e.text);
    case ChatKind::permission:
        return p + "permission? " + e.tool_name + ": " + one_line(tool_summary(e), 200) +
               " (request " + e.request_id + ")";
    }
    return p + one_line(e.text);
}

} // namespace fab::cli
