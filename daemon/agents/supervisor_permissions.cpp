// Pending permission requests and questions: the human side of the stdio
// can_use_tool path. A request no one answers within permission-timeout is
// denied (fail closed), with a reason the model can read.
#include "agents/backend.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/permissions/llm_checker.hpp"
#include "ev/stream.hpp"
#include "protocol/messages.hpp"
#include "rules/decision_log.hpp"
#include "rules/match.hpp"
#include "rules/tool_decision.hpp"
#include "util/log.hpp"
#include "util/time.hpp"
#include <algorithm>

namespace fab {

namespace {
bool is_question(const Json& req) {
    return req.value("tool_name", "") == "AskUserQuestion";
}
} // namespace

bool Supervisor::was_answered(const std::string& request_id) const {
    return std::find(answered_.begin(), answered_.end(), request_id) != answered_.end();
}

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
            if (req.value("rule_check", false)) continue; // the rules decide first
            if (req.value("answered", false)) continue;   // gone for everyone else
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
    if (!a && was_answered(request_id))
        return done(make_error("request \"" + request_id + "\" was answered already"));
    if (!a) return done(make_error("no pending request \"" + request_id + "\""));
    if (!a->link || !a->link->connected())
        return done(make_error("agent " + a->rec.id + " is not connected; try again shortly"));
    // Answered once, from whichever channel comes first (socket, HTTP, TUI):
    // the others see it gone, or "answered already" while the answer travels.
    if (a->pending_permissions[request_id].value("answered", false))
        return done(make_error("request \"" + request_id + "\" was answered already"));
    a->pending_permissions[request_id]["answered"] = true;
    answered_.push_back(request_id);
    if (answered_.size() > 1000) answered_.pop_front();
    Json input = updated_input;
    if (allow && input.is_null())
        input = a->pending_permissions[request_id].value("tool_input", Json::object());
    log::info("agent " + a->rec.id + ": request " + request_id + (allow ? " allowed" : " denied") +
              (message.empty() ? "" : ": " + message));
    const Json& req = a->pending_permissions[request_id];
    if (!is_question(req) && !req.value("logged", false))
        log_decision(*a, req, allow ? "allow" : "deny", req.value("decided_by", "human"));
    a->link->request(
        msg::kHostRespond,
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
            if (req.value("expiring", false) || req.value("rule_check", false)) continue;
            if (now - req.value("created_ms", now) < timeout_ms) continue;
            req["expiring"] = true; // one answer per request
            req["decided_by"] = "timeout";
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

bool Supervisor::needs_rule_check(const Agent& a, const ChatEntry& e) const {
    if (is_question(to_json(e))) return false;
    auto backend = make_backend(a.rec.backend);
    return backend && !backend->has_hooks();
}

void Supervisor::log_decision(const Agent& a, const Json& req, const std::string& decision,
                              const std::string& rule) {
    std::string tool = req.value("tool_name", "");
    rules::append_decision_log(
        d_.paths().fab_dir + "/permissions.log",
        {a.rec.id, tool, decision, rule,
         rules::primary_value(tool, req.value("tool_input", Json::object()))});
}

void Supervisor::rule_check(Agent& a, const ChatEntry& e) {
    rules::ToolCall call;
    call.agent_kind = a.rec.kind;
    call.project = a.rec.project;
    call.worktree = a.rec.worktree;
    const char* home = std::getenv("HOME");
    call.home = home ? home : "";
    call.tool = e.tool_name;
    call.input = e.tool_input;
    auto verdict = std::make_shared<rules::ToolVerdict>();
    Paths paths = d_.paths();
    std::string id = a.rec.id, rid = e.request_id;
    ev::queue_work(
        d_.loop(), [verdict, paths, call] { *verdict = rules::decide_tool_call(paths, call); },
        [this, verdict, id, rid] {
            Agent* ag = find(id);
            if (!ag) return;
            auto it = ag->pending_permissions.find(rid);
            if (it == ag->pending_permissions.end()) return; // answered or gone meanwhile
            Json& req = it->second;
            req.erase("rule_check");
            if (verdict->decision == "allow" || verdict->decision == "deny") {
                bool allow = verdict->decision == "allow";
                log_decision(*ag, req, verdict->decision, verdict->rule);
                req["logged"] = true;
                respond(rid, allow, Json(), allow ? "" : verdict->reason, [rid](Status s) {
                    if (!s) log::warn("answering " + rid + ": " + s.error());
                });
                return;
            }
            // No rule decided: the LLM checker (if configured) and a human.
            req["created_ms"] = now_ms(); // the human's timeout starts now
            ChatEntry entry = chat_entry_from_json(req);
            hub_.publish(
                ag->rec.project, id,
                {{"event", msg::kEvPermissionRequest}, {"agent_id", id}, {"request", req}});
            llm_checker::on_entry(d_, *this, *ag, entry);
        });
}

} // namespace fab
