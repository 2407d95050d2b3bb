// The agent: claude's stream-json session behaviour (turns, control
// protocol, permissions, hooks, results) around a "model" that follows the
// SCRIPT: directives in each user message (see directives.cpp).
//
// Single-threaded. A turn runs as straight-line code; each step that waits
// calls wait(), which runs the event loop, so stdin lines keep being handled
// meanwhile: control requests are answered at once, control_responses are
// filed by request id, and user messages are queued as later turns.
#pragma once

#include "hooks.hpp"
#include "loop.hpp"
#include "options.hpp"
#include "session.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace scripted {

class Agent {
  public:
    Agent(Options opts, HookConfig hooks, SessionRecord record, bool resumed, std::string cwd);
    int run(); // until stdin EOF (and the queue drained); returns the exit code

  private:
    using json = nlohmann::json;

    // How a step or a script ended.
    enum class Flow { Next, Interrupted, Failed, Stopped };

    struct Turn {
        int steps = 0;         // model calls: each assistant message counts one
        std::string last_text; // the result's `result`
        std::string summary;   // text a model would say after the last tool result
        json denials = json::array();
        std::string error;      // SCRIPT:fail message
        int api_status = 500;   // the failed API call's HTTP status
        bool hook_stop = false; // a PreToolUse hook said "continue": false
        std::string stop_reason;
        int64_t started_ms = 0;
    };

    struct Permission {
        enum Kind { Allow, Deny, Interrupted } kind = Deny;
        json input;
        std::string message;
        bool interrupt_after = false; // deny with "interrupt": true
    };

    // stdin and signals (loop callbacks; they only record state and answer).
    void on_line(std::string line);
    void on_control_request(const json& msg);
    void on_signal(int sig);

    // Runs the loop until done() or the monotonic deadline (-1: none).
    bool wait(const std::function<bool()>& done, int64_t deadline_ms = -1);
    bool interrupted() const { return interrupt_requested_; }

    // Turns (agent.cpp).
    void run_turn(const std::string& text);
    Flow run_script(const std::string& text);
    void run_stop_hooks(Flow& flow);
    void finish_turn(Flow flow);

    // Directives (directives.cpp).
    Flow say(const std::string& text);
    Flow bash(const std::string& command);
    Flow write(const std::string& arg);
    Flow ask(const std::string& arg);
    Flow plan(const std::string& text);
    Flow sleep_for(const std::string& arg);
    Flow flood(const std::string& arg);
    Flow fail(const std::string& message);
    // The synthetic assistant message and failed turn of an API error:
    // `status` and `kind` as claude reports them ("server_error", ...).
    Flow api_error(int status, const std::string& text, const char* kind);
    // claude's answer to every message when --model names a model the API
    // does not know (a 404; tests/fixtures/agents/claude-unknown-model.jsonl).
    Flow unknown_model();
    Flow recall();
    Flow run_bash(const std::string& id, const json& input);
    Flow run_write(const std::string& id, const json& input);

    // Permissions (permission.cpp): PreToolUse hooks, the mode, can_use_tool.
    Permission request_permission(const std::string& tool, json input, const std::string& id);
    Permission prompt(const std::string& tool, const json& input, const std::string& id,
                      const std::string* hook_reason);
    void note_denial(const std::string& tool, const std::string& id, const json& input);
    // Tool result for a denied or interrupted permission; the flow to go on with.
    Flow refused(const std::string& id, const Permission& p, const std::string& prefix);

    // Hooks: runs every matching command of `event`, interruptibly.
    std::vector<HookOutcome> run_hooks(const std::string& event, const std::string& query,
                                       json input, bool interruptible = true);
    json hook_base(const std::string& event) const;

    // Output (output.cpp). Every assistant/user line also goes to the transcript.
    void emit_logged(const json& line);
    void emit_text(const std::string& text);
    void emit_tool_use(const std::string& id, const std::string& name, const json& input);
    void emit_tool_result(const std::string& id, const std::string& content, bool is_error,
                          const json& tool_use_result);
    void emit_user_text(const std::string& text);
    void emit_init();
    void emit_result(Flow flow);
    void emit_status();
    void emit_state(const char* state);
    json assistant_envelope(const json& content) const;
    std::string next_tool_id();

    Options opts_;
    HookConfig hooks_;
    SessionRecord record_;
    bool resumed_;
    std::string cwd_;
    std::string mode_;
    std::string transcript_;
    std::vector<std::string> hook_env_, bash_env_;
    Loop loop_;

    std::deque<std::string> queue_;         // user messages not yet run
    std::map<std::string, json> responses_; // control_response by request_id
    bool in_turn_ = false;
    bool interrupt_requested_ = false;
    bool exit_after_turn_ = false; // SIGINT: finish with a result, then exit 0
    bool session_started_ = false;
    bool last_is_error_ = false;
    bool emit_state_events_ = false;
    size_t history_at_turn_start_ = 0;
    Turn turn_;

    // Process totals, as claude's total_cost_usd / modelUsage are.
    int64_t total_in_ = 0, total_out_ = 0;
    double total_cost_ = 0;
};

} // namespace scripted
