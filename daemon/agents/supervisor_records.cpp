// Turning transcript records into state: parsing, usage, the state machine,
// events to clients; and the periodic flush (store + host.ack) and heartbeat.
#include "agents/record_entries.hpp"
#include "config/pricing.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/permissions/llm_checker.hpp"
#include "daemon/roles/roles.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

#include <set>

namespace fab {

namespace {
// After the host link closes: attempts to attach again without a record in
// between, and the pause before each (the old link is still unwinding).
constexpr int kMaxRelinks = 3;
constexpr uint64_t kRelinkDelayMs = 200;
} // namespace

void Supervisor::on_record(Agent& a, const Json& rec) {
    int64_t offset = rec.value("o", int64_t{-1});
    if (offset <= a.rec.last_offset) return; // already counted (replay after re-attach)
    a.rec.last_offset = offset;
    a.relinks = 0; // the host is alive and we keep up again
    a.dirty = true;
    const std::string src = rec.value("src", "");
    if (src != "in") { // our own inputs (a heartbeat nudge) are not signs of life
        a.last_activity_ms = now_ms();
        a.nudged = false;
    }
    const std::string data = rec.value("data", "");
    std::vector<ChatEntry> entries;
    if (src == "host") {
        Json note = Json::parse(data, nullptr, false);
        if (note.is_object()) on_host_note(a, note);
    }
    record_entries(src, data, a.parser.get(), entries);
    if (a.parser && a.parser->model() != a.model && !a.parser->model().empty())
        a.model = a.parser->model();
    int64_t ts_ms = rec.value("ts", int64_t{0});
    for (const auto& e : entries) apply_entry(a, e, ts_ms);
    // Every record is published, entries or not, so a client's offsets are
    // dense and `attach` with `since` can resume exactly where it stopped.
    if (hub_.subscribers() == 0) return;
    Json list = Json::array();
    for (const auto& e : entries) list.push_back(to_json(e));
    hub_.publish(a.rec.project, a.rec.id,
                 {{"event", msg::kEvAgentOutput},
                  {"agent_id", a.rec.id},
                  {"project", a.rec.project},
                  {"offset", offset},
                  {"ts", rec.value("ts", int64_t{0})},
                  {"src", src},
                  {"entries", list}},
                 offset);
}

double Supervisor::turn_cost(const Agent& a, const Usage& u) {
    // The CLI's own cost when it reports one (claude), else the price table
    // (codex reports tokens only); see config/pricing.hpp.
    if (u.cost_usd > 0) return u.cost_usd;
    if (u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_creation_tokens == 0)
        return 0;
    std::string model = a.parser ? a.parser->model() : std::string();
    if (model.empty()) model = a.model;
    const PricingConfig* p = find_pricing(d_.registry().config(), model);
    if (!p) {
        if (unpriced_models_.insert(model).second) // once per model and daemon
            log::warn("no price for model \"" + model + "\": its usage counts $0; add [pricing \"" +
                      model + "\"] to config.ini");
        return 0;
    }
    return price_usage(*p, u);
}

void Supervisor::apply_entry(Agent& a, const ChatEntry& e, int64_t ts_ms) {
    if (!e.session_id.empty() && e.session_id != a.rec.session_id) a.rec.session_id = e.session_id;
    switch (e.kind) {
    case ChatKind::turn_result:
        a.turn_result_seen = true;
        a.rec.input_tokens += e.usage.input_tokens;
        a.rec.output_tokens += e.usage.output_tokens;
        a.rec.cache_read_tokens += e.usage.cache_read_tokens;
        a.rec.cache_creation_tokens += e.usage.cache_creation_tokens;
        a.rec.cost_usd += turn_cost(a, e.usage);
        a.turn_running = false;
        // A turn the CLI ended in error (an unknown model, an API error): its
        // own words go into the agent's status, not only its history.
        if (e.is_error && !a.stop_requested) {
            std::string why = e.text.empty() ? e.subtype : e.text;
            a.rec.error = "last turn failed: " + why.substr(0, 300);
        } else if (a.rec.error.rfind("last turn failed: ", 0) == 0) {
            a.rec.error.clear(); // a later turn went through
        }
        if (!a.stop_requested) set_state(a, AgentState::idle, a.rec.error);
        if (a.rec.retiring) retire(a.rec.id); // its work is merged: end it now the turn is over
        break;
    case ChatKind::permission:
        a.pending_permissions[e.request_id] = to_json(e);
        a.pending_permissions[e.request_id]["created_ms"] = ts_ms;
        // No hook ran the rules on this call (codex): they decide first; the
        // LLM checker and humans see it only if they pass.
        if (needs_rule_check(a, e)) {
            a.pending_permissions[e.request_id]["rule_check"] = true;
            rule_check(a, e);
            roles::on_entry(d_, a, e);
            return;
        }
        hub_.publish(a.rec.project, a.rec.id,
                     {{"event", msg::kEvPermissionRequest},
                      {"agent_id", a.rec.id},
                      {"request", to_json(e)}});
        break;
    case ChatKind::system:
        // Answered by us, or settled elsewhere (a PermissionRequest hook).
        if (e.subtype == "permission_response" || e.subtype == "control_cancel_request")
            a.pending_permissions.erase(e.request_id);
        break;
    case ChatKind::user_input:
    case ChatKind::assistant_text:
    case ChatKind::tool_use:
    case ChatKind::tool_result:
        a.turn_running = true;
        if (!a.stop_requested) set_state(a, AgentState::running);
        break;
    case ChatKind::error:
        break;
    }
    llm_checker::on_entry(d_, *this, a, e); // context, and the llm check of a permission
    roles::on_entry(d_, a, e);              // a planner's ExitPlanMode is stored as its plan
}

void Supervisor::on_host_note(Agent& a, const Json& note) {
    std::string ev = note.value("event", "");
    auto backend = make_backend(a.rec.backend);
    bool persistent = backend && backend->persistent();
    if (ev == "cli_started") {
        // Claude reports cost as a per-process total: a new process starts at
        // 0. Codex reports usage per thread, across processes: keep its baseline.
        if (persistent && backend && backend->usage_per_process())
            a.parser = backend->make_parser();
        a.cli_exited = false;
        a.turn_result_seen = false;
        if (a.state == AgentState::starting) set_state(a, AgentState::idle);
    } else if (ev == "cli_exited") {
        a.pending_permissions.clear();
        a.turn_running = false;
        int64_t status = note.value("exit_status", int64_t{-1});
        int sig = note.value("signal", 0);
        if (a.stop_requested) {
            a.cli_exited = true;
            finish(a, a.rec.retiring ? AgentState::done : AgentState::aborted);
        } else if (persistent) {
            a.cli_exited = true;
            finish(a, AgentState::failed,
                   "agent CLI exited unexpectedly (status " + std::to_string(status) +
                       (sig ? ", signal " + std::to_string(sig) : "") +
                       "); `fab agent send` resumes it");
        } else if (!a.turn_result_seen) {
            // A codex process that ends without turn.completed/turn.failed was
            // killed or crashed: the turn is lost, say so (send resumes the thread).
            finish(a, AgentState::failed,
                   "agent CLI ended its turn without a result (status " + std::to_string(status) +
                       (sig ? ", signal " + std::to_string(sig) : "") +
                       "); `fab agent send` resumes it");
        } else if (!is_final(a.state)) {
            set_state(a, AgentState::idle); // per-turn backend: the turn is over
        }
    } else if (ev == "spawn_failed") {
        finish(a, AgentState::failed, note.value("error", "cannot start the agent CLI"));
    } else if (ev == "transcript_gap") {
        log::warn("agent " + a.rec.id + ": transcript lacks offsets " +
                  std::to_string(note.value("first_offset", int64_t{-1})) + ".." +
                  std::to_string(note.value("last_offset", int64_t{-1})) + " (" +
                  std::to_string(note.value("lost_records", int64_t{0})) +
                  " records not written: " + note.value("error", "") + ")");
    } else if (ev == "transcript_damaged") {
        a.damage_logged = true;
        log::warn("agent " + a.rec.id + ": transcript damaged: " +
                  std::to_string(note.value("lines", int64_t{0})) + " line(s), " +
                  std::to_string(note.value("bytes", int64_t{0})) + " bytes skipped");
    }
}

void Supervisor::on_link_closed(Agent& a) {
    if (is_final(a.state)) return;
    if (a.stop_requested) {
        finish(a, a.rec.retiring ? AgentState::done : AgentState::aborted);
        return;
    }
    // A host drops a daemon that falls too far behind its bounded queue (a
    // flood of output) while it and the agent live on: attach again and catch
    // up from the transcript. Only when that fails has the host really gone.
    if (a.relinks < kMaxRelinks) {
        a.relinks++;
        std::string id = a.rec.id;
        log::warn("agent " + id + ": host link closed; attaching again");
        // Deferred: we are inside the old link's close callback.
        a.relink_timer = std::make_unique<ev::Timer>(d_.loop());
        a.relink_timer->start(kRelinkDelayMs, 0, [this, id] {
            Agent* ag = find(id);
            if (!ag || is_final(ag->state)) return;
            attach(*ag, [this, id](Status st) {
                Agent* a2 = find(id);
                if (!a2 || st || is_final(a2->state)) return;
                finish(*a2, AgentState::failed,
                       "agent host exited unexpectedly (" + st.error() + "); worktree kept at " +
                           a2->rec.worktree);
            });
        });
        return;
    }
    finish(a, AgentState::failed,
           "agent host exited unexpectedly; worktree kept at " + a.rec.worktree);
}

void Supervisor::set_state(Agent& a, AgentState s, const std::string& error) {
    if (a.state == s && error.empty()) return;
    if (is_final(a.state) && !is_final(s) && a.state != AgentState::failed)
        return; // final is final
    AgentState from = a.state;
    a.state = s;
    a.rec.state = state_name(s);
    if (!error.empty()) a.rec.error = error;
    a.rec.updated_ms = now_ms();
    a.dirty = true;
    hub_.publish(a.rec.project, a.rec.id,
                 {{"event", msg::kEvAgentState},
                  {"agent_id", a.rec.id},
                  {"state", a.rec.state},
                  {"error", a.rec.error},
                  {"description", a.rec.description}});
    for (const auto& l : state_listeners_) l(a, from);
}

void Supervisor::finish(Agent& a, AgentState s, const std::string& error) {
    if (is_final(a.state) && a.state == s) return;
    log::info("agent " + a.rec.id + ": " + state_name(s) + (error.empty() ? "" : ": " + error));
    set_state(a, s, error);
    (void)d_.store().record_event("agent." + std::string(state_name(s)), a.rec.id + " " + error);
    flush();
    if (s == AgentState::failed) return;           // kept for `fab agent send` to resume
    if (!roles::owns_worktree(a.rec.kind)) return; // a manager's place outlives each session
    // A worktree given at create (a workflow run's, shared by its stages)
    // outlives the agent too: only the agent's own wt-<id> is removed.
    if (a.rec.worktree != d_.paths().project_dir(a.rec.project) + "/worktrees/wt-" + a.rec.id)
        return;
    std::string id = a.rec.id;
    worktree::remove_if_clean(
        d_.git(), d_.paths().project_repo(a.rec.project), a.rec.worktree, a.rec.branch,
        [this, id](bool kept, worktree::Leftover what, Status st) {
            Agent* ag = find(id);
            if (!ag) return;
            if (!st) log::warn("agent " + id + ": " + st.error());
            if (!kept) return;
            std::string why = "worktree kept at " + ag->rec.worktree +
                              (what.describe().empty() ? "" : ": " + what.describe());
            log::warn("agent " + id + ": " + why);
            (void)d_.store().record_event("worktree.kept", id + " " + why);
            ag->rec.error = why;
            ag->dirty = true;
        });
}

void Supervisor::flush() {
    std::vector<const AgentRecord*> batch;
    for (auto& [id, a] : agents_) {
        if (!a->dirty) continue;
        if (a->parser) {
            Usage b = a->parser->usage_baseline();
            Json ps = usage_to_json(b);
            if (!a->model.empty()) ps["model"] = a->model;
            a->rec.parser_state = dump_json(ps);
        }
        batch.push_back(&a->rec);
    }
    if (batch.empty()) return;
    if (auto s = d_.store().save_agents(batch); !s) {
        log::error(s.error()); // stay dirty: retried on the next tick
        return;
    }
    for (auto& [id, a] : agents_) {
        if (!a->dirty) continue;
        a->dirty = false;
        // Acknowledge only what is persisted: a host exits after the final ack.
        if (a->link && a->link->connected() && a->rec.last_offset >= 0)
            a->link->request(msg::kHostAck, {{"offset", a->rec.last_offset}}, [](Result<Json>) {});
    }
}

void Supervisor::heartbeat() {
    expire_permissions();
    const auto& defs = d_.registry().config().defaults;
    int64_t now = now_ms();
    std::vector<std::string> stalled;
    for (auto& [id, a] : agents_) {
        if (a->state != AgentState::running || !a->turn_running || !a->pending_permissions.empty())
            continue;
        if (!a->link || !a->link->connected()) continue;
        int64_t silent = (now - a->last_activity_ms) / 1000;
        if (silent >= defs.heartbeat_abort) {
            stalled.push_back(id);
        } else if (silent >= defs.heartbeat_continue && !a->nudged &&
                   !d_.runs().holds_agent(id)) { // a paused run's agent is left alone
            a->nudged = true;
            log::warn("agent " + id + ": silent for " + std::to_string(silent) +
                      " s; sending \"continue\"");
            a->link->request(msg::kHostSend, {{"text", "continue"}, {"now", true}},
                             [](Result<Json>) {});
        }
    }
    for (const auto& id : stalled) {
        Agent* a = find(id);
        log::warn("agent " + id + ": still silent; aborting");
        a->rec.error = "stalled: no output for " + std::to_string(defs.heartbeat_abort) + " s";
        abort(id, false, [](Status) {});
    }
}

void Supervisor::report_orphans() {
    for (const auto& p : d_.registry().config().projects) {
        std::string repo = d_.paths().project_repo(p.name);
        if (!path_exists(repo)) continue;
        worktree::find_orphans(
            d_.git(), repo, d_.paths().project_dir(p.name) + "/worktrees",
            [this](const std::string& id) { return agents_.count(id) > 0; },
            [this, name = p.name](std::vector<std::string> orphans) {
                for (const auto& o : orphans) {
                    log::warn("project " + name + ": orphaned " + o + " (no agent owns it; kept)");
                    (void)d_.store().record_event("orphan", name + " " + o);
                }
            });
    }
}

} // namespace fab
