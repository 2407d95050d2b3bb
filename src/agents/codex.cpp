// Codex CLI adapter: one long-lived `codex app-server` per agent, JSON-RPC
// on stdin/stdout (tests/e2e/NOTES.md, "codex app-server"): a handshake
// (initialize, thread/start or thread/resume), then turn/start per message,
// turn/steer into a running turn, turn/interrupt to stop; approval and
// user-input requests become permission entries answered through fab's
// decision path. The parser also reads the `codex exec --json` events of
// transcripts written before this backend. Mappings checked against Codex
// CLI 0.169.0 (tests/fixtures/agents/codex-*.jsonl).
#include "agents/common.hpp"

#include <atomic>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace fab {

using json = nlohmann::json;
using namespace fab::agents;

namespace {

// The names one item format gives to what tool_item reads.
struct ItemFields {
    const char* command_type;
    const char* patch_type;
    const char* exit_code;
    const char* output;
};
constexpr ItemFields kExecItem{"command_execution", "file_change", "exit_code",
                               "aggregated_output"};
constexpr ItemFields kRpcItem{"commandExecution", "fileChange", "exitCode", "aggregatedOutput"};

class CodexParser : public OutputParser {
  public:
    void parse_line(std::string_view line, std::vector<ChatEntry>& out) override;
    // Cumulative usage of the thread so far, in ChatEntry's meaning
    // (input_tokens without cached ones). Restore it before parsing a
    // resumed turn: codex reports thread totals, not per-turn figures.
    void set_usage_baseline(const Usage& u) override { total_ = u; }
    Usage usage_baseline() const override { return total_; }
    std::string turn_id() const override { return turn_; }
    std::string model() const override { return model_; }

  private:
    // `codex exec --json` events (transcripts of agents from before the
    // app-server backend; still read for their history).
    void exec_event(const json& j, std::vector<ChatEntry>& out);
    void item(const json& item, bool completed, std::vector<ChatEntry>& out);
    void turn_completed(const json& j, std::vector<ChatEntry>& out);
    // `codex app-server` JSON-RPC (codex_app_server.cpp).
    void rpc_message(const json& j, std::vector<ChatEntry>& out);
    void rpc_response(const json& j, std::vector<ChatEntry>& out);
    void rpc_notification(const std::string& method, const json& params,
                          std::vector<ChatEntry>& out);
    void rpc_request(const std::string& method, const json& id, const json& params,
                     std::vector<ChatEntry>& out);
    void rpc_item(const json& item, bool completed, std::vector<ChatEntry>& out);
    // A command or file-change item of either format → tool_use (once) and,
    // completed, tool_result. False for any other item.
    bool tool_item(const json& item, bool completed, const ItemFields& f,
                   std::vector<ChatEntry>& out);
    void usage_now(const Usage& now, ChatEntry& e);

    Usage total_;                              // the thread's usage after the last completed turn
    Usage seen_;                               // the thread's usage as last reported (app-server)
    std::string thread_;                       // from thread.started / thread/start
    std::string turn_;                         // app-server: the turn in progress
    std::string model_;                        // app-server: from thread/start or thread/resume
    std::string last_message_;                 // last agent_message of this turn: the turn's answer
    std::set<std::string> started_;            // items whose tool_use was already reported
    std::map<std::string, json> file_changes_; // app-server: fileChange items by id (paths)
    std::map<std::string, std::string> open_requests_; // JSON-RPC id → request_id, unanswered
};

ChatEntry make_entry(ChatKind kind, std::string text = {}, std::string subtype = {}) {
    ChatEntry e;
    e.kind = kind;
    e.text = std::move(text);
    e.subtype = std::move(subtype);
    return e;
}

// The changes of a file-change item as [{path, kind}], kind "add" | "update" |
// "delete": `codex exec --json` gives kind as a string, the app-server as
// {"type": …}.
json changes_of(const json& item) {
    json list = json::array();
    auto changes = item.find("changes");
    if (changes == item.end() || !changes->is_array()) return list;
    for (const auto& c : *changes) {
        const json* kind = obj_ptr(c, "kind");
        list.push_back({{"path", str_or(c, "path")},
                        {"kind", kind ? str_or(*kind, "type") : str_or(c, "kind")}});
    }
    return list;
}

// "A path" / "M path" / "D path", one line per change (changes_of), like `git status`.
std::string change_summary(const json& changes) {
    std::string text;
    for (const auto& c : changes) {
        std::string kind = str_or(c, "kind");
        char letter = kind == "add" ? 'A' : kind == "delete" ? 'D' : kind == "update" ? 'M' : '?';
        if (!text.empty()) text += '\n';
        text += letter;
        text += ' ';
        text += str_or(c, "path");
    }
    return text;
}

void CodexParser::parse_line(std::string_view line, std::vector<ChatEntry>& out) {
    if (blank(line)) return;
    json j;
    if (!parse_line_json(line, j) || !j.is_object()) {
        out.push_back(unparsable_line_entry(line));
        return;
    }
    if (j.contains("method") || j.contains("id")) return rpc_message(j, out);
    exec_event(j, out);
}

void CodexParser::exec_event(const json& j, std::vector<ChatEntry>& out) {
    const std::string* type = str_ptr(j, "type");
    if (!type) return;
    if (*type == "item.started" || *type == "item.completed") {
        if (const json* it = obj_ptr(j, "item")) item(*it, *type == "item.completed", out);
    } else if (*type == "thread.started") {
        thread_ = str_or(j, "thread_id");
        ChatEntry e = make_entry(ChatKind::system, "thread " + thread_, "thread_started");
        e.session_id = thread_;
        out.push_back(std::move(e));
    } else if (*type == "turn.started") {
        last_message_.clear();
        started_.clear(); // item ids restart at item_0 in every process
    } else if (*type == "turn.completed") {
        turn_completed(j, out);
    } else if (*type == "turn.failed") {
        std::string msg;
        if (const json* err = obj_ptr(j, "error")) msg = str_or(*err, "message");
        ChatEntry e =
            make_entry(ChatKind::turn_result, msg.empty() ? "turn failed" : msg, "failed");
        e.is_error = true;
        e.session_id = thread_;
        out.push_back(std::move(e));
    } else if (*type == "error") {
        // Top-level errors are retries ("Reconnecting... 1/1 (…)") or the
        // final error that turn.failed repeats: a note either way, the
        // turn's outcome is turn.failed / turn.completed.
        std::string msg = str_or(j, "message");
        bool retry = msg.rfind("Reconnecting", 0) == 0;
        out.push_back(make_entry(ChatKind::system, msg, retry ? "retry" : "api_error"));
    }
    // item.updated (todo lists) and unknown types: nothing.
}

bool CodexParser::tool_item(const json& it, bool completed, const ItemFields& f,
                            std::vector<ChatEntry>& out) {
    std::string type = str_or(it, "type");
    bool is_command = type == f.command_type;
    if (!is_command && type != f.patch_type) return false;
    std::string id = str_or(it, "id");
    // tool_use when the item starts; if codex ever reports only the
    // completion, the tool_use is still emitted first, once.
    if (!started_.count(id)) {
        started_.insert(id);
        ChatEntry e = make_entry(ChatKind::tool_use);
        e.tool_id = id;
        if (is_command) {
            e.tool_name = "shell";
            e.tool_input = {{"command", str_or(it, "command")}};
        } else {
            e.tool_name = "apply_patch";
            e.tool_input = {{"changes", changes_of(it)}};
        }
        out.push_back(std::move(e));
    }
    if (!completed) return true;
    ChatEntry e = make_entry(ChatKind::tool_result);
    e.tool_id = id;
    std::string status = str_or(it, "status");
    bool declined = status == "declined";
    e.is_error = status == "failed" || declined;
    if (is_command) {
        auto code = it.find(f.exit_code);
        bool has_code = code != it.end() && code->is_number_integer();
        if (has_code && code->get<int64_t>() != 0) e.is_error = true;
        e.text = cap_text(str_or(it, f.output));
        // Say so when there is no output, as claude does, so an empty
        // result does not look like a lost one.
        if (e.text.empty())
            e.text = declined   ? "(declined)"
                     : has_code ? "(no output, exit " + std::to_string(code->get<int64_t>()) + ")"
                                : "(no output)";
    } else {
        e.text = cap_text(change_summary(changes_of(it)));
        if (declined) e.text += e.text.empty() ? "(declined)" : " (declined)";
    }
    out.push_back(std::move(e));
    return true;
}

void CodexParser::item(const json& it, bool completed, std::vector<ChatEntry>& out) {
    if (tool_item(it, completed, kExecItem, out)) return;
    std::string type = str_or(it, "type");
    if (!completed) return; // the other items are reported whole on completion
    if (type == "agent_message") {
        last_message_ = str_or(it, "text");
        out.push_back(make_entry(ChatKind::assistant_text, last_message_));
    } else if (type == "reasoning") {
        out.push_back(make_entry(ChatKind::system, str_or(it, "text"), "reasoning"));
    } else if (type == "error") {
        // Non-fatal: e.g. "Model metadata for `gpt-5` not found".
        out.push_back(make_entry(ChatKind::system, str_or(it, "message"), "warning"));
    }
    // mcp_tool_call, web_search, todo_list, …: not used by fab's agents yet.
}

void CodexParser::turn_completed(const json& j, std::vector<ChatEntry>& out) {
    Usage now; // the thread's cumulative usage, in ChatEntry's meaning
    if (const json* u = obj_ptr(j, "usage")) {
        int64_t cached = int_or_zero(*u, "cached_input_tokens");
        // OpenAI counts cached tokens inside input_tokens; claude (and
        // ChatEntry) keep them apart, so sums mean the same for both.
        now.input_tokens = int_or_zero(*u, "input_tokens") - cached;
        now.output_tokens = int_or_zero(*u, "output_tokens");
        now.cache_read_tokens = cached;
        now.cache_creation_tokens = int_or_zero(*u, "cache_write_input_tokens");
    }
    ChatEntry e = make_entry(ChatKind::turn_result, last_message_, "success");
    e.session_id = thread_;
    // A total below the baseline means the baseline was for another thread
    // (or lost): then all of `now` is attributed to this turn.
    auto delta = [](int64_t cur, int64_t base) { return cur >= base ? cur - base : cur; };
    e.usage.input_tokens = delta(now.input_tokens, total_.input_tokens);
    e.usage.output_tokens = delta(now.output_tokens, total_.output_tokens);
    e.usage.cache_read_tokens = delta(now.cache_read_tokens, total_.cache_read_tokens);
    e.usage.cache_creation_tokens = delta(now.cache_creation_tokens, total_.cache_creation_tokens);
    total_ = now;
    out.push_back(std::move(e));
}

// ---------- codex app-server (JSON-RPC 2.0 without the "jsonrpc" member) ----------
//
// fab's own request ids are "<method>:<n>", so that a response read back from
// the transcript (by the daemon, after a restart) still says what it answers.
// A server request (an approval, a question) becomes a permission entry whose
// request_id is "<itemId>#<JSON-RPC id>": unique across the agent's
// processes (codex numbers its requests from 0 in each), and the answer can
// be addressed from the request_id alone.

std::string rpc_method_of(const json& id) {
    if (!id.is_string()) return {};
    std::string s = id.get<std::string>();
    auto colon = s.rfind(':');
    return colon == std::string::npos ? std::string() : s.substr(0, colon);
}

// One shell word as bash reads it, when it is a literal: 'single-quoted'
// and "double-quoted" parts (in these only \$ \` \" \\ and \<newline> are
// escapes) and backslash-escaped or plain characters, run together. Codex
// quotes the command it shows with single quotes ('\'' for a quote) or, when
// the command holds quotes, double quotes (`bash -c "fab plan write
// <<'PLAN'…"`). Anything bash would expand or split (an unescaped $ or `,
// a blank, a glob or an operator outside quotes) is not a literal: nullopt.
std::optional<std::string> literal_shell_word(std::string_view w) {
    auto plain = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_@%+=:,./-", c);
    };
    std::string out;
    size_t i = 0;
    while (i < w.size()) {
        char c = w[i];
        if (c == '\'') {
            size_t close = w.find('\'', i + 1);
            if (close == std::string_view::npos) return std::nullopt;
            out.append(w.substr(i + 1, close - i - 1));
            i = close + 1;
        } else if (c == '"') {
            for (++i;; ++i) {
                if (i >= w.size()) return std::nullopt; // unterminated
                char d = w[i];
                if (d == '"') break;
                if (d == '$' || d == '`') return std::nullopt; // an expansion
                if (d == '\\' && i + 1 < w.size() && std::strchr("$`\"\\\n", w[i + 1])) {
                    if (w[i + 1] != '\n') out += w[i + 1]; // \<newline>: a line joint
                    ++i;
                    continue;
                }
                out += d;
            }
            ++i;
        } else if (c == '\\' && i + 1 < w.size() && w[i + 1] != '\n') {
            out += w[i + 1];
            i += 2;
        } else if (plain(c)) {
            out += c;
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

// `/bin/bash -lc 'touch a'` → `touch a`: the command the model wrote, which
// is what permission rules are written for. Anything else is kept whole.
std::string strip_shell_wrapper(const std::string& cmd) {
    for (std::string_view prefix : {"/bin/bash -lc ", "/bin/bash -c ", "bash -lc ", "bash -c ",
                                    "/bin/sh -c ", "sh -c ", "/usr/bin/bash -lc "}) {
        if (cmd.rfind(prefix, 0) != 0) continue;
        auto word = literal_shell_word(std::string_view(cmd).substr(prefix.size()));
        return word && !word->empty() ? *word : cmd;
    }
    return cmd;
}

std::string approval_request_id(const json& params, const json& id) {
    std::string item = str_or(params, "itemId");
    if (const std::string* a = str_ptr(params, "approvalId")) item += "/" + *a;
    return (item.empty() ? std::string("request") : item) + "#" + dump(id);
}

// The JSON-RPC id at the end of a request_id made by approval_request_id.
json rpc_id_of(const std::string& request_id) {
    auto hash = request_id.rfind('#');
    if (hash == std::string::npos) return json(request_id);
    json id = json::parse(request_id.substr(hash + 1), nullptr, false);
    return id.is_discarded() ? json(request_id.substr(hash + 1)) : id;
}

Usage usage_of(const json& t) { // a TokenUsageBreakdown
    Usage u;
    int64_t cached = int_or_zero(t, "cachedInputTokens");
    u.input_tokens = int_or_zero(t, "inputTokens") - cached;
    u.output_tokens = int_or_zero(t, "outputTokens");
    u.cache_read_tokens = cached;
    u.cache_creation_tokens = int_or_zero(t, "cacheWriteInputTokens");
    return u;
}

void CodexParser::rpc_message(const json& j, std::vector<ChatEntry>& out) {
    const std::string* method = str_ptr(j, "method");
    auto id = j.find("id");
    static const json kEmpty = json::object();
    const json* params = obj_ptr(j, "params");
    if (!params) params = &kEmpty;
    if (method && id != j.end()) return rpc_request(*method, *id, *params, out);
    if (method) return rpc_notification(*method, *params, out);
    rpc_response(j, out);
}

void CodexParser::rpc_response(const json& j, std::vector<ChatEntry>& out) {
    std::string method = rpc_method_of(j.value("id", json()));
    if (const json* err = obj_ptr(j, "error")) {
        ChatEntry e = make_entry(ChatKind::error,
                                 (method.empty() ? std::string("request") : method) +
                                     " failed: " + str_or(*err, "message", "?"),
                                 "rpc_error");
        if (method == "thread/resume" || method == "thread/start") e.subtype = "session_failed";
        if (method == "turn/start") {
            // No turn will run: end it here, or the agent would wait for ever.
            out.push_back(std::move(e));
            ChatEntry r = make_entry(ChatKind::turn_result, "turn/start failed", "failed");
            r.is_error = true;
            r.session_id = thread_;
            out.push_back(std::move(r));
            return;
        }
        out.push_back(std::move(e));
        return;
    }
    if (method == "thread/start" || method == "thread/resume") {
        const json* r = obj_ptr(j, "result");
        const json* t = r ? obj_ptr(*r, "thread") : nullptr;
        if (!t) return;
        thread_ = str_or(*t, "id");
        model_ = str_or(*r, "model");
        ChatEntry e = make_entry(ChatKind::system,
                                 (method == "thread/start" ? "thread " : "thread resumed ") +
                                     thread_ + ": model " + str_or(*r, "model", "?") + ", cwd " +
                                     str_or(*r, "cwd", "?"),
                                 "session_ready");
        e.session_id = thread_;
        out.push_back(std::move(e));
    }
    // initialize, turn/start, turn/steer, turn/interrupt results: nothing to show.
}

void CodexParser::rpc_notification(const std::string& method, const json& params,
                                   std::vector<ChatEntry>& out) {
    if (method == "item/started" || method == "item/completed") {
        if (const json* it = obj_ptr(params, "item"))
            rpc_item(*it, method == "item/completed", out);
    } else if (method == "turn/started") {
        last_message_.clear();
        if (const json* t = obj_ptr(params, "turn")) turn_ = str_or(*t, "id");
    } else if (method == "thread/tokenUsage/updated") {
        if (const json* tu = obj_ptr(params, "tokenUsage"))
            if (const json* total = obj_ptr(*tu, "total")) seen_ = usage_of(*total);
    } else if (method == "turn/completed") {
        const json* t = obj_ptr(params, "turn");
        std::string status = t ? str_or(*t, "status") : std::string();
        ChatEntry e = make_entry(ChatKind::turn_result, last_message_,
                                 status == "completed" ? "success" : status);
        if (status == "failed") {
            e.is_error = true;
            if (const json* err = t ? obj_ptr(*t, "error") : nullptr)
                e.text = str_or(*err, "message", "turn failed");
            if (e.text.empty()) e.text = "turn failed";
        } else if (status == "interrupted" && e.text.empty()) {
            e.text = "interrupted";
        }
        e.session_id = thread_;
        usage_now(seen_, e);
        turn_.clear();
        out.push_back(std::move(e));
    } else if (method == "error") {
        // Retries ("Reconnecting... 1/1") and the final error of a failing
        // turn; the turn's outcome comes with turn/completed.
        const json* err = obj_ptr(params, "error");
        std::string msg = err ? str_or(*err, "message") : str_or(params, "message");
        bool retry = bool_or_false(params, "willRetry") || msg.rfind("Reconnecting", 0) == 0;
        out.push_back(make_entry(ChatKind::system, msg, retry ? "retry" : "api_error"));
    } else if (method == "warning" || method == "configWarning") {
        std::string msg = str_or(params, "message");
        if (msg.empty()) msg = str_or(params, "summary");
        out.push_back(make_entry(ChatKind::system, msg, "warning"));
    } else if (method == "serverRequest/resolved") {
        // Answered (by us, or cancelled by codex, e.g. on interrupt): codex
        // no longer waits, whatever a human would still say.
        auto it = open_requests_.find(dump(params.value("requestId", json())));
        if (it == open_requests_.end()) return;
        ChatEntry e = make_entry(ChatKind::system, "request " + it->second + " resolved",
                                 "control_cancel_request");
        e.request_id = it->second;
        open_requests_.erase(it);
        out.push_back(std::move(e));
    }
    // Deltas, status changes, rate limits, hooks, plans, diffs: nothing (the
    // completed items carry the same text).
}

void CodexParser::rpc_request(const std::string& method, const json& id, const json& params,
                              std::vector<ChatEntry>& out) {
    ChatEntry e;
    e.request_id = approval_request_id(params, id);
    e.tool_id = str_or(params, "itemId");
    e.text = str_or(params, "reason");
    if (method == "item/commandExecution/requestApproval") {
        e.kind = ChatKind::permission;
        e.tool_name = "Bash";
        std::string cmd = str_or(params, "command");
        e.tool_input = {{"command", strip_shell_wrapper(cmd)}};
        if (const std::string* cwd = str_ptr(params, "cwd")) e.tool_input["cwd"] = *cwd;
        if (!e.text.empty()) e.tool_input["description"] = e.text;
    } else if (method == "item/fileChange/requestApproval") {
        // The paths are in the fileChange item, announced just before.
        e.kind = ChatKind::permission;
        json paths = json::array();
        bool adds_only = true;
        auto it = file_changes_.find(e.tool_id);
        if (it != file_changes_.end())
            for (const auto& c : it->second.value("changes", json::array())) {
                paths.push_back(str_or(c, "path"));
                const json* kind = obj_ptr(c, "kind");
                std::string k = kind ? str_or(*kind, "type") : str_or(c, "kind");
                if (k != "add") adds_only = false;
            }
        e.tool_name = adds_only && !paths.empty() ? "Write" : "Edit";
        e.tool_input = {{"file_path", paths.empty() ? std::string() : paths[0].get<std::string>()},
                        {"file_paths", paths}};
        if (const std::string* root = str_ptr(params, "grantRoot"))
            e.tool_input["grant_root"] = *root;
    } else if (method == "item/tool/requestUserInput") {
        // Shaped as claude's AskUserQuestion, so `fab question`, the TUI and
        // the answer path are the same for both backends.
        e.kind = ChatKind::permission;
        e.tool_name = "AskUserQuestion";
        json qs = json::array();
        for (const auto& q : params.value("questions", json::array())) {
            json opts = json::array();
            if (q.contains("options") && q["options"].is_array())
                for (const auto& o : q["options"])
                    opts.push_back(
                        {{"label", str_or(o, "label")}, {"description", str_or(o, "description")}});
            qs.push_back({{"id", str_or(q, "id")},
                          {"header", str_or(q, "header")},
                          {"question", str_or(q, "question")},
                          {"options", opts}});
        }
        e.tool_input = {{"questions", qs}};
    } else {
        // Anything else (dynamic tools, MCP elicitations, auth refresh) is
        // answered with an error by the host, so codex does not wait.
        e.kind = ChatKind::system;
        e.subtype = "control_request";
        e.request_id = "#" + dump(id);
        e.text = "unsupported request: " + method;
    }
    if (e.kind == ChatKind::permission) open_requests_[dump(id)] = e.request_id;
    out.push_back(std::move(e));
}

void CodexParser::rpc_item(const json& it, bool completed, std::vector<ChatEntry>& out) {
    std::string type = str_or(it, "type");
    // A file-change approval names no paths: they are in this item.
    if (type == kRpcItem.patch_type) {
        if (completed)
            file_changes_.erase(str_or(it, "id"));
        else
            file_changes_[str_or(it, "id")] = it;
    }
    if (tool_item(it, completed, kRpcItem, out)) return;
    if (!completed) return;
    if (type == "agentMessage") {
        last_message_ = str_or(it, "text");
        if (!last_message_.empty())
            out.push_back(make_entry(ChatKind::assistant_text, last_message_));
    } else if (type == "reasoning") {
        std::string text;
        for (const char* key : {"summary", "content"})
            for (const auto& part : it.value(key, json::array()))
                if (part.is_string()) text += (text.empty() ? "" : "\n") + part.get<std::string>();
        if (!text.empty()) out.push_back(make_entry(ChatKind::system, text, "reasoning"));
    }
    // userMessage (our own input, already recorded), mcpToolCall, webSearch, …: nothing.
}

// `now` is the thread's cumulative usage; the entry gets this turn's part.
void CodexParser::usage_now(const Usage& now, ChatEntry& e) {
    // A total below the baseline means the baseline was for another thread
    // (or lost): then all of `now` is attributed to this turn.
    auto delta = [](int64_t cur, int64_t base) { return cur >= base ? cur - base : cur; };
    e.usage.input_tokens = delta(now.input_tokens, total_.input_tokens);
    e.usage.output_tokens = delta(now.output_tokens, total_.output_tokens);
    e.usage.cache_read_tokens = delta(now.cache_read_tokens, total_.cache_read_tokens);
    e.usage.cache_creation_tokens = delta(now.cache_creation_tokens, total_.cache_creation_tokens);
    total_ = now;
}

class CodexBackend : public Backend {
  public:
    std::string name() const override { return "codex"; }
    std::string default_program() const override { return "codex"; }
    bool persistent() const override { return true; }
    bool has_hooks() const override { return false; }
    bool usage_per_process() const override { return false; }
    bool handshake() const override { return true; }
    Result<LaunchSpec> launch(const AgentParams& p, const std::string& message) const override;
    std::string startup_lines(const AgentParams& p) const override;
    std::string format_input(const std::string& text, const SessionState& s) const override;
    std::string interrupt_line(const std::string& request_id, const SessionState& s) const override;
    std::string permission_response(const std::string& request_id, bool allow,
                                    const json& updated_input, const std::string& message,
                                    const SessionState& s) const override;
    std::string unsupported_request_response(const std::string& request_id) const override;
    std::unique_ptr<OutputParser> make_parser() const override {
        return std::make_unique<CodexParser>();
    }
};

std::string rpc_line(const std::string& method, const std::string& tag, json params) {
    return dump(json{
               {"id", method + ":" + tag}, {"method", method}, {"params", std::move(params)}}) +
           "\n";
}

// Every command and every file change is an approval request, decided by
// fab's rules, its LLM checker or a human, as a Claude agent's tool calls are
// through the hook. Codex 0.169.0 refuses "untrusted" as the approval_policy
// config key ("no longer supported"), yet takes it on thread/start,
// thread/resume and turn/start: it then asks before every command, even `ls`,
// and an approved command still runs inside the sandbox (tests/e2e/NOTES.md).
// With "on-request" codex would run everything the sandbox allows without
// asking, so fab's rules would only see escalations.
constexpr const char* kApprovalPolicy = "untrusted";

json user_text(const std::string& text) {
    return json::array({{{"type", "text"}, {"text", text}, {"text_elements", json::array()}}});
}

// What the sandbox lets commands do: write the worktree and its git metadata
// (so `git commit` works), reach fab.sock (network access: the sandbox's
// seccomp filter otherwise refuses the AF_UNIX connect), nothing else. A
// planner reads only, but may still reach fab.sock for `fab plan write`.
json sandbox_policy(const AgentParams& p) {
    if (p.permission_mode == "plan") return {{"type", "readOnly"}, {"networkAccess", true}};
    return {
        {"type", "workspaceWrite"}, {"writableRoots", p.writable_roots}, {"networkAccess", true}};
}

Result<LaunchSpec> CodexBackend::launch(const AgentParams& p, const std::string&) const {
    if (p.worktree.empty()) return make_error("codex: no worktree given");
    if (p.resume && p.session_id.empty())
        return make_error("codex: cannot resume without a thread id");
    const std::string& mode = p.permission_mode;
    if (!mode.empty() && mode != "default" && mode != "plan")
        return make_error("codex: unsupported permission mode '" + mode + "'");
    LaunchSpec spec;
    // The config's approval_policy cannot say "untrusted" (see
    // kApprovalPolicy; the thread and every turn do); on-request is only the
    // fallback of a thread started without fab's parameters.
    // allow_login_shell=false: commands run with `bash -c`, so a login
    // profile does not reset the PATH that finds fab.
    spec.argv = {p.program.empty() ? "codex" : p.program, "app-server", "-c",
                 "approval_policy=\"on-request\"", "-c",
                 std::string("sandbox_mode=\"") +
                     (mode == "plan" ? "read-only" : "workspace-write") + "\"",
                 "-c", "allow_login_shell=false",
                 // request_user_input (fab questions) is otherwise only offered
                 // in codex's Plan collaboration mode.
                 "--enable", "default_mode_request_user_input", "-c",
                 "suppress_unstable_features_warning=true"};
    spec.env = agent_env(p);
    spec.stdin_pipe = true;
    return spec;
}

std::string CodexBackend::startup_lines(const AgentParams& p) const {
    std::string out =
        rpc_line("initialize", "0", {{"clientInfo", {{"name", "fab"}, {"version", "1"}}}});
    out += dump(json{{"method", "initialized"}}) + "\n";
    json params = {{"cwd", p.worktree},
                   {"approvalPolicy", kApprovalPolicy},
                   {"sandbox", p.permission_mode == "plan" ? "read-only" : "workspace-write"}};
    if (!p.model.empty()) params["model"] = p.model;
    if (!p.append_system_prompt.empty()) params["developerInstructions"] = p.append_system_prompt;
    if (p.resume && !p.session_id.empty()) {
        params["threadId"] = p.session_id;
        out += rpc_line("thread/resume", "0", params);
    } else {
        out += rpc_line("thread/start", "0", params);
    }
    return out;
}

std::string CodexBackend::format_input(const std::string& text, const SessionState& s) const {
    if (s.session_id.empty()) return {};
    // A message while a turn runs joins it (turn/steer), as with claude.
    if (s.turn_running && !s.turn_id.empty())
        return rpc_line("turn/steer", s.turn_id,
                        {{"threadId", s.session_id},
                         {"expectedTurnId", s.turn_id},
                         {"input", user_text(text)}});
    static std::atomic<uint64_t> seq{0};
    json params = {{"threadId", s.session_id}, {"input", user_text(text)}};
    if (s.params) {
        params["sandboxPolicy"] = sandbox_policy(*s.params);
        params["approvalPolicy"] = kApprovalPolicy;
    }
    return rpc_line("turn/start", std::to_string(++seq), params);
}

std::string CodexBackend::interrupt_line(const std::string& request_id,
                                         const SessionState& s) const {
    if (s.session_id.empty() || s.turn_id.empty()) return {};
    return rpc_line("turn/interrupt", request_id,
                    {{"threadId", s.session_id}, {"turnId", s.turn_id}});
}

std::string CodexBackend::permission_response(const std::string& request_id, bool allow,
                                              const json& updated_input, const std::string& message,
                                              const SessionState& s) const {
    json id = rpc_id_of(request_id);
    if (updated_input.is_object() && updated_input.contains("answers") &&
        updated_input.contains("questions")) {
        // A question: answers keyed by question text (claude's form) → by id.
        json answers = json::object();
        const json& given = updated_input["answers"];
        for (const auto& q : updated_input["questions"]) {
            std::string text = str_or(q, "question");
            if (given.is_object() && given.contains(text) && given[text].is_string())
                answers[str_or(q, "id")] = {{"answers", json::array({given[text]})}};
        }
        return dump(json{{"id", id}, {"result", {{"answers", answers}}}}) + "\n";
    }
    if (updated_input.is_object() && updated_input.contains("questions") && !allow) {
        // A question nobody answered: no answers.
        return dump(json{{"id", id}, {"result", {{"answers", json::object()}}}}) + "\n";
    }
    std::string out =
        dump(json{{"id", id}, {"result", {{"decision", allow ? "accept" : "decline"}}}}) + "\n";
    // The approval answer has no room for a reason: codex tells the model
    // only "rejected by user". The reason follows as a message into the
    // same turn, so the model reads why and what to do instead.
    if (!allow && !message.empty() && !s.session_id.empty() && !s.turn_id.empty())
        out += rpc_line("turn/steer", "deny",
                        {{"threadId", s.session_id},
                         {"expectedTurnId", s.turn_id},
                         {"input", user_text("fab denied that: " + message)}});
    return out;
}

std::string CodexBackend::unsupported_request_response(const std::string& request_id) const {
    return dump(json{{"id", rpc_id_of(request_id)},
                     {"error", {{"code", -32601}, {"message", "not supported by fab"}}}}) +
           "\n";
}

} // namespace

namespace agents {
std::unique_ptr<Backend> make_codex_backend() {
    return std::make_unique<CodexBackend>();
}
} // namespace agents

} // namespace fab
