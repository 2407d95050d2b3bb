// Hooks from --settings, run the way claude runs them (AGENT-CLIS.md §1.7):
// every matching `command` hook of an event in parallel, via /bin/sh -c in
// the session cwd, the event JSON on stdin, the agent's environment plus
// CLAUDECODE/CLAUDE_CODE_SESSION_ID/CLAUDE_PROJECT_DIR, killed after its
// `timeout` seconds (default 600) and then treated as having said nothing.
#pragma once

#include "child.hpp"
#include "loop.hpp"
#include "util/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scripted {

struct HookCommand {
    std::string command;
    int timeout_s = 600;
};

class HookConfig {
  public:
    // `arg`: the --settings value, JSON text or a path to a JSON file.
    static fab::Result<HookConfig> load(const std::string& arg);
    // Deduplicated commands of `event` whose matcher accepts `query` (a tool
    // name, a SessionStart source...; empty: matchers are not consulted).
    std::vector<HookCommand> matching(const std::string& event, const std::string& query) const;

  private:
    nlohmann::json hooks_ = nlohmann::json::object();
};

struct HookOutcome {
    std::string command;
    int exit_code = -1; // -1: did not run to completion (timeout, spawn failure, cancel)
    std::string out, err;
    std::optional<nlohmann::json> json; // stdout, when it is a JSON object
};

// The hooks of one event, running concurrently; the owner polls done().
class HookBatch {
  public:
    HookBatch(Loop& loop, std::vector<HookCommand> cmds, const nlohmann::json& input,
              const std::string& cwd, const std::vector<std::string>& env);
    ~HookBatch();
    HookBatch(const HookBatch&) = delete;
    HookBatch& operator=(const HookBatch&) = delete;

    bool empty() const { return runs_.empty(); }
    bool done();   // also kills hooks past their deadline
    void cancel(); // interrupt: kill them all
    std::vector<HookOutcome> outcomes() const;

  private:
    struct Run {
        HookCommand cmd;
        std::unique_ptr<Child> child;
        int64_t deadline = 0;
        bool timed_out = false;
        std::string spawn_error;
    };
    Loop& loop_;
    std::vector<Run> runs_;
};

// PreToolUse verdict, after claude's precedence: deny > ask > allow.
struct PreToolVerdict {
    enum Kind { None, Allow, Deny, Ask } kind = None;
    std::string reason; // deny / ask reason (exit 2: the formatted stderr)
    std::optional<nlohmann::json> updated_input;
    bool stop = false; // "continue": false
    std::string stop_reason;
};
PreToolVerdict pre_tool_verdict(const std::vector<HookOutcome>& outs, const std::string& tool);

// PermissionRequest verdict: decision.behavior allow (+updatedInput) / deny (+message).
struct PermissionVerdict {
    enum Kind { None, Allow, Deny } kind = None;
    std::optional<nlohmann::json> updated_input;
    std::string message;
};
PermissionVerdict permission_verdict(const std::vector<HookOutcome>& outs);

// Stop: {"decision":"block","reason":...} or exit 2 with the reason on stderr.
std::optional<std::string> stop_block_reason(const std::vector<HookOutcome>& outs);

} // namespace scripted
