// permission.list|respond, question.list|answer: humans deciding what agents
// may do. "always" appends an exact allow rule to the project's rule file.
#include "config/ini_document.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "rules/evaluate.hpp"
#include "rules/match.hpp"
#include "rules/normalize.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <cstdlib>

namespace fab {

namespace {

// The pattern text that means exactly `text`: `=` keeps a value that ends
// in `:*`, is `*`, starts with `=` or with blanks from being read as a
// prefix, a glob-like star or something else (rules/rules.hpp).
std::string literal_pattern(const std::string& text) {
    bool plain = !text.empty() && text != "*" && text.front() != '=' &&
                 (text.size() < 2 || text.substr(text.size() - 2) != ":*") &&
                 trim(text).size() == text.size();
    return plain ? text : "=" + text;
}

// The pattern that matches exactly this call, or an error saying why there
// is none.
Result<std::string> exact_pattern(const std::string& tool, const Json& input,
                                  const rules::MatchContext& ctx) {
    if (!rules::primary_field(tool)) return std::string(":*"); // the tool as a whole
    std::string value = rules::primary_value(tool, input);
    if (value.empty())
        return make_error(std::string("the call has no ") + rules::primary_field(tool) +
                          " to make an exact rule from");
    if (!rules::is_path_tool(tool)) return literal_pattern(value);
    // The path the rules will compare: normalised as the hook does it.
    auto wt = rules::normalize_path(ctx.worktree, "", ctx.home);
    auto path = rules::normalize_path(value, wt.value_or(""), ctx.home);
    if (!path)
        return make_error("cannot tell which file " + value +
                          " is (a dangling link, or .. through a link)");
    if (wt && *wt != "/" && rules::path_within(*path, *wt) && *path != *wt)
        return literal_pattern(path->substr(wt->size())); // "/rel": any agent's worktree
    return literal_pattern("/" + *path);                  // "//abs"
}

// Appends a rule that allows exactly this call again to the project's rule
// file. The new file is parsed before it replaces the old one (atomically),
// and the rule must allow this call and be exact: a file that no longer
// parses would deny every call, and a pattern read as a prefix or `:*`
// would allow far more than the human said.
Status append_always_rule(const Daemon& d, const Agent& a, const Json& req) {
    std::string tool = req.contains("tool_name") && req["tool_name"].is_string()
                           ? req["tool_name"].get<std::string>()
                           : std::string();
    Json input = req.contains("tool_input") ? req["tool_input"] : Json::object();
    rules::MatchContext ctx;
    ctx.worktree = a.rec.worktree;
    const char* home = std::getenv("HOME");
    ctx.home = home ? home : "";
    auto pattern = exact_pattern(tool, input, ctx);
    if (!pattern) return make_error(pattern.error());

    std::string file = rules::project_rules_file(d.paths(), a.rec.project);
    auto doc = IniDocument::load(file);
    if (!doc) return make_error(doc.error());
    if (auto old = rules::parse_rules(*doc, ctx.home); !old)
        return make_error("fix " + file + " first: " + old.error());
    std::string name = "always-" + tool + "-" + random_id("", 6);
    for (auto [k, v] : {std::pair<std::string, std::string>{"tool", tool},
                        {"action", "allow"},
                        {"pattern", *pattern}})
        if (auto s = doc->set("rule", name, k, v); !s) return s;

    auto reread = IniDocument::parse(doc->text(), file);
    if (!reread) return make_error("the new rule does not read back: " + reread.error());
    auto rules = rules::parse_rules(*reread, ctx.home);
    if (!rules) return make_error("the new rule does not read back: " + rules.error());
    const rules::Rule* added = nullptr;
    for (const auto& r : *rules)
        if (r.name == name) added = &r;
    bool exact =
        added && added->tools == std::vector<std::string>{tool} && added->patterns.size() == 1 &&
        !added->patterns[0].any_depth &&
        (added->patterns[0].kind == rules::PatternKind::exact ||
         (!rules::primary_field(tool) && added->patterns[0].kind == rules::PatternKind::all));
    if (!exact) return make_error("no exact rule can be written for this call");
    auto decision = rules::evaluate({*added}, tool, input, ctx);
    if (decision.action != rules::Action::allow)
        return make_error("a rule cannot allow this call on its own (a command with ; & | $ ` "
                          "( ) < > or an option that writes never matches an allow rule)");
    if (auto s = make_dirs(file.substr(0, file.rfind('/'))); !s) return s;
    if (auto s = reread->save(file); !s) return s;
    log::info("rule " + name + " added to " + file + ": allow " + tool + " " + *pattern);
    return {};
}

} // namespace

Status register_permission_handlers(Router& router, Daemon& d) {
    auto permission_list = [&d](const Request&, const Reply& r) {
        r.ok({{"requests", d.supervisor().pending_json(false)}});
    };

    auto permission_respond = [&d](const Request& q, const Reply& r) {
        std::string id = field_string(q.payload, "id");
        Agent* a = d.supervisor().owner_of(id);
        if (!a) return r.fail("no pending permission request \"" + id + "\"");
        bool allow = field_bool(q.payload, "allow", false);
        std::string reason = field_string(q.payload, "reason");
        if (!allow && reason.empty()) reason = "The user denied this.";
        if (allow && field_bool(q.payload, "always", false)) {
            if (auto s = append_always_rule(d, *a, a->pending_permissions[id]); !s)
                return r.fail("could not add a rule, so nothing was allowed: " + s.error() +
                              "; `fab permission allow " + id +
                              "` (without --always) allows it once");
        }
        d.supervisor().respond(id, allow, Json(), allow ? "" : reason,
                               [r](Status s) { s ? r.ok() : r.fail(s.error()); });
    };

    auto question_list = [&d](const Request&, const Reply& r) {
        r.ok({{"questions", d.supervisor().pending_json(true)}});
    };

    // The answer goes back as updatedInput.answers keyed by the question text;
    // a number picks that option (1-based), anything else is free text.
    auto question_respond = [&d](const Request& q, const Reply& r) {
        std::string id = field_string(q.payload, "id");
        Agent* a = d.supervisor().owner_of(id);
        if (!a) return r.fail("no pending question \"" + id + "\"");
        Json input = a->pending_permissions[id].value("tool_input", Json::object());
        std::string answer = field_string(q.payload, "answer");
        if (answer.empty()) return r.fail("empty answer");
        Json answers = Json::object();
        for (const auto& question : input.value("questions", Json::array())) {
            std::string text = question.value("question", "");
            std::string chosen = answer;
            const Json& options = question.value("options", Json::array());
            // A number too large for any option (or for an integer) is free text.
            bool numeric = answer.find_first_not_of("0123456789") == std::string::npos;
            if (auto n = numeric ? parse_int(answer) : std::nullopt;
                n && *n >= 1 && static_cast<uint64_t>(*n) <= options.size())
                chosen = options[static_cast<size_t>(*n - 1)].value("label", answer);
            answers[text] = chosen;
        }
        input["answers"] = answers;
        d.supervisor().respond(id, true, input, "",
                               [r](Status s) { s ? r.ok() : r.fail(s.error()); });
    };

    return router.add({
        {msg::kPermissionList, permission_list},
        {msg::kPermissionRespond, permission_respond},
        {msg::kQuestionList, question_list},
        {msg::kQuestionRespond, question_respond},
    });
}

} // namespace fab
