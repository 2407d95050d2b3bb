// fab permissions init|check: install the default rule file, and show which
// rule decides a given tool call and why — the same evaluation the hook does,
// so a user can test a rule before an agent meets it.
#include "cli/handlers.hpp"
#include "protocol/envelope.hpp"
#include "rules/default_rules.hpp"
#include "rules/evaluate.hpp"
#include "util/fs.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace fab::cli {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string current_dir() {
    char buf[4096];
    return ::getcwd(buf, sizeof buf) ? buf : "";
}

} // namespace

int cmd_permissions_init(Invocation& inv) {
    const std::string& path = inv.paths.permissions_file;
    if (path_exists(path) && !inv.has("force"))
        return fail(path + " already exists; use --force to replace it with the default rules");
    if (auto s = make_dirs(inv.paths.config_dir); !s) return fail(s.error());
    if (auto s = write_file_atomic(path, std::string(rules::default_permissions_ini()), 0600); !s)
        return fail(s.error());
    std::printf("wrote the default rules to %s\n", path.c_str());
    return Exit::ok;
}

int cmd_permissions_check(Invocation& inv) {
    const std::string& tool = inv.args[0];
    Json input = Json::parse(inv.args[1], nullptr, false);
    if (input.is_discarded() || !input.is_object())
        return fail("permissions check: <input-json> must be a JSON object, e.g. "
                    "'{\"command\":\"git status\"}'",
                    Exit::usage);
    std::string project = inv.flag("project", env("FAB_PROJECT"));
    rules::MatchContext ctx;
    ctx.worktree = inv.flag("worktree", env("FAB_WORKTREE"));
    if (ctx.worktree.empty()) ctx.worktree = current_dir();
    ctx.worktree = absolute_path(ctx.worktree);
    ctx.home = env("HOME");
    auto rules = rules::load_rule_set(inv.paths, project, ctx.home);
    if (!rules) return fail(rules.error());
    auto d = rules::evaluate(*rules, tool, input, ctx);

    std::string decision = d.matched ? std::string(rules::action_name(d.action)) : "pass";
    if (inv.has("json")) {
        Json j = {{"decision", decision}, {"matched", d.matched}, {"rule", d.rule},
                  {"where", d.where},     {"reason", d.reason},   {"worktree", ctx.worktree}};
        std::printf("%s\n", dump_json(j).c_str());
        return Exit::ok;
    }
    if (!d.matched) {
        std::printf("no rule matched: ask a human\n");
        if (rules::needs_explicit_rule(tool))
            std::printf("  (%s only obeys rules whose tool key names it)\n", tool.c_str());
        std::printf(
            "  rules tried: %zu (%s%s)\n", rules->size(),
            project.empty() ? "" : (rules::project_rules_file(inv.paths, project) + ", ").c_str(),
            inv.paths.permissions_file.c_str());
        return Exit::ok;
    }
    std::printf("%s: rule \"%s\" (%s)%s\n  %s\n", decision.c_str(), d.rule.c_str(), d.where.c_str(),
                d.action == rules::Action::pass ? ": ask a human" : "", d.reason.c_str());
    return Exit::ok;
}

} // namespace fab::cli
