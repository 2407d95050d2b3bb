// Permission flow of a tool call, in claude's order (AGENT-CLIS.md §1.4, §1.6,
// §1.7): PreToolUse hooks (deny > ask > allow, updatedInput), then the
// permission mode, then — with --permission-prompt-tool stdio — a
// can_use_tool control_request answered on stdin, raced by PermissionRequest
// hooks (a hook decision cancels the request).
#include "agent.hpp"

#include "emit.hpp"

#include <memory>

namespace scripted {

namespace {

// What claude reports when an allow carries no updatedInput.
const char* kMissingUpdatedInput =
    "Tool permission request failed: ZodError: [\n  {\n    \"code\": \"invalid_type\",\n"
    "    \"expected\": \"record\",\n    \"received\": \"undefined\",\n    \"path\": [\n"
    "      \"updatedInput\"\n    ],\n    \"message\": \"Required\"\n  }\n]";

nlohmann::json suggestions(const std::string& tool, const nlohmann::json& input) {
    if (tool == "Bash")
        return {{{"type", "addRules"},
                 {"rules", {{{"toolName", "Bash"}, {"ruleContent", str_field(input, "command")}}}},
                 {"behavior", "allow"},
                 {"destination", "localSettings"}}};
    if (tool == "Write")
        return {{{"type", "setMode"}, {"mode", "acceptEdits"}, {"destination", "session"}}};
    return nlohmann::json::array();
}

} // namespace

void Agent::note_denial(const std::string& tool, const std::string& id, const json& input) {
    turn_.denials.push_back({{"tool_name", tool}, {"tool_use_id", id}, {"tool_input", input}});
}

Agent::Permission Agent::request_permission(const std::string& tool, json input,
                                            const std::string& id) {
    auto outs = run_hooks("PreToolUse", tool,
                          {{"tool_name", tool}, {"tool_input", input}, {"tool_use_id", id}});
    if (interrupted()) return {Permission::Interrupted, input, "", false};
    auto v = pre_tool_verdict(outs, tool);
    if (v.stop) {
        turn_.hook_stop = true;
        turn_.stop_reason = v.stop_reason;
    }
    if (v.updated_input && (v.kind == PreToolVerdict::Allow || v.kind == PreToolVerdict::Ask))
        input = *v.updated_input;
    // AskUserQuestion needs answers: a hook's allow answers it only with them.
    bool answered =
        tool != "AskUserQuestion" || (input.contains("answers") && input["answers"].is_object());
    switch (v.kind) {
    case PreToolVerdict::Deny:
        note_denial(tool, id, input);
        return {Permission::Deny, input, v.reason, false};
    case PreToolVerdict::Allow:
        if (answered) return {Permission::Allow, input, "", false};
        break;
    case PreToolVerdict::Ask:
        return prompt(tool, input, id, &v.reason);
    case PreToolVerdict::None:
        break;
    }
    bool always_asks = tool == "AskUserQuestion" || tool == "ExitPlanMode";
    if (!always_asks) {
        if (mode_ == "bypassPermissions") return {Permission::Allow, input, "", false};
        if (mode_ == "acceptEdits" && tool == "Write" &&
            str_field(input, "file_path").rfind(cwd_ + "/", 0) == 0)
            return {Permission::Allow, input, "", false};
        if (mode_ == "dontAsk") {
            note_denial(tool, id, input);
            return {Permission::Deny, input,
                    "Permission to use " + tool +
                        " has been denied because Claude Code is running in don't ask mode.",
                    false};
        }
    }
    return prompt(tool, input, id, nullptr);
}

Agent::Permission Agent::prompt(const std::string& tool, const json& input, const std::string& id,
                                const std::string* hook_reason) {
    if (opts_.permission_prompt_tool != "stdio") { // -p without a prompt tool: silent denial
        note_denial(tool, id, input);
        return {Permission::Deny, input,
                "Claude requested permissions to use " + tool + ", but you haven't granted it yet.",
                false};
    }
    std::string rid = make_uuid();
    json req = {{"subtype", "can_use_tool"},
                {"tool_name", tool},
                {"input", input},
                {"permission_suggestions", suggestions(tool, input)},
                {"tool_use_id", id}};
    if (hook_reason) {
        req["decision_reason"] = *hook_reason;
        req["decision_reason_type"] = "hook";
    }
    std::unique_ptr<HookBatch> pr;
    if (auto cmds = hooks_.matching("PermissionRequest", tool); !cmds.empty()) {
        json in = hook_base("PermissionRequest");
        in.update(json{{"tool_name", tool},
                       {"tool_input", input},
                       {"permission_suggestions", req["permission_suggestions"]}});
        pr = std::make_unique<HookBatch>(loop_, std::move(cmds), in, cwd_, hook_env_);
    }
    emit({{"type", "control_request"}, {"request_id", rid}, {"request", req}});

    PermissionVerdict hook_verdict;
    bool hooks_done = !pr;
    wait([&] {
        if (responses_.count(rid) || interrupted() || loop_.stdin_eof()) return true;
        if (!hooks_done && pr->done()) {
            hooks_done = true;
            hook_verdict = permission_verdict(pr->outcomes());
        }
        return hook_verdict.kind != PermissionVerdict::None;
    });
    if (pr && !hooks_done) pr->cancel();

    auto it = responses_.find(rid);
    if (it == responses_.end()) {
        // Settled without the supervisor: tell it to drop the prompt.
        if (interrupted() || hook_verdict.kind != PermissionVerdict::None)
            emit({{"type", "control_cancel_request"}, {"request_id", rid}});
        if (interrupted()) return {Permission::Interrupted, input, "", false};
        if (hook_verdict.kind == PermissionVerdict::Allow)
            return {Permission::Allow, hook_verdict.updated_input.value_or(input), "", false};
        if (hook_verdict.kind == PermissionVerdict::Deny) {
            note_denial(tool, id, input);
            return {Permission::Deny, input, hook_verdict.message, false};
        }
        // stdin closed: the CLI gives up on the prompt and the tool fails.
        return {Permission::Deny, input, "Tool permission stream closed before response received",
                false};
    }
    json resp = std::move(it->second);
    responses_.erase(it);
    if (str_field(resp, "subtype") == "error") {
        std::string e = str_field(resp, "error");
        return {Permission::Deny, input, "Tool permission request failed: " + e, false};
    }
    json answer = resp.contains("response") ? resp["response"] : json::object();
    std::string behavior = str_field(answer, "behavior");
    if (behavior == "allow") {
        if (answer.contains("updatedInput") && answer["updatedInput"].is_object())
            return {Permission::Allow, answer["updatedInput"], "", false};
        return {Permission::Deny, input, kMissingUpdatedInput, false};
    }
    if (behavior == "deny") {
        note_denial(tool, id, input);
        bool stop = answer.contains("interrupt") && answer["interrupt"].is_boolean() &&
                    answer["interrupt"].get<bool>();
        return {Permission::Deny, input, str_field(answer, "message"), stop};
    }
    return {Permission::Deny, input,
            "Tool permission request failed: invalid behavior '" + behavior + "'", false};
}

} // namespace scripted
