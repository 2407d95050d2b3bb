// The agents beyond task agents: planners (kind "plan"), one manager per
// project and one director across projects. They are ordinary supervisor
// agents with a kind; what is special lives here:
//   - planner: plan mode (the supervisor picks it from the kind), the
//     project's planner-backend, the planner prompt, not counted against
//     max-agents; its ExitPlanMode plan is stored like `fab plan write`
//     (a codex planner's final answer, as codex has neither).
//     It works in a worktree of its own, like a task agent: the clone is
//     the merge queue's, and a worktree pins the commit the plan is about.
//   - manager / director: found again by kind (and project) among the
//     supervisor's agents, so nothing extra is persisted; they work in a
//     place that outlives each session (projects/<name>/manager/wt-manager,
//     $FAB_DIR/director); `start` is idempotent and resumes the last session
//     when its host is gone; `clear` starts a fresh session.
// Loop thread only.
#pragma once

#include "agents/chat.hpp"
#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace fab {

class Daemon;
struct Agent;

namespace roles {

// false for manager and director: the supervisor must not remove their
// place when one of their sessions ends.
bool owns_worktree(std::string_view kind);

// Called by the supervisor for every chat entry of every agent.
void on_entry(Daemon& d, Agent& a, const ChatEntry& e);

// backend, model: "" = the project's planner-backend / planner-model.
void start_planner(Daemon& d, const std::string& project, const std::string& backend,
                   const std::string& model, const std::string& prompt,
                   std::function<void(Result<Json>)> done);

// kind: "manager" (project required) or "director" (project ignored).
// start → {"agent": …, "existing": bool, "resumed": bool}. model: "" = the
// config's (project model, [defaults] model); a running agent keeps its own.
void start_role(Daemon& d, const std::string& kind, const std::string& project,
                const std::string& model, std::function<void(Result<Json>)> done);
void stop_role(Daemon& d, const std::string& kind, const std::string& project,
               std::function<void(Result<Json>)> done);
void clear_role(Daemon& d, const std::string& kind, const std::string& project,
                const std::string& model, std::function<void(Result<Json>)> done);
Result<Json> role_status(Daemon& d, const std::string& kind, const std::string& project);

} // namespace roles
} // namespace fab
