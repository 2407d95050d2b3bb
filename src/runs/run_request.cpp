#include "runs/run_request.hpp"

#include "config/config.hpp"
#include "protocol/envelope.hpp"

namespace fab::runs {

namespace {
const char* const kFields[] = {"project", "goal", "workflow", "backend", "model"};

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
        if (!value.is_null() && !value.is_string())
            return make_error("field \"" + key + "\" must be a string");
    }
    auto str = [&](const char* k) {
        return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    RunRequest r{str("project"), str("goal"), str("workflow"), str("backend"), str("model")};
    if (r.project.empty()) return make_error("missing \"project\"");
    if (!valid_project_name(r.project))
        return make_error("invalid project name \"" + r.project + "\"");
    if (r.goal.find_first_not_of(" \t\r\n") == std::string::npos)
        return make_error("missing \"goal\"");
    if (r.goal.size() > kMaxGoalBytes)
        return make_error("\"goal\" is longer than " + std::to_string(kMaxGoalBytes) + " bytes");
    if (!r.backend.empty() && !known_backend(r.backend))
        return make_error("unknown backend \"" + r.backend + "\"; use claude, codex or scripted");
    if (!r.workflow.empty() && r.workflow != "task")
        return make_error("unknown workflow \"" + r.workflow +
                          "\"; until workflows exist the one workflow is \"task\"");
    if (r.model.size() > 200 || r.model.find_first_of(" \t\r\n") != std::string::npos)
        return make_error("invalid model \"" + r.model + "\"");
    if (r.workflow.empty()) r.workflow = "task";
    return r;
}

Result<RunRequest> parse_run_request(std::string_view body) {
    Json j = Json::parse(body.begin(), body.end(), nullptr, false);
    if (j.is_discarded()) return make_error("the body is not valid JSON");
    return run_request_from_json(j);
}

} // namespace fab::runs
