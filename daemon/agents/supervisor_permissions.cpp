// Pending permission requests and questions: the human side of the stdio
// can_use_tool path. A request no one answers within permission-timeout is
// denied (fail closed), with a reason the model can read.
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace fab {

namespace {
bool is_question(const Json& req) {
    return req.value("tool_name", "") == "AskUserQuestion";
}
} // namespace

Agent* Supervisor::owner_of(const std::string& request_id) {
    for (auto& [id, a] : agents_)
        if (a->pending_permissions.count(request_id)) return a.get();
    return nullptr;
}

Json Supervisor::pending_json(bool questions) const {
    Json out = Json::array();
    for (const auto& [id, a] : agents_) {
        for (const auto& [rid, req] : a->pending_permissions) {
            if (is_question(req) != questions) continue;
            Json item = {{"id", rid},
                         {"agent_id", id},
                         {"project", a->rec.project},
                         {"tool_name", req.value("tool_name", "")},
                         {"tool_input", req.value("tool_input", Json::object())},
                         {"created_ms", req.value("created_ms", int64_t{0})}};
            out.push_back(std::move(item));
        }
    }
    return out;
}

void Supervisor::respond(const std::string& request_id, bool allow, const Json& updated_input,
                         const std::string& message, std::function<void(Status)> done) {
    Agent* a = owner_of(request_id);
    if (!a) return done(make_error("no pending request \"" + request_id + "\""));
    if (!a->link || !a->link->connected())
        return done(make_error("agent " + a->rec.id + " is not connected; try again shortly"));
    Json input = updated_input;
    if (allow && input.is_null())
        input = a->pending_permissions[request_id].value("tool_input", Json::object());
    log::info("agent " + a->rec.id + ": request " + request_id + (allow ? " allowed" : " denied") +
              (message.empty() ? "" : ": " + message));
    a->link->request(
        "host.respond",
        {{"request_id", request_id},
         {"allow", allow},
         {"updated_input", input},
         {"message", message}},
        [done](Result<Json> r) { done(r ? Status{} : Status(make_error(r.error()))); });
}

void Supervisor::expire_permissions() {
    int64_t timeout_ms = int64_t{d_.registry().config().defaults.permission_timeout} * 1000;
    int64_t now = now_ms();
    std::vector<std::pair<std::string, bool>> expired; // request id, is question
    for (auto& [id, a] : agents_) {
        if (!a->link || !a->link->connected()) continue;
        for (auto& [rid, req] : a->pending_permissions) {
            if (req.value("expiring", false)) continue;
            if (now - req.value("created_ms", now) < timeout_ms) continue;
            req["expiring"] = true; // one answer per request
            expired.emplace_back(rid, is_question(req));
        }
    }
    for (const auto& [rid, question] : expired) {
        std::string why = question ? "The user did not answer."
                                   : "Denied: no human answered this permission request within " +
                                         std::to_string(timeout_ms / 1000) + " s.";
        respond(rid, false, Json(), why, [rid](Status s) {
            if (!s) log::warn("expiring " + rid + ": " + s.error());
        });
    }
}

} // namespace fab
