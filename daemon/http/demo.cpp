// Demo mode: a request with `X-Fab-Demo: 1` (or Fabro's `X-Fabro-Demo: 1`)
// gets static data — runs in every status, their events, questions —
// and touches nothing real (no store, no agents, no queue).
#include "daemon/http/http_internal.hpp"
#include "daemon/http/routes.hpp"
#include "runs/run_state.hpp"

namespace fab::http {

namespace {

std::string demo_id(runs::RunStatus s) {
    return std::string("demo-") + runs::status_name(s);
}

Json demo_run(runs::RunStatus s) {
    Json j = {{"id", demo_id(s)},
              {"project", "demo"},
              {"goal", std::string("A demo run that is ") + runs::status_name(s)},
              {"workflow", "task"},
              {"backend", "scripted"},
              {"model", ""},
              {"status", runs::status_name(s)},
              {"agent_id", s == runs::RunStatus::queued ? "" : "ademo1"},
              {"created_at", "2026-01-01T12:00:00.000Z"},
              {"updated_at", "2026-01-01T12:05:00.000Z"},
              {"queue_position", s == runs::RunStatus::queued ? Json(1) : Json()},
              {"demo", true}};
    if (s == runs::RunStatus::failed) j["status_reason"] = "workflow_error";
    if (s == runs::RunStatus::archived) j["archived_from"] = "succeeded";
    return j;
}

Json demo_events(const std::string& run_id) {
    const char* names[] = {"run.submitted", "run.queued", "run.starting", "run.running",
                           "agent.message"};
    Json out = Json::array();
    int64_t seq = 0;
    for (const char* n : names)
        out.push_back({{"seq", ++seq},
                       {"id", run_id + "-" + std::to_string(seq)},
                       {"ts", "2026-01-01T12:00:0" + std::to_string(seq) + ".000Z"},
                       {"run_id", run_id},
                       {"event", n},
                       {"properties", {{"demo", true}}}});
    return out;
}

Json demo_question() {
    return {
        {"id", "demo-question-1"},
        {"text", "Which database should the demo use?"},
        {"stage", "agent"},
        {"question_type", "multiple_choice"},
        {"options", {{{"key", "1"}, {"label", "SQLite"}}, {{"key", "2"}, {"label", "Postgres"}}}},
        {"allow_freeform", true},
        {"timeout_seconds", nullptr}};
}

} // namespace

void handle_demo(h2o_req_t* req, std::string_view method, std::string_view path,
                 const std::string& rid) {
    const Route* found = nullptr;
    std::map<std::string, std::string> params;
    for (const Route& r : routes()) {
        std::map<std::string, std::string> p;
        if (match_route(r, path, p) && method == r.method) {
            found = &r;
            params = std::move(p);
            break;
        }
    }
    if (!found) return send_error(req, 404, "no demo route " + std::string(path), rid);
    std::string pattern = found->pattern;
    std::string id = params.count("id") ? params["id"] : "";
    bool known = id.empty();
    for (auto s : runs::kAllStatuses) known = known || id == demo_id(s);
    if (!known) return send_error(req, 404, "run \"" + id + "\" (demo)", rid);
    auto status_of = [&]() {
        for (auto s : runs::kAllStatuses)
            if (id == demo_id(s)) return s;
        return runs::RunStatus::running;
    };

    // The API's description is no data: the real one, so that a demo
    // client (the web UI) sees which routes exist.
    if (pattern == "/api/v1/openapi.json")
        return send_json(req, 200, Json::parse(openapi_document(), nullptr, false), rid);
    if (pattern == "/api/v1/runs" && method == "GET") {
        Json data = Json::array();
        for (auto s : runs::kAllStatuses) data.push_back(demo_run(s));
        return send_json(req, 200,
                         {{"data", data}, {"meta", {{"total", data.size()}, {"has_more", false}}}},
                         rid);
    }
    if (pattern == "/api/v1/runs" && method == "POST")
        return send_json(req, 201,
                         {{"id", "demo-submitted"},
                          {"status", "queued"},
                          {"queue_position", 1},
                          {"created_at", "2026-01-01T12:00:00.000Z"},
                          {"demo", true}},
                         rid);
    if (pattern == "/api/v1/runs/{id}" && method == "GET")
        return send_json(req, 200, demo_run(status_of()), rid);
    if (pattern == "/api/v1/runs/{id}/events")
        return send_json(req, 200, {{"data", demo_events(id)}, {"meta", {{"has_more", false}}}},
                         rid);
    if (pattern == "/api/v1/runs/{id}/questions") {
        Json data = Json::array();
        if (status_of() == runs::RunStatus::blocked) data.push_back(demo_question());
        return send_json(req, 200, {{"data", data}}, rid);
    }
    if (pattern == "/api/v1/runs/{id}/billing")
        return send_json(req, 200,
                         {{"run_id", id},
                          {"usage",
                           {{"input_tokens", 1200},
                            {"output_tokens", 340},
                            {"cache_read_tokens", 0},
                            {"cache_creation_tokens", 0},
                            {"cost_usd", 0.0123}}},
                          {"total_cost_usd", 0.0123}},
                         rid);
    if (pattern == "/api/v1/runs/{id}/files")
        return send_json(req, 200,
                         {{"run_id", id},
                          {"branch", "fab/demo"},
                          {"base", "0000000000000000000000000000000000000001"},
                          {"head", "0000000000000000000000000000000000000002"},
                          {"worktree", false},
                          {"files",
                           {{{"path", "README.md"},
                             {"status", "modified"},
                             {"additions", 1},
                             {"deletions", 1},
                             {"binary", false}}}},
                          {"total_files", 1},
                          {"additions", 1},
                          {"deletions", 1},
                          {"patch", "diff --git a/README.md b/README.md\n--- a/README.md\n+++ "
                                    "b/README.md\n@@ -1 +1 @@\n-old\n+new\n"},
                          {"truncated", false}},
                         rid);
    if (pattern == "/api/v1/boards/runs") {
        Json cols = Json::array();
        for (auto s : runs::kAllStatuses)
            cols.push_back({{"id", runs::status_name(s)},
                            {"name", runs::status_name(s)},
                            {"runs", {demo_run(s)}}});
        return send_json(req, 200, {{"columns", cols}}, rid);
    }
    if (found->success == 204) return send_empty(req, 204, rid);
    if (found->unwrap) return send_json(req, found->success, demo_run(status_of()), rid);
    if (pattern == "/api/v1/runs/{id}/steer") return send_json(req, 202, Json::object(), rid);
    if (pattern == "/health") return send_json(req, 200, {{"status", "ok"}, {"demo", true}}, rid);
    return send_json(req, 200, {{"demo", true}}, rid);
}

} // namespace fab::http
