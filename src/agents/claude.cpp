// Claude Code adapter. Every mapping below was checked against real output
// of Claude Code 2.1.197 (tests/fixtures/agents/claude-*.jsonl).
#include "agents/claude.hpp"

#include "agents/common.hpp"

#include <cmath>
#include <cstdio>

namespace fab {

using json = nlohmann::json;
using namespace fab::agents;

namespace {

// The events fab hooks into: PreToolUse decides (rules, or `ask` to hand the
// decision to the stdio path), the others tell the daemon a turn or the
// session ended even when no `result` line makes it out (StopFailure: API
// errors, where Stop does not run).
constexpr const char* kHookEvents[] = {"PreToolUse", "Stop", "StopFailure", "SessionEnd"};
// Seconds. Short on purpose: a hook that needs a human answers `ask`
// instead of blocking, so 60 s only bounds a hung daemon connection.
constexpr int kHookTimeoutSeconds = 60;

std::string format_retry(const json& j) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "API retry %lld/%lld in %lld ms",
                  static_cast<long long>(int_or_zero(j, "attempt")),
                  static_cast<long long>(int_or_zero(j, "max_retries")),
                  static_cast<long long>(double_or_zero(j, "retry_delay_ms")));
    std::string text = buf;
    std::string detail;
    if (int64_t status = int_or_zero(j, "error_status"))
        detail = "status " + std::to_string(status);
    if (const std::string* err = str_ptr(j, "error")) detail += (detail.empty() ? "" : ", ") + *err;
    if (!detail.empty()) text += " (" + detail + ")";
    return text;
}

// tool_result content: a string, or blocks of which only text is readable.
std::string tool_result_text(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string text;
    if (!content.is_array()) return text;
    for (const auto& block : content) {
        std::string piece;
        if (const std::string* t = str_ptr(block, "text"))
            piece = *t;
        else if (const std::string* type = str_ptr(block, "type"))
            piece = "[" + *type + "]";
        if (piece.empty()) continue;
        if (!text.empty()) text += '\n';
        text += piece;
    }
    return text;
}

} // namespace

// ---------- backend ----------

std::string ClaudeBackend::hook_settings(const std::string& fab_bin) {
    json hooks = json::object();
    for (const char* event : kHookEvents) {
        json cmd = {{"type", "command"},
                    {"command", shell_quote(fab_bin) + " hook " + event},
                    {"timeout", kHookTimeoutSeconds}};
        json group = {{"hooks", json::array({cmd})}};
        if (std::string_view(event) == "PreToolUse") group["matcher"] = "*";
        hooks[event] = json::array({group});
    }
    return dump(json{{"hooks", hooks}});
}

Result<LaunchSpec> ClaudeBackend::launch(const AgentParams& p, const std::string&) const {
    // Without the hooks fab cannot enforce its rules: refuse rather than
    // start an agent that nothing supervises.
    if (p.fab_bin.empty()) return make_error(name_ + ": no fab binary given for the hooks");
    std::string mode = p.permission_mode.empty() ? "default" : p.permission_mode;
    if (mode != "default" && mode != "plan")
        return make_error(name_ + ": unsupported permission mode '" + mode + "'");
    if (p.resume && p.session_id.empty())
        return make_error(name_ + ": cannot resume without a session id");

    LaunchSpec spec;
    spec.argv = {p.program.empty() ? program_ : p.program, "-p", "--input-format", "stream-json",
                 "--output-format", "stream-json",
                 "--verbose", // stream-json output with -p requires it
                 "--permission-mode", mode,
                 // Without it, prompts are silently denied and AskUserQuestion
                 // and ExitPlanMode do not exist.
                 "--permission-prompt-tool", "stdio", "--settings", hook_settings(p.fab_bin)};
    if (!p.session_id.empty()) {
        spec.argv.push_back(p.resume ? "--resume" : "--session-id");
        spec.argv.push_back(p.session_id);
    }
    if (!p.model.empty()) spec.argv.insert(spec.argv.end(), {"--model", p.model});
    if (!p.append_system_prompt.empty())
        spec.argv.insert(spec.argv.end(), {"--append-system-prompt", p.append_system_prompt});
    spec.env = agent_env(p);
    // A SIGKILL right after `result` lost the transcript without it.
    spec.env.push_back("CLAUDE_CODE_EAGER_FLUSH=1");
    spec.stdin_pipe = true;
    return spec;
}

std::string ClaudeBackend::format_input(const std::string& text, const SessionState&) const {
    json msg = {
        {"type", "user"},
        {"message",
         {{"role", "user"}, {"content", json::array({{{"type", "text"}, {"text", text}}})}}}};
    return dump(msg) + "\n";
}

std::string ClaudeBackend::interrupt_line(const std::string& request_id,
                                          const SessionState&) const {
    json msg = {{"type", "control_request"},
                {"request_id", request_id},
                {"request", {{"subtype", "interrupt"}}}};
    return dump(msg) + "\n";
}

std::string ClaudeBackend::permission_response(const std::string& request_id, bool allow,
                                               const json& updated_input,
                                               const std::string& message,
                                               const SessionState&) const {
    json answer;
    if (allow) {
        // Claude rejects an allow without updatedInput (a ZodError becomes
        // the tool result); an empty object at least fails visibly.
        answer = {{"behavior", "allow"},
                  {"updatedInput", updated_input.is_null() ? json::object() : updated_input}};
    } else {
        // `message` is required too, and it is what the model reads.
        answer = {{"behavior", "deny"}, {"message", message.empty() ? "Denied." : message}};
    }
    json msg = {
        {"type", "control_response"},
        {"response", {{"subtype", "success"}, {"request_id", request_id}, {"response", answer}}}};
    return dump(msg) + "\n";
}

std::unique_ptr<OutputParser> ClaudeBackend::make_parser() const {
    return std::make_unique<ClaudeParser>();
}

namespace agents {
std::unique_ptr<Backend> make_claude_backend(std::string name, std::string default_program) {
    return std::make_unique<ClaudeBackend>(std::move(name), std::move(default_program));
}
} // namespace agents

// ---------- parser ----------

void ClaudeParser::parse_line(std::string_view line, std::vector<ChatEntry>& out) {
    if (blank(line)) return;
    json j;
    if (!parse_line_json(line, j) || !j.is_object()) {
        out.push_back(unparsable_line_entry(line));
        return;
    }
    const std::string* type = str_ptr(j, "type");
    if (!type) return;
    // Unknown types (stream_event, rate-limit notices, whatever a newer CLI
    // adds) produce nothing: they are not meant for a human and would flood
    // the history. control_response answers our own requests: nothing either.
    if (*type == "assistant")
        parse_assistant(j, out);
    else if (*type == "user")
        parse_user(j, out);
    else if (*type == "result")
        parse_result(j, out);
    else if (*type == "system")
        parse_system(j, out);
    else if (*type == "control_request")
        parse_control_request(j, out);
    else if (*type == "control_cancel_request") {
        // The request was settled elsewhere (a PermissionRequest hook): the
        // daemon must drop the pending prompt.
        ChatEntry e;
        e.kind = ChatKind::system;
        e.subtype = "control_cancel_request";
        e.request_id = str_or(j, "request_id");
        e.text = "permission request " + e.request_id + " cancelled";
        out.push_back(std::move(e));
    }
}

void ClaudeParser::parse_system(const json& j, std::vector<ChatEntry>& out) {
    ChatEntry e;
    e.kind = ChatKind::system;
    e.subtype = str_or(j, "subtype");
    e.session_id = str_or(j, "session_id");
    if (e.subtype == "init") {
        model_ = str_or(j, "model");
        e.text = "session started: model " + str_or(j, "model", "?") + ", cwd " +
                 str_or(j, "cwd", "?") + ", mode " + str_or(j, "permissionMode", "?");
        // Claude repeats init at the start of every turn: report it once,
        // and again only if the model, cwd, mode or session changed.
        std::string key = e.text + '\n' + e.session_id;
        if (key == last_init_) return;
        last_init_ = std::move(key);
    } else if (e.subtype == "api_retry") {
        e.text = format_retry(j);
    } else if (e.subtype == "status") {
        if (const std::string* mode = str_ptr(j, "permissionMode"))
            e.text = "permission mode: " + *mode;
        if (const std::string* status = str_ptr(j, "status"))
            e.text += (e.text.empty() ? "status: " : ", status: ") + *status;
        if (e.text.empty()) e.text = "status";
    } else if (e.subtype == "session_state_changed") {
        e.text = "state: " + str_or(j, "state", "?");
    } else {
        // task_*, notification, compact_boundary, …: kept, with whatever
        // human-readable field the line has.
        for (const char* key : {"message", "description", "summary", "text"}) {
            if (const std::string* s = str_ptr(j, key)) {
                e.text = *s;
                break;
            }
        }
        if (e.text.empty()) e.text = e.subtype.empty() ? "system" : e.subtype;
    }
    out.push_back(std::move(e));
}

void ClaudeParser::parse_assistant(const json& j, std::vector<ChatEntry>& out) {
    const json* msg = obj_ptr(j, "message");
    if (!msg) return;
    auto content = msg->find("content");
    if (content == msg->end() || !content->is_array()) return;
    std::string session = str_or(j, "session_id");

    // A synthetic message carrying `error` is how an API failure shows up
    // (after the retries): one error entry, not assistant text.
    if (const std::string* err = str_ptr(j, "error")) {
        ChatEntry e;
        e.kind = ChatKind::error;
        e.subtype = *err;
        e.session_id = session;
        e.text = tool_result_text(*content);
        if (e.text.empty()) e.text = "API error: " + *err;
        out.push_back(std::move(e));
        return;
    }
    // One line per content block in practice, but a line with several is
    // handled the same way.
    for (const auto& block : *content) {
        const std::string* btype = str_ptr(block, "type");
        if (!btype) continue;
        ChatEntry e;
        e.session_id = session;
        if (*btype == "text") {
            e.kind = ChatKind::assistant_text;
            e.text = str_or(block, "text");
            if (e.text.empty()) continue;
        } else if (*btype == "tool_use") {
            e.kind = ChatKind::tool_use;
            e.tool_name = str_or(block, "name");
            e.tool_id = str_or(block, "id");
            auto in = block.find("input");
            e.tool_input = in != block.end() ? *in : json::object();
        } else if (*btype == "thinking") {
            e.kind = ChatKind::system;
            e.subtype = "reasoning"; // as codex's reasoning items
            e.text = str_or(block, "thinking");
            if (e.text.empty()) continue;
        } else {
            continue; // redacted_thinking, server tool blocks, …
        }
        out.push_back(std::move(e));
    }
}

void ClaudeParser::parse_user(const json& j, std::vector<ChatEntry>& out) {
    const json* msg = obj_ptr(j, "message");
    if (!msg) return;
    auto content = msg->find("content");
    if (content == msg->end()) return;
    std::string session = str_or(j, "session_id");
    // Claude never echoes our own input in stream-json mode: user lines are
    // tool results, or notes claude writes itself ("[Request interrupted by
    // user]"), shown as system notes so they are not mistaken for input.
    if (content->is_string()) {
        ChatEntry e;
        e.subtype = "note";
        e.session_id = session;
        e.text = content->get<std::string>();
        if (!e.text.empty()) out.push_back(std::move(e));
        return;
    }
    if (!content->is_array()) return;
    for (const auto& block : *content) {
        const std::string* btype = str_ptr(block, "type");
        if (!btype) continue;
        ChatEntry e;
        e.session_id = session;
        if (*btype == "tool_result") {
            e.kind = ChatKind::tool_result;
            e.tool_id = str_or(block, "tool_use_id");
            e.is_error = bool_or_false(block, "is_error");
            auto c = block.find("content");
            if (c != block.end()) e.text = cap_text(tool_result_text(*c));
        } else if (*btype == "text") {
            e.kind = ChatKind::system;
            e.subtype = "note";
            e.text = str_or(block, "text");
            if (e.text.empty()) continue;
        } else {
            continue;
        }
        out.push_back(std::move(e));
    }
}

void ClaudeParser::parse_result(const json& j, std::vector<ChatEntry>& out) {
    ChatEntry e;
    e.kind = ChatKind::turn_result;
    e.subtype = str_or(j, "subtype");
    e.is_error = bool_or_false(j, "is_error");
    e.session_id = str_or(j, "session_id");
    // An interrupted turn has no `result` text; terminal_reason
    // ("aborted_streaming") says why it ended.
    e.text = str_or(j, "result");
    if (e.text.empty()) e.text = str_or(j, "terminal_reason");
    if (const json* u = obj_ptr(j, "usage")) { // this turn's tokens
        e.usage.input_tokens = int_or_zero(*u, "input_tokens");
        e.usage.output_tokens = int_or_zero(*u, "output_tokens");
        e.usage.cache_read_tokens = int_or_zero(*u, "cache_read_input_tokens");
        e.usage.cache_creation_tokens = int_or_zero(*u, "cache_creation_input_tokens");
    }
    // total_cost_usd is the process total (title and other side requests
    // included): this turn's share is the growth since the last result. A
    // total below the baseline means the baseline belonged to an earlier
    // process; then the whole total is this process's, so this turn's.
    if (j.contains("total_cost_usd")) {
        double total = double_or_zero(j, "total_cost_usd");
        double cost = total >= total_cost_ ? total - total_cost_ : total;
        // Rounded to a nano-dollar: 0.0033 - 0.0022 is 0.0010999999999999998
        // in binary, which would show up in sums and displays.
        e.usage.cost_usd = std::round(cost * 1e9) / 1e9;
        total_cost_ = total;
    }
    out.push_back(std::move(e));
}

void ClaudeParser::parse_control_request(const json& j, std::vector<ChatEntry>& out) {
    const json* req = obj_ptr(j, "request");
    std::string subtype = req ? str_or(*req, "subtype") : std::string();
    ChatEntry e;
    e.request_id = str_or(j, "request_id");
    if (subtype == "can_use_tool") {
        e.kind = ChatKind::permission;
        e.tool_name = str_or(*req, "tool_name");
        e.tool_id = str_or(*req, "tool_use_id");
        auto in = req->find("input");
        e.tool_input = in != req->end() ? *in : json::object();
        // Set when a PreToolUse hook answered `ask`: its reason for asking.
        e.text = str_or(*req, "decision_reason");
        if (e.text.empty()) e.text = str_or(*req, "description");
    } else {
        // Anything else the CLI asks must still be answered (with an error)
        // or it waits for ever: surface it with its request id.
        e.kind = ChatKind::system;
        e.subtype = "control_request";
        e.text = "unsupported control request: " + (subtype.empty() ? "?" : subtype);
    }
    out.push_back(std::move(e));
}

} // namespace fab
