#include "rules/evaluate.hpp"

#include "config/config.hpp"
#include "rules/script.hpp"

#include <nlohmann/json.hpp>

namespace fab::rules {

bool needs_explicit_rule(std::string_view tool) {
    return tool == "AskUserQuestion" || tool == "ExitPlanMode";
}

Decision evaluate(const std::vector<Rule>& rules, std::string_view tool,
                  const nlohmann::json& input, const MatchContext& ctx) {
    bool explicit_only = needs_explicit_rule(tool);
    for (const Rule& rule : rules) {
        if (explicit_only ? !rule.names_tool(tool) : !rule.applies_to(tool)) continue;
        // Deny rules may look inside compound commands; rules that can allow
        // may not (rules/match.hpp).
        bool deny_side = rule.action == Action::deny;
        std::string why;
        if (rule.patterns.empty()) {
            why = "rule covers every " + std::string(tool) + " call";
        } else {
            const Pattern* hit = nullptr;
            for (const Pattern& p : rule.patterns)
                if (pattern_matches(p, tool, input, ctx, deny_side, &why)) {
                    hit = &p;
                    break;
                }
            if (!hit) continue;
            // What may allow never allows a command that writes or runs
            // something through an option, unless it says `:*` (everything).
            bool may_allow = rule.action != Action::deny && rule.action != Action::pass;
            if (tool == "Bash" && may_allow && hit->kind != PatternKind::all &&
                !bash_writing_option(primary_value(tool, input)).empty())
                continue;
            why = std::string(tool) + " " + why;
        }
        if (!rule.paths.empty()) {
            if (tool != "Bash") continue;
            if (!bash_paths_within(rule.paths, primary_value(tool, input), ctx)) continue;
            why += "; every path argument is within its paths";
        }
        if (!rule.reason.empty()) why = rule.reason + " (" + why + ")";
        Decision d;
        d.matched = true;
        d.rule = rule.name;
        d.where = rule.where();
        if (rule.script.empty()) {
            d.action = *rule.action;
            d.reason = why;
        } else {
            auto s = run_rule_script(
                rule.script, std::string(tool),
                input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                ctx.script_timeout_ms);
            d.action = s.action;
            d.reason = why + "; script " + rule.script + " " + s.detail;
        }
        return d;
    }
    return {};
}

std::string project_rules_file(const Paths& paths, const std::string& project) {
    return paths.project_dir(project) + "/permissions.ini";
}

Result<std::vector<Rule>> load_rule_set(const Paths& paths, const std::string& project,
                                        const std::string& home) {
    std::vector<Rule> all;
    if (!project.empty()) {
        if (!valid_project_name(project))
            return make_error("invalid project name \"" + project + "\"");
        auto r = load_rules(project_rules_file(paths, project), home);
        if (!r) return make_error(r.error());
        all = std::move(*r);
    }
    auto g = load_rules(paths.permissions_file, home);
    if (!g) return make_error(g.error());
    all.insert(all.end(), std::make_move_iterator(g->begin()), std::make_move_iterator(g->end()));
    return all;
}

} // namespace fab::rules
