#include "runs/run_request.hpp"

#include "config/config.hpp"
#include "protocol/envelope.hpp"

#include <cctype>

namespace fab::runs {

namespace {
const char* const kFields[] = {"project", "goal",   "workflow",     "backend",
                               "model",   "inputs", "workflow_file"};

bool valid_workflow_name(std::string_view n) {
    if (n.empty() || n.size() > 100 || n[0] == '.') return false;
    for (char c : n)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

bool known_backend(std::string_view b) {
    return b == "claude" || b == "codex" || b == "scripted";
}
} // namespace

Result<RunRequest> run_request_from_json(const Json& j) {
    if (!j.is_object()) return make_error("the body must be a JSON object");
    for (auto& [key, value] : j.items()) {
        bool known = false;
        for (const char* f : kFields) known = known || key == f;
        if (!known) return make_error("unknown field \"" + key + "\"");
        if (key == "inputs") {
            if (!value.is_null() && !value.is_object())
                return make_error("field \"inputs\" must be an object of strings");
            continue;
        }
        if (!value.is_null() && !value.is_string())
            return make_error("field \"" + key + "\" must be a string");
    }
    auto str = [&](const char* k) {
        return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    RunRequest r{str("project"),       str("goal"), str("workflow"), str("backend"), str("model"),
                 str("workflow_file"), {}};
    if (r.workflow.empty()) r.workflow = "task";
    if (j.contains("inputs") && j["inputs"].is_object()) {
        if (j["inputs"].size() > kMaxInputs)
            return make_error("more than " + std::to_string(kMaxInputs) + " inputs");
        for (auto& [k, v] : j["inputs"].items()) {
            if (!v.is_string()) return make_error("input \"" + k + "\" must be a string");
            if (k.empty() || k.size() > 100 ||
                k.find_first_not_of(
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
                    "-") != std::string::npos)
                return make_error("invalid input name \"" + k + "\"");
            r.inputs[k] = v.get<std::string>();
        }
    }
    if (r.project.empty()) return make_error("missing \"project\"");
    if (!valid_project_name(r.project))
        return make_error("invalid project name \"" + r.project + "\"");
    // A workflow carries its own goal (`goal` in the graph); a task needs one.
    if (r.is_task() && r.goal.find_first_not_of(" \t\r\n") == std::string::npos)
        return make_error("missing \"goal\"");
    if (r.goal.size() > kMaxGoalBytes)
        return make_error("\"goal\" is longer than " + std::to_string(kMaxGoalBytes) + " bytes");
    if (!r.backend.empty() && !known_backend(r.backend))
        return make_error("unknown backend \"" + r.backend + "\"; use claude, codex or scripted");
    if (r.workflow.size() > kMaxWorkflowSourceBytes)
        return make_error("\"workflow\" is longer than " + std::to_string(kMaxWorkflowSourceBytes) +
                          " bytes");
    if (!r.is_task() && !r.has_source() && !valid_workflow_name(r.workflow))
        return make_error("invalid workflow \"" + r.workflow +
                          "\": give \"task\", a workflow's name (letters, digits, . _ -) or its "
                          "DOT source");
    if (r.is_task() && !r.inputs.empty())
        return make_error("\"inputs\" need a workflow (the task workflow has none)");
    if (r.workflow_file.size() > 4096 || (!r.workflow_file.empty() && r.workflow_file[0] != '/'))
        return make_error("\"workflow_file\" must be an absolute path");
    if (r.model.size() > 200 || r.model.find_first_of(" \t\r\n") != std::string::npos)
        return make_error("invalid model \"" + r.model + "\"");
    return r;
}

Result<RunRequest> parse_run_request(std::string_view body) {
    Json j = Json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded()) return make_error("the body is not valid JSON");
    return run_request_from_json(j);
}

} // namespace fab::runs
