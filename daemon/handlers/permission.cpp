// permission.list|respond, question.list|answer: humans deciding what agents
// may do. "always" appends an exact allow rule to the project's rule file.
#include "config/ini_document.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "rules/evaluate.hpp"
#include "rules/match.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace fab {

namespace {

// The narrowest rule that allows exactly this call again.
Status append_always_rule(const Daemon& d, const Agent& a, const Json& req) {
    std::string tool = req.value("tool_name", "");
    Json input = req.value("tool_input", Json::object());
    std::string value = rules::primary_value(tool, input);
    std::string pattern;
    if (value.empty()) {
        pattern = ":*"; // a tool without a primary field: the tool as a whole
    } else if (rules::is_path_tool(tool)) {
        std::string abs = value[0] == '/' ? value : a.rec.worktree + "/" + value;
        abs = absolute_path(abs);
        const std::string& wt = a.rec.worktree;
        if (abs.rfind(wt + "/", 0) == 0)
            pattern = abs.substr(wt.size()); // "/rel": worktree-scoped
        else
            pattern = "/" + abs; // "//abs": absolute
    } else {
        pattern = value;
    }
    std::string file = rules::project_rules_file(d.paths(), a.rec.project);
    auto doc = IniDocument::load(file);
    if (!doc) return make_error(doc.error());
    std::string name = "always-" + tool + "-" + random_id("", 6);
    for (auto [k, v] : {std::pair<std::string, std::string>{"tool", tool},
                        {"action", "allow"},
                        {"pattern", pattern}})
        if (auto s = doc->set("rule", name, k, v); !s) return s;
    if (auto s = doc->save(file); !s) return s;
    log::info("rule " + name + " added to " + file + ": allow " + tool + " " + pattern);
    return {};
}

} // namespace

void register_permission_handlers(Router& router, Daemon& d) {
    router.add("permission.list", [&d](const Request&, const Reply& r) {
        r.ok({{"requests", d.supervisor().pending_json(false)}});
    });

    router.add("permission.respond", [&d](const Request& q, const Reply& r) {
        std::string id = field_string(q.payload, "id");
        Agent* a = d.supervisor().owner_of(id);
        if (!a) return r.fail("no pending permission request \"" + id + "\"");
        bool allow = field_bool(q.payload, "allow", false);
        std::string reason = field_string(q.payload, "reason");
        if (!allow && reason.empty()) reason = "The user denied this.";
        if (allow && field_bool(q.payload, "always", false)) {
            if (auto s = append_always_rule(d, *a, a->pending_permissions[id]); !s)
                return r.fail("could not add the rule: " + s.error());
        }
        d.supervisor().respond(id, allow, Json(), allow ? "" : reason,
                               [r](Status s) { s ? r.ok() : r.fail(s.error()); });
    });

    router.add("question.list", [&d](const Request&, const Reply& r) {
        r.ok({{"questions", d.supervisor().pending_json(true)}});
    });

    // The answer goes back as updatedInput.answers keyed by the question text;
    // a number picks that option (1-based), anything else is free text.
    router.add("question.answer", [&d](const Request& q, const Reply& r) {
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
    });
}

} // namespace fab
