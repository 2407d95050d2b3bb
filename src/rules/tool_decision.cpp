#include "rules/tool_decision.hpp"

#include "config/config.hpp"
#include "rules/evaluate.hpp"
#include "util/strings.hpp"

#include <cctype>

namespace fab::rules {

namespace {

bool is_edit_tool(const std::string& tool) {
    return tool == "Write" || tool == "Edit" || tool == "MultiEdit" || tool == "NotebookEdit";
}

// True for exactly `fab plan write [--title '…'] <<'TAG'` (or "$FAB_BIN"
// instead of fab, "TAG" instead of 'TAG'), then the plan, then TAG on the
// last line. A quoted here-document is literal text (no expansion), so this
// runs nothing but fab; anything else goes through the rules as usual.
} // namespace

bool is_plan_write(const std::string& command) {
    std::vector<std::string> lines = split(command, '\n', false);
    while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
    if (lines.size() < 2) return false;
    std::string_view first = trim(lines[0]);
    bool prefixed = false;
    for (std::string_view p : {"fab ", "\"$FAB_BIN\" "})
        if (first.substr(0, p.size()) == p) {
            first.remove_prefix(p.size());
            prefixed = true;
            break;
        }
    if (!prefixed || first.substr(0, 11) != "plan write ") return false;
    first.remove_prefix(11);
    if (first.substr(0, 9) == "--title '") {
        size_t close = first.find('\'', 9);
        if (close == std::string_view::npos || close + 1 >= first.size() || first[close + 1] != ' ')
            return false;
        first.remove_prefix(close + 2);
    }
    if (first.size() < 5 || first.substr(0, 2) != "<<") return false;
    char q = first[2];
    if ((q != '\'' && q != '"') || first.back() != q) return false;
    std::string_view tag = first.substr(3, first.size() - 4);
    if (tag.empty()) return false;
    for (char c : tag)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    for (size_t i = 1; i + 1 < lines.size(); ++i)
        if (lines[i] == tag) return false; // the document would end early
    return lines.back() == tag;
}

namespace {

ToolVerdict verdict(std::string decision, std::string rule, std::string reason) {
    ToolVerdict v;
    v.decision = std::move(decision);
    v.matched = true;
    v.rule = std::move(rule);
    v.reason = std::move(reason);
    return v;
}

// [manager] allowed-patterns: the manager and director agents run fab
// commands, and nothing else without a human, whatever the rule files say.
ToolVerdict manager_bash(const Paths& paths, const ToolCall& c) {
    auto cfg = load_config(paths.config_file);
    if (!cfg)
        return verdict("deny", "manager allowed-patterns",
                       "fab: cannot read the config, so the manager's command is refused: " +
                           cfg.error());
    std::string cmd = c.input.is_object() ? c.input.value("command", "") : "";
    for (const auto& text : cfg->manager.allowed_patterns) {
        auto p = parse_pattern(text);
        if (p && bash_matches(*p, cmd, false))
            return verdict("allow", "manager allowed-patterns",
                           "fab [manager] allowed-patterns: command matches \"" + text + "\"");
    }
    return verdict("deny", "manager allowed-patterns",
                   "fab: the " + c.agent_kind +
                       " agent may only run commands matching [manager] allowed-patterns (" +
                       join(cfg->manager.allowed_patterns, ", ") + ") in " + paths.config_file);
}

ToolVerdict by_rules(const std::vector<Rule>& rules, const ToolCall& c,
                     const nlohmann::json& input) {
    MatchContext ctx;
    ctx.worktree = c.worktree;
    ctx.cwd = c.cwd;
    ctx.home = c.home;
    auto d = evaluate(rules, c.tool, input, ctx);
    ToolVerdict v;
    v.matched = d.matched;
    v.rule = d.rule;
    v.reason = d.reason;
    if (d.action != Action::pass) {
        v.decision = std::string(action_name(d.action));
        v.reason = "fab rule \"" + d.rule + "\": " + d.reason;
    }
    return v;
}

} // namespace

ToolVerdict decide_tool_call(const Paths& paths, const ToolCall& c) {
    const nlohmann::json& input = c.input;
    // The director delegates like a manager, across projects: same allowlist.
    if ((c.agent_kind == "manager" || c.agent_kind == "director") && c.tool == "Bash")
        return manager_bash(paths, c);
    // Planners: plan mode keeps claude from editing (codex: a read-only
    // sandbox); fab keeps it so whatever the rules allow. Their one write is
    // the plan itself.
    if (c.agent_kind == "plan" && is_edit_tool(c.tool))
        return verdict("deny", "planner",
                       "fab: a planner does not change files; save your plan with `fab plan "
                       "write` (stdin) or present it with ExitPlanMode");
    if (c.agent_kind == "plan" && c.tool == "Bash" &&
        is_plan_write(input.is_object() ? input.value("command", "") : ""))
        return verdict("allow", "planner", "fab: a planner may store its plan");

    auto rules = load_rule_set(paths, c.project, c.home);
    if (!rules) return verdict("deny", "", "fab permission rules cannot be read: " + rules.error());
    // A codex file change may touch several files: each is decided; any deny
    // denies, all allowed allows, anything else goes to a human.
    auto many = input.is_object() ? input.find("file_paths") : input.end();
    if (many != input.end() && many->is_array() && many->size() > 1) {
        ToolVerdict first;
        bool all_allow = true;
        for (const auto& p : *many) {
            nlohmann::json one = input;
            one["file_path"] = p;
            ToolVerdict v = by_rules(*rules, c, one);
            if (v.decision == "deny") return v;
            if (v.decision != "allow") all_allow = false;
            if (first.rule.empty()) first = v;
        }
        if (all_allow) return first;
        ToolVerdict v;
        v.reason = "fab: not every file of the change is allowed by a rule";
        return v;
    }
    return by_rules(*rules, c, input);
}

} // namespace fab::rules
