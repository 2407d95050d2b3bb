// One decision for one tool call, by fab's own policy and the rule files:
// what `fab hook PreToolUse` decides for a Claude agent, and what the daemon
// decides for a Codex approval request (which no hook saw), so that one
// permissions.ini governs both backends.
//
//   manager / director, Bash: [manager] allowed-patterns, else deny
//   planner: edits denied; `fab plan write <<'TAG' … TAG` allowed
//   everything else: the rules (project, then global; paths normalised)
//
// Reads the config and rule files and may run a rule's script: callers on an
// event loop run it on a worker thread.
#pragma once

#include "config/paths.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace fab::rules {

struct ToolCall {
    std::string agent_kind; // task | plan | manager | director
    std::string project;
    std::string worktree; // where "/path" patterns are rooted ("" : they match nothing)
    std::string cwd;      // where relative Bash arguments start ("": the worktree)
    std::string home;     // where "~/path" patterns are rooted
    std::string tool;     // Bash, Edit, Write, …
    nlohmann::json input; // the tool's input; codex file changes: file_paths (all paths)
};

struct ToolVerdict {
    std::string decision = "pass"; // allow | deny | pass (a human decides)
    bool matched = false;          // a rule (or fab's role policy) applied
    std::string rule;              // its name, for permissions.log
    std::string reason;            // for the model (deny) and the log
};

ToolVerdict decide_tool_call(const Paths& paths, const ToolCall& c);

// True for exactly `fab plan write [--title '…'] <<'TAG'` then the plan, then
// TAG on the last line (or "$FAB_BIN" for fab): a planner may store its plan.
bool is_plan_write(const std::string& command);

} // namespace fab::rules
