// Codex CLI adapter: one `codex exec` process per turn, stdin /dev/null,
// JSONL events on stdout. Mappings checked against Codex CLI 0.169.0
// (tests/fixtures/agents/codex-*.jsonl).
#include "agents/common.hpp"

#include <set>

namespace fab {

using json = nlohmann::json;
using namespace fab::agents;

namespace {

class CodexParser : public OutputParser {
  public:
    void parse_line(std::string_view line, std::vector<ChatEntry>& out) override;
    // Cumulative usage of the thread so far, in ChatEntry's meaning
    // (input_tokens without cached ones). Restore it before parsing a
    // resumed turn: codex reports thread totals, not per-turn figures.
    void set_usage_baseline(const Usage& u) override { total_ = u; }
    Usage usage_baseline() const override { return total_; }

  private:
    void item(const json& item, bool completed, std::vector<ChatEntry>& out);
    void turn_completed(const json& j, std::vector<ChatEntry>& out);

    Usage total_;                   // the thread's usage after the last turn.completed
    std::string thread_;            // from thread.started
    std::string last_message_;      // last agent_message of this turn: the turn's answer
    std::set<std::string> started_; // items whose tool_use was already reported
};

ChatEntry make_entry(ChatKind kind, std::string text = {}, std::string subtype = {}) {
    ChatEntry e;
    e.kind = kind;
    e.text = std::move(text);
    e.subtype = std::move(subtype);
    return e;
}

// "A path" / "M path" / "D path", one line per change, like `git status`.
std::string change_summary(const json& item) {
    std::string text;
    auto changes = item.find("changes");
    if (changes == item.end() || !changes->is_array()) return text;
    for (const auto& c : *changes) {
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

void CodexParser::item(const json& it, bool completed, std::vector<ChatEntry>& out) {
    std::string type = str_or(it, "type");
    std::string id = str_or(it, "id");
    bool is_command = type == "command_execution";
    bool is_patch = type == "file_change";
    if (is_command || is_patch) {
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
                auto changes = it.find("changes");
                e.tool_input = {{"changes", changes != it.end() ? *changes : json::array()}};
            }
            out.push_back(std::move(e));
        }
        if (!completed) return;
        ChatEntry e = make_entry(ChatKind::tool_result);
        e.tool_id = id;
        std::string status = str_or(it, "status");
        e.is_error = status == "failed" || status == "declined";
        if (is_command) {
            auto code = it.find("exit_code");
            if (code != it.end() && code->is_number_integer() && code->get<int64_t>() != 0)
                e.is_error = true;
            e.text = cap_text(str_or(it, "aggregated_output"));
            // Say so when there is no output, as claude does, so an empty
            // result does not look like a lost one.
            if (e.text.empty())
                e.text = code != it.end() && code->is_number_integer()
                             ? "(no output, exit " + std::to_string(code->get<int64_t>()) + ")"
                             : "(no output)";
        } else {
            e.text = cap_text(change_summary(it));
        }
        out.push_back(std::move(e));
        return;
    }
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

class CodexBackend : public Backend {
  public:
    std::string name() const override { return "codex"; }
    std::string default_program() const override { return "codex"; }
    bool persistent() const override { return false; }
    Result<LaunchSpec> launch(const AgentParams& p, const std::string& message) const override;
    std::unique_ptr<OutputParser> make_parser() const override {
        return std::make_unique<CodexParser>();
    }
};

Result<LaunchSpec> CodexBackend::launch(const AgentParams& p, const std::string& message) const {
    if (p.worktree.empty()) return make_error("codex: no worktree given");
    if (p.resume && p.session_id.empty())
        return make_error("codex: cannot resume without a thread id");
    const std::string& mode = p.permission_mode;
    if (!mode.empty() && mode != "default" && mode != "plan")
        return make_error("codex: unsupported permission mode '" + mode + "'");

    LaunchSpec spec;
    // `exec resume` accepts neither --sandbox nor -C (0.169.0: exit 2), but
    // `exec` takes them before the `resume` subcommand and they apply to the
    // resumed turn. Both matter: a resumed turn otherwise runs in the
    // process's cwd, not the thread's original one, and in config.toml's
    // sandbox. --skip-git-repo-check: worktrees may be untrusted dirs.
    spec.argv = {p.program.empty() ? "codex" : p.program,
                 "exec",
                 "--json",
                 "--skip-git-repo-check",
                 "--sandbox",
                 mode == "plan" ? "read-only" : "workspace-write",
                 "-C",
                 p.worktree};
    if (!p.model.empty()) spec.argv.insert(spec.argv.end(), {"-m", p.model});
    if (p.resume) spec.argv.insert(spec.argv.end(), {"resume", p.session_id});
    // `--` so that a message starting with '-' is not taken for an option.
    spec.argv.insert(spec.argv.end(), {"--", message});
    spec.env = agent_env(p);
    // On a pipe codex waits for EOF and appends stdin to the prompt.
    spec.stdin_pipe = false;
    return spec;
}

} // namespace

namespace agents {
std::unique_ptr<Backend> make_codex_backend() {
    return std::make_unique<CodexBackend>();
}
} // namespace agents

} // namespace fab
