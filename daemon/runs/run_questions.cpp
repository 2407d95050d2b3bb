// Human-in-the-loop over HTTP: the questions a run's agent waits on
// (AskUserQuestion, tool permission requests) in the API's shape, and the
// answers, which go through the same Supervisor::respond as `fab question
// answer`, `fab permission allow` and the TUI (answered once, first wins).
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/runs/run_engine.hpp"
#include "daemon/runs/workflow_runner.hpp"
#include "rules/match.hpp"

namespace fab {

namespace {

bool is_question(const Json& req) {
    return req.value("tool_name", "") == "AskUserQuestion";
}

Json question_json(const std::string& rid, const Json& req) {
    Json input = req.value("tool_input", Json::object());
    if (is_question(req)) {
        Json q = input.value("questions", Json::array());
        Json first = q.empty() ? Json::object() : q[0];
        Json options = Json::array();
        size_t n = 0;
        for (const auto& o : first.value("options", Json::array()))
            options.push_back({{"key", std::to_string(++n)}, {"label", o.value("label", "")}});
        bool multi = first.value("multiSelect", false);
        return {{"id", rid},
                {"text", first.value("question", "")},
                {"stage", "agent"},
                {"question_type", multi             ? "multi_select"
                                  : options.empty() ? "freeform"
                                                    : "multiple_choice"},
                {"options", options},
                {"allow_freeform", true},
                {"timeout_seconds", nullptr}};
    }
    std::string tool = req.value("tool_name", "");
    std::string what = rules::primary_value(tool, input);
    return {{"id", rid},
            {"text", "Allow " + tool + (what.empty() ? "" : ": " + what) + "?"},
            {"stage", "agent"},
            {"question_type", "yes_no"},
            {"options", {{{"key", "yes"}, {"label", "Yes"}}, {{"key", "no"}, {"label", "No"}}}},
            {"allow_freeform", false},
            {"timeout_seconds", nullptr}};
}

// The chosen label(s) of an AskUserQuestion answer, or an error (400).
Result<std::string> chosen(const Json& q, const Json& body) {
    const Json& options = q["options"];
    auto label_of = [&](const Json& key) -> Result<std::string> {
        if (!key.is_string()) return make_error("an option key must be a string");
        for (const auto& o : options)
            if (o["key"] == key) return o["label"].get<std::string>();
        return make_error("no option \"" + key.get<std::string>() + "\"");
    };
    if (body.contains("selected_option_key")) return label_of(body["selected_option_key"]);
    if (body.contains("selected_option_keys")) {
        const Json& keys = body["selected_option_keys"];
        if (!keys.is_array() || keys.empty())
            return make_error("\"selected_option_keys\" must be a non-empty array");
        if (q["question_type"] != "multi_select" && keys.size() > 1)
            return make_error("this question takes one option");
        std::string out;
        for (const auto& k : keys) {
            auto l = label_of(k);
            if (!l) return l;
            out += (out.empty() ? "" : ", ") + *l;
        }
        return out;
    }
    if (body.contains("value")) {
        if (!body["value"].is_string() || body["value"].get<std::string>().empty())
            return make_error("\"value\" must be a non-empty string");
        return body["value"].get<std::string>();
    }
    return make_error("the answer needs value, selected_option_key or selected_option_keys");
}

} // namespace

Result<Json> RunEngine::questions(const std::string& id) const {
    const Run* r = find(id);
    if (!r) return make_error(not_found("no run \"" + id + "\""));
    Json out = Json::array();
    auto w = workflows_.find(id);
    if (w != workflows_.end())
        if (Json gate = w->second->question(); !gate.is_null()) out.push_back(gate);
    if (Agent* a = d_.supervisor().find(r->rec.agent_id))
        for (const auto& [rid, req] : a->pending_permissions)
            if (!req.value("rule_check", false) && !req.value("answered", false))
                out.push_back(question_json(rid, req));
    return Json{{"data", out}};
}

void RunEngine::answer(const std::string& id, const std::string& qid, const Json& body,
                       std::function<void(std::string)> done) {
    const Run* r = find(id);
    if (!r) return done(not_found("no run \"" + id + "\""));
    if (!body.is_object()) return done("the body must be a JSON object");
    if (WorkflowRunner* w = workflow_of(id); w && qid.rfind("gate-", 0) == 0)
        return done(w->answer(qid, body)); // a human gate of the workflow
    Supervisor& sup = d_.supervisor();
    Agent* a = sup.find(r->rec.agent_id);
    auto it = a ? a->pending_permissions.find(qid) : decltype(a->pending_permissions.end()){};
    if (!a || it == a->pending_permissions.end() || it->second.value("rule_check", false)) {
        if (sup.was_answered(qid))
            return done(conflict("question \"" + qid + "\" was answered already"));
        return done(not_found("question \"" + qid + "\" of run " + id));
    }
    if (it->second.value("answered", false))
        return done(conflict("question \"" + qid + "\" was answered already"));
    const Json& req = it->second;
    Json q = question_json(qid, req);
    auto reply = [done](Status s) {
        if (s) return done({});
        const std::string& e = s.error();
        done(e.find("answered already") != std::string::npos ? conflict(e) : e);
    };
    if (!is_question(req)) {
        bool allow = false;
        if (body.contains("selected_option_key") && body["selected_option_key"].is_string()) {
            std::string k = body["selected_option_key"];
            if (k != "yes" && k != "no") return done("no option \"" + k + "\"");
            allow = k == "yes";
        } else if (body.contains("value") && body["value"].is_string()) {
            std::string v = body["value"];
            if (v != "yes" && v != "no") return done("a permission is answered yes or no");
            allow = v == "yes";
        } else {
            return done("a permission is answered with selected_option_key yes or no");
        }
        return sup.respond(qid, allow, Json(), allow ? "" : "The user denied this.", reply);
    }
    auto label = chosen(q, body);
    if (!label) return done(label.error());
    Json input = req.value("tool_input", Json::object());
    Json answers = Json::object();
    for (const auto& question : input.value("questions", Json::array()))
        answers[question.value("question", "")] = *label;
    input["answers"] = answers;
    sup.respond(qid, true, input, "", reply);
}

} // namespace fab
