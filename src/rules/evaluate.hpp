// Deciding a tool call with the rules.
//
// Rules are tried in order — a project's permissions.ini first, then the
// global one — and the first rule that applies decides: its tool list names
// the tool (or is empty / `*`) and one of its patterns matches (or it has
// none). Its action, or its script's verdict, is final, `pass` included:
// pass means "a human decides", so a project can send `git push:*` to a
// human ahead of a broader allow. When no rule applies the result is pass as
// well (Decision::matched false). A Bash rule with `paths` applies only when
// every path argument of the command is within them; a rule's `reason` leads
// the decision's reason.
//
// AskUserQuestion and ExitPlanMode exist to reach the human; a catch-all rule
// must not answer them silently, so only rules that name them apply to them.
#pragma once

#include "config/paths.hpp"
#include "rules/match.hpp"
#include "rules/rules.hpp"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace fab::rules {

struct Decision {
    Action action = Action::pass;
    bool matched = false; // false: no rule applied
    std::string rule;     // the deciding rule's name
    std::string where;    // its file:line
    std::string reason;   // what matched, e.g. `Bash command matches "git status:*"`
};

// Whether only rules that name `tool` apply to it.
bool needs_explicit_rule(std::string_view tool);

Decision evaluate(const std::vector<Rule>& rules, std::string_view tool,
                  const nlohmann::json& input, const MatchContext& ctx);

// $FAB_DIR/projects/<name>/permissions.ini
std::string project_rules_file(const Paths& paths, const std::string& project);

// The project's rules (when `project` is not empty) followed by the global
// ones. Fails on the first error in either file, naming file and line; a
// project name that is not a valid one is an error too, since it becomes a
// path here.
Result<std::vector<Rule>> load_rule_set(const Paths& paths, const std::string& project,
                                        const std::string& home);

} // namespace fab::rules
