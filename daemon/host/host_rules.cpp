// The agent host deciding a Codex approval request by the permission rules
// while no daemon is attached (a restart, a crash): commands the rules allow
// keep running and those they deny stay refused, as with claude, whose hook
// evaluates the rules in its own process. Only a request the rules leave to
// a human (or a question) waits for a daemon.
#include "config/paths.hpp"
#include "daemon/host/host.hpp"
#include "ev/stream.hpp"
#include "rules/decision_log.hpp"
#include "rules/match.hpp"
#include "rules/tool_decision.hpp"
#include "util/log.hpp"

#include <cstdlib>

namespace fab {

void AgentHost::decide_by_rules(const ChatEntry& e) {
    if (e.tool_name == "AskUserQuestion") return; // for a person only
    const AgentParams& p = spec_.params;
    rules::ToolCall call;
    call.agent_kind = p.kind;
    call.project = p.project;
    call.worktree = p.worktree;
    const char* home = std::getenv("HOME");
    call.home = home ? home : "";
    call.tool = e.tool_name;
    call.input = e.tool_input;
    // The paths of fab's state and rules: the agent's FAB_DIR, resolved once
    // on the loop thread (it sets the variable, which workers only read).
    if (!rule_paths_) {
        if (!p.fab_dir.empty()) ::setenv("FAB_DIR", p.fab_dir.c_str(), 1);
        auto paths = resolve_paths();
        if (!paths) {
            log::warn("no rules without a daemon: " + paths.error());
            return; // a daemon decides, or the request is denied in time
        }
        rule_paths_ = *paths;
    }
    auto out = std::make_shared<rules::ToolVerdict>();
    Paths paths = *rule_paths_;
    // Rule files are read (and a rule's script may run): off the loop.
    ev::queue_work(
        &loop_, [out, call, paths] { *out = rules::decide_tool_call(paths, call); },
        [this, out, id = e.request_id, tool = e.tool_name, input = e.tool_input] {
            const rules::ToolVerdict& v = *out;
            if (v.decision != "allow" && v.decision != "deny") return; // a human's: wait
            if (!pending_.count(id)) return; // a daemon came back and answered
            bool allow = v.decision == "allow";
            rules::append_decision_log(
                rule_paths_->fab_dir + "/permissions.log",
                {spec_.agent_id, tool, v.decision, v.rule, rules::primary_value(tool, input)});
            log::info("request " + id + ": no fab daemon attached; " + v.decision + " by rule " +
                      v.rule);
            answer(id, allow, Json(), allow ? "" : v.reason);
        });
}

} // namespace fab
