#include "daemon/runs/run_engine.hpp"

#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/runs/workflow_runner.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

#include <algorithm>

namespace fab {

using runs::FailReason;
using runs::RunEvent;
using runs::RunStatus;

namespace {

// What the agent is told besides the goal: the one workflow ends with its
// work handed in. Prose around SCRIPT: lines is ignored by the scripted agent.
std::string task_prompt(const std::string& goal) {
    return goal + "\n\nWhen the work is complete, commit it and run `fab agent done`.";
}

// Fabro's event names for the entries of an agent's transcript.
const char* entry_event(const std::string& kind) {
    if (kind == "assistant_text") return "agent.message";
    if (kind == "tool_use") return "agent.tool.started";
    if (kind == "tool_result") return "agent.tool.completed";
    if (kind == "user_input") return "agent.input";
    if (kind == "turn_result") return "agent.turn.completed";
    if (kind == "error") return "agent.error";
    if (kind == "permission") return "interview.started";
    return "agent.system";
}

// Event properties stay small: long texts (tool output) are cut.
constexpr size_t kMaxText = 16 * 1024;
Json trimmed(Json entry) {
    if (entry.contains("text") && entry["text"].is_string()) {
        auto& t = entry["text"].get_ref<std::string&>();
        if (t.size() > kMaxText) {
            t.resize(kMaxText);
            t += "…";
            entry["truncated"] = true;
        }
    }
    return entry;
}

std::string iso(int64_t ms) {
    return ms > 0 ? format_iso8601_ms(ms) : std::string();
}

const char* status_event(RunEvent what) {
    switch (what) {
    case RunEvent::queue:
        return "run.queued";
    case RunEvent::start:
        return "run.starting";
    case RunEvent::requeue:
        return "run.queued";
    case RunEvent::launched:
        return "run.running";
    case RunEvent::block:
        return "run.blocked";
    case RunEvent::unblock:
        return "run.unblocked";
    case RunEvent::pause:
        return "run.paused";
    case RunEvent::unpause:
        return "run.unpaused";
    case RunEvent::succeed:
        return "run.completed";
    case RunEvent::fail:
        return "run.failed";
    case RunEvent::cancel:
        return "run.cancelled";
    case RunEvent::archive:
        return "run.archived";
    case RunEvent::unarchive:
        return "run.unarchived";
    }
    return "run.changed";
}

bool terminal_event(const std::string& e) {
    return e == "run.completed" || e == "run.failed" || e == "run.cancelled";
}

} // namespace

RunEngine::RunEngine(Daemon& d, int max_concurrent) : d_(d), max_concurrent_(max_concurrent) {
    d_.supervisor().events().set_observer([this](const std::string&, const std::string& agent,
                                                 const Json& ev) { on_agent_event(agent, ev); });
    d_.supervisor().add_state_listener([this](Agent& a, AgentState) { on_agent_state(a); });
}

RunEngine::~RunEngine() {
    d_.supervisor().events().set_observer(nullptr);
}

void RunEngine::start() {
    load();
    started_ = true;
    // Workflow runs that were mid-way go on from their checkpoints on the
    // loop's first turn: after the daemon reported ready, so that no stage's
    // process inherits the ready pipe of `fab server start`.
    resume_ = std::make_unique<ev::Timer>(d_.loop());
    resume_->start(0, 0, [this] {
        for (auto& [id, r] : runs_)
            if (r->rec.workflow != "task" && runs::is_active(r->pos.status) &&
                r->pos.status != RunStatus::starting && !workflow_of(id))
                if (!resume_workflow(*r))
                    move(*r, RunEvent::fail, "run.failed",
                         {{"error",
                           r->rec.error.empty() ? "its checkpoint is missing" : r->rec.error}},
                         FailReason::terminated);
    });
    schedule();
}

WorkflowRunner* RunEngine::workflow_of(const std::string& run_id) {
    auto it = workflows_.find(run_id);
    return it == workflows_.end() ? nullptr : it->second.get();
}

bool RunEngine::resume_workflow(Run& r) {
    WorkflowRunner* w = workflow_of(r.rec.id);
    if (!w) {
        auto cp = d_.store().checkpoint(r.rec.id);
        if (!cp || !*cp) return false;
        auto wf = reload_workflow(**cp);
        if (!wf) {
            r.rec.error = wf.error();
            return false;
        }
        auto runner =
            std::make_unique<WorkflowRunner>(d_, *this, r.rec.id, std::move(*wf), std::move(**cp));
        w = runner.get();
        workflows_[r.rec.id] = std::move(runner);
    }
    if (r.pos.status == RunStatus::starting) {
        w->start();
    } else {
        log::info("run " + r.rec.id + ": resuming its workflow from the last checkpoint");
        w->resume();
    }
    return true;
}

void RunEngine::load() {
    auto rows = d_.store().runs();
    if (!rows) {
        log::error("runs: " + rows.error());
        return;
    }
    for (RunRecord& rec : *rows) {
        auto run = std::make_unique<Run>();
        Run& r = *run;
        r.rec = std::move(rec);
        next_position_ = std::max(next_position_, r.rec.position + 1);
        if (auto seq = d_.store().last_run_event_seq(r.rec.id)) r.next_seq = *seq + 1;
        if (auto off = d_.store().last_run_agent_offset(r.rec.id)) r.agent_offset = *off;
        auto st = runs::parse_status(r.rec.status);
        auto reason = runs::parse_reason(r.rec.reason);
        auto from =
            runs::parse_status(r.rec.archived_from.empty() ? "succeeded" : r.rec.archived_from);
        std::string id = r.rec.id;
        runs_[id] = std::move(run);
        if (!st || !reason || !from) {
            // A row that cannot be read: the run is failed{terminated} with
            // the reason; start-up goes on.
            std::string why = "unreadable run row (status \"" + r.rec.status + "\", reason \"" +
                              r.rec.reason + "\")";
            log::warn("run " + id + ": " + why);
            r.pos = {RunStatus::running, FailReason::none, RunStatus::succeeded};
            r.rec.error = why;
            move(r, RunEvent::fail, "run.failed", {{"error", why}}, FailReason::terminated);
            continue;
        }
        r.pos = {*st, *reason, *from};
        if (r.rec.workflow != "task") {
            // Workflow runs: a starting one starts again; active ones resume
            // from their checkpoints in start().
            if (r.pos.status == RunStatus::starting)
                move(r, RunEvent::requeue, "run.queued", {{"why", "the daemon restarted"}});
            continue;
        }
        if (!r.rec.agent_id.empty()) by_agent_[r.rec.agent_id] = id;
        if (r.pos.status == RunStatus::starting && r.rec.agent_id.empty()) {
            move(r, RunEvent::requeue, "run.queued", {{"why", "the daemon restarted"}});
        } else if (runs::is_active(r.pos.status)) {
            Agent* a = d_.supervisor().find(r.rec.agent_id);
            if (!a) {
                move(r, RunEvent::fail, "run.failed",
                     {{"error", "its agent " + r.rec.agent_id + " is gone"}},
                     FailReason::terminated);
                continue;
            }
            follow_agent(r, *a);
        }
    }
}

Result<Json> RunEngine::submit(const runs::RunRequest& req) {
    const ProjectConfig* p = d_.registry().config().project(req.project);
    if (!p) return make_error(not_found("no project \"" + req.project + "\""));
    std::optional<PreparedWorkflow> wf;
    if (!req.is_task()) {
        auto prepared =
            prepare_workflow(req.workflow, req.workflow_file, d_.paths().project_repo(req.project),
                             d_.paths().config_dir);
        if (!prepared) return make_error(prepared.error());
        wf = std::move(*prepared);
    }
    auto run = std::make_unique<Run>();
    Run& r = *run;
    int64_t now = now_ms();
    r.rec.id = random_id("run-", 10);
    r.rec.project = req.project;
    r.rec.goal = req.goal;
    r.rec.workflow = req.workflow;
    if (wf) {
        // A workflow carries its goal; the DOT source is kept in the checkpoint.
        if (r.rec.goal.find_first_not_of(" \t\r\n") == std::string::npos)
            r.rec.goal = wf->wf.goal();
        if (req.has_source()) r.rec.workflow = wf->wf.name.empty() ? "workflow" : wf->wf.name;
    }
    r.rec.backend = req.backend;
    r.rec.model = req.model;
    r.rec.position = next_position_++;
    r.rec.created_ms = now;
    r.pos.status = RunStatus::submitted;
    r.rec.status = runs::status_name(r.pos.status);
    std::string id = r.rec.id;
    runs_[id] = std::move(run);
    // submitted → queued in one transaction: both events, one row.
    auto submitted =
        make_event(r, "run.submitted",
                   {{"project", req.project}, {"goal", r.rec.goal}, {"workflow", r.rec.workflow}});
    auto next = runs::transition(r.pos, RunEvent::queue);
    r.pos = *next;
    r.rec.status = runs::status_name(r.pos.status);
    r.rec.updated_ms = now;
    auto queued = make_event(r, "run.queued", Json::object());
    Status saved;
    if (wf) {
        RunCheckpoint cp;
        cp.run_id = id;
        cp.source = wf->source;
        cp.file = wf->file;
        Json inputs = Json::object();
        for (const auto& [k, v] : req.inputs) inputs[k] = v;
        cp.inputs = dump_json(inputs);
        cp.updated_ms = now;
        saved = d_.store().save_checkpoint(r.rec, cp, {submitted, queued});
        if (saved)
            workflows_[id] =
                std::make_unique<WorkflowRunner>(d_, *this, id, std::move(wf->wf), std::move(cp));
    } else {
        saved = d_.store().save_run(r.rec, {submitted, queued});
    }
    if (!saved) {
        runs_.erase(id);
        return make_error("internal error: " + saved.error());
    }
    notify(id, event_json(submitted));
    notify(id, event_json(queued));
    Json out = run_json(r);
    schedule();
    return Json{{"id", id},
                {"status", out["status"]},
                {"queue_position", out["queue_position"]},
                {"created_at", iso(now)}};
}

size_t RunEngine::active() const {
    size_t n = 0;
    for (const auto& [id, r] : runs_) n += runs::is_active(r->pos.status);
    return n;
}

void RunEngine::schedule() {
    if (!started_) return;
    if (!kick_) kick_ = std::make_unique<ev::Timer>(d_.loop());
    kick_->start(0, 0, [this] { schedule_now(); });
}

void RunEngine::schedule_now() {
    // FIFO in submission order; a project at its max-agents is passed over
    // (its runs keep their places) so it cannot hold up the others.
    std::vector<Run*> queued;
    for (auto& [id, r] : runs_)
        if (r->pos.status == RunStatus::queued) queued.push_back(r.get());
    std::sort(queued.begin(), queued.end(),
              [](const Run* a, const Run* b) { return a->rec.position < b->rec.position; });
    std::map<std::string, size_t> starting_per_project;
    for (Run* r : queued) {
        if (active() >= static_cast<size_t>(max_concurrent_)) return;
        const ProjectConfig* p = d_.registry().config().project(r->rec.project);
        size_t busy =
            d_.supervisor().running_count(r->rec.project) + starting_per_project[r->rec.project];
        if (p && busy >= static_cast<size_t>(p->max_agents)) continue;
        ++starting_per_project[r->rec.project];
        launch(*r);
    }
}

void RunEngine::launch(Run& r) {
    if (!move(r, RunEvent::start, "run.starting")) return;
    r.rec.started_ms = now_ms();
    if (r.rec.workflow != "task") {
        if (!resume_workflow(r))
            move(r, RunEvent::fail, "run.failed",
                 {{"error", r.rec.error.empty() ? "its workflow is missing" : r.rec.error}},
                 FailReason::launch_failed);
        return;
    }
    CreateAgent c;
    c.project = r.rec.project;
    c.backend = r.rec.backend;
    c.model = r.rec.model;
    c.prompt = task_prompt(r.rec.goal);
    c.kind = "task";
    std::string id = r.rec.id;
    ++launching_;
    d_.supervisor().create(c, [this, id](Result<Json> a) {
        std::vector<Json> early;
        if (a) {
            auto u = unclaimed_.find(a->value("id", ""));
            if (u != unclaimed_.end()) early = std::move(u->second);
        }
        if (--launching_ == 0) unclaimed_.clear();
        auto it = runs_.find(id);
        if (it == runs_.end()) return;
        Run& run = *it->second;
        if (!a) {
            run.rec.error = a.error();
            move(run, RunEvent::fail, "run.failed", {{"error", a.error()}},
                 FailReason::launch_failed);
            schedule();
            return;
        }
        std::string agent_id = a->value("id", "");
        run.rec.agent_id = agent_id;
        by_agent_[agent_id] = id;
        if (run.pos.status != RunStatus::starting) { // cancelled while it started
            d_.supervisor().abort(agent_id, false, [](Status) {});
            (void)d_.store().save_run(run.rec, {});
            return;
        }
        move(run, RunEvent::launched, "run.running", {{"agent_id", agent_id}});
        for (const Json& ev : early) on_agent_event(agent_id, ev);
        if (Agent* ag = d_.supervisor().find(agent_id)) follow_agent(run, *ag);
    });
}

RunEventRecord RunEngine::make_event(Run& r, const std::string& name, Json props, int64_t offset) {
    RunEventRecord e;
    e.seq = r.next_seq++;
    e.id = uuid_v4();
    e.run_id = r.rec.id;
    e.ts_ms = now_ms();
    e.event = name;
    e.properties = dump_json(props);
    e.agent_offset = offset;
    return e;
}

bool RunEngine::move(Run& r, RunEvent what, const std::string& event, Json props,
                     FailReason reason) {
    auto next = runs::transition(r.pos, what, reason);
    if (!next) return false;
    r.pos = *next;
    int64_t now = now_ms();
    r.rec.status = runs::status_name(r.pos.status);
    r.rec.reason = runs::reason_name(r.pos.reason);
    r.rec.archived_from =
        r.pos.status == RunStatus::archived ? runs::status_name(r.pos.archived_from) : "";
    r.rec.updated_ms = now;
    if ((what == RunEvent::succeed || what == RunEvent::fail || what == RunEvent::cancel))
        r.rec.finished_ms = now;
    props["status"] = r.rec.status;
    if (r.pos.status == RunStatus::failed) props["reason"] = r.rec.reason;
    auto ev = make_event(r, event, std::move(props));
    if (auto s = d_.store().save_run(r.rec, {ev}); !s)
        log::error("run " + r.rec.id + ": " + s.error());
    notify(r.rec.id, event_json(ev));
    if (runs::is_terminal(r.pos.status)) schedule();
    return true;
}

void RunEngine::append(Run& r, std::vector<RunEventRecord> evs) {
    if (evs.empty()) return;
    if (auto s = d_.store().append_run_events(evs); !s) {
        log::error("run " + r.rec.id + ": " + s.error());
        return;
    }
    for (const auto& e : evs) notify(r.rec.id, event_json(e));
}

Json RunEngine::event_json(const RunEventRecord& e) {
    Json props = Json::parse(e.properties, nullptr, false);
    if (props.is_discarded()) props = Json::object();
    Json j = {{"seq", e.seq},       {"id", e.id},       {"ts", format_iso8601_ms(e.ts_ms)},
              {"run_id", e.run_id}, {"event", e.event}, {"properties", props}};
    if (!e.node.empty()) j["node"] = e.node;
    if (!e.stage.empty()) j["stage"] = e.stage;
    return j;
}

void RunEngine::notify(const std::string& run_id, const Json& ev) {
    bool terminal = terminal_event(ev.value("event", ""));
    std::vector<uint64_t> tokens;
    for (const auto& [t, w] : listeners_)
        if (w.run_id == run_id || w.run_id.empty()) tokens.push_back(t);
    for (uint64_t t : tokens) {
        auto it = listeners_.find(t); // a listener may remove others (or itself)
        if (it == listeners_.end()) continue;
        Listener fn = it->second.fn;
        bool every_run = it->second.run_id.empty();
        fn(ev);
        if (terminal && !every_run && listeners_.count(t)) fn(Json());
    }
}

uint64_t RunEngine::listen(const std::string& run_id, Listener l) {
    uint64_t t = next_token_++;
    listeners_[t] = {run_id, std::move(l)};
    return t;
}

void RunEngine::unlisten(uint64_t token) {
    listeners_.erase(token);
}

bool RunEngine::holds_agent(const std::string& agent_id) const {
    auto it = by_agent_.find(agent_id);
    if (it == by_agent_.end()) return false;
    const Run* r = find(it->second);
    return r && r->pos.status == RunStatus::paused;
}

Run* RunEngine::run_of_agent(const std::string& agent_id) {
    auto it = by_agent_.find(agent_id);
    if (it == by_agent_.end()) return nullptr;
    auto r = runs_.find(it->second);
    return r == runs_.end() ? nullptr : r->second.get();
}

void RunEngine::on_agent_event(const std::string& agent, const Json& ev) {
    Run* r = run_of_agent(agent);
    if (!r) {
        if (launching_ > 0) {
            auto& held = unclaimed_[agent];
            if (held.size() < kMaxUnclaimed) held.push_back(ev);
        }
        return;
    }
    if (runs::is_terminal(r->pos.status)) return;
    std::string name = ev.value("event", "");
    if (name == "agent.output") {
        int64_t offset = ev.value("offset", int64_t{-1});
        if (offset >= 0 && offset <= r->agent_offset) return; // logged before a restart
        std::vector<RunEventRecord> evs;
        for (const auto& e : ev.value("entries", Json::array())) {
            Json props = trimmed(e);
            props["agent_id"] = agent;
            props["offset"] = offset;
            evs.push_back(
                make_event(*r, entry_event(e.value("kind", "")), std::move(props), offset));
        }
        if (offset >= 0) r->agent_offset = offset;
        append(*r, std::move(evs));
        if (WorkflowRunner* w = workflow_of(r->rec.id))
            w->on_agent_entries(agent, ev.value("entries", Json::array()));
    } else if (name == "permission.request") {
        // codex approvals after the rules: already in the log as an entry.
    } else {
        return;
    }
    Agent* a = d_.supervisor().find(agent);
    if (!a) return;
    if (WorkflowRunner* w = workflow_of(r->rec.id)) return w->on_agent_state(*a);
    follow_agent(*r, *a);
}

void RunEngine::on_agent_state(Agent& a) {
    Run* r = run_of_agent(a.rec.id);
    if (!r) return;
    if (WorkflowRunner* w = workflow_of(r->rec.id)) return w->on_agent_state(a);
    follow_agent(*r, a);
}

// The run's status from its agent's: a question waiting blocks it; done is
// success, failed a workflow error, aborted a cancel (ours) or termination.
void RunEngine::follow_agent(Run& r, Agent& a) {
    if (runs::is_terminal(r.pos.status)) return;
    switch (a.state) {
    case AgentState::done:
        move(r, RunEvent::succeed, "run.completed", {{"agent_id", a.rec.id}});
        return;
    case AgentState::failed:
        r.rec.error = a.rec.error;
        move(r, RunEvent::fail, "run.failed", {{"error", a.rec.error}}, FailReason::workflow_error);
        return;
    case AgentState::aborted:
        r.rec.error = a.rec.error.empty() ? "its agent was stopped" : a.rec.error;
        move(r, RunEvent::fail, "run.failed", {{"error", r.rec.error}}, FailReason::terminated);
        return;
    default:
        break;
    }
    if (r.pos.status == RunStatus::starting) return; // launched once create answers
    bool waiting = false;
    for (const auto& [rid, req] : a.pending_permissions)
        waiting = waiting || (!req.value("rule_check", false) && !req.value("answered", false));
    if (waiting && r.pos.status == RunStatus::running) move(r, RunEvent::block, "run.blocked");
    if (!waiting && r.pos.status == RunStatus::blocked) move(r, RunEvent::unblock, "run.unblocked");
}

const Run* RunEngine::find(const std::string& id) const {
    auto it = runs_.find(id);
    return it == runs_.end() ? nullptr : it->second.get();
}

Json RunEngine::run_json(const Run& r) const {
    Json j = {{"id", r.rec.id},
              {"project", r.rec.project},
              {"goal", r.rec.goal},
              {"workflow", r.rec.workflow},
              {"backend", r.rec.backend},
              {"model", r.rec.model},
              {"status", runs::status_name(r.pos.status)},
              {"agent_id", r.rec.agent_id},
              {"created_at", iso(r.rec.created_ms)},
              {"updated_at", iso(r.rec.updated_ms)}};
    if (r.pos.status == RunStatus::failed) j["status_reason"] = runs::reason_name(r.pos.reason);
    if (r.pos.status == RunStatus::archived)
        j["archived_from"] = runs::status_name(r.pos.archived_from);
    if (r.rec.started_ms) j["started_at"] = iso(r.rec.started_ms);
    if (r.rec.finished_ms) j["finished_at"] = iso(r.rec.finished_ms);
    if (!r.rec.error.empty()) j["error"] = r.rec.error;
    if (r.pos.status == RunStatus::queued) {
        int64_t ahead = 0;
        for (const auto& [id, o] : runs_)
            ahead += o->pos.status == RunStatus::queued && o->rec.position < r.rec.position;
        j["queue_position"] = ahead + 1;
    } else {
        j["queue_position"] = nullptr;
    }
    return j;
}

Json RunEngine::list(const ListQuery& q) const {
    std::vector<const Run*> all;
    for (const auto& [id, r] : runs_) {
        if (!q.statuses.empty() && !q.statuses.count(runs::status_name(r->pos.status))) continue;
        if (!q.projects.empty() && !q.projects.count(r->rec.project)) continue;
        all.push_back(r.get());
    }
    // Newest first.
    std::sort(all.begin(), all.end(),
              [](const Run* a, const Run* b) { return a->rec.position > b->rec.position; });
    Json data = Json::array();
    size_t from = static_cast<size_t>(std::max<int64_t>(q.offset, 0));
    for (size_t i = from; i < all.size() && data.size() < static_cast<size_t>(q.limit); ++i)
        data.push_back(run_json(*all[i]));
    bool more = from + data.size() < all.size();
    return {
        {"data", data},
        {"meta",
         {{"total", all.size()}, {"has_more", more}, {"limit", q.limit}, {"offset", q.offset}}}};
}

std::string RunEngine::act(const std::string& id, RunEvent what) {
    auto it = runs_.find(id);
    if (it == runs_.end()) return not_found("no run \"" + id + "\"");
    Run& r = *it->second;
    auto next = runs::transition(r.pos, what);
    if (!next) return conflict(next.error());
    RunStatus before = r.pos.status;
    const char* name = status_event(what);
    move(r, what, name);
    if (what == RunEvent::cancel &&
        (before == RunStatus::running || before == RunStatus::blocked ||
         before == RunStatus::paused) &&
        !r.rec.agent_id.empty()) {
        r.cancel_requested = true;
        d_.supervisor().abort(r.rec.agent_id, false, [id](Status s) {
            if (!s) log::warn("run " + id + ": stopping its agent: " + s.error());
        });
    }
    if (WorkflowRunner* w = workflow_of(id)) {
        if (what == RunEvent::cancel) w->cancel();
        if (what == RunEvent::unpause) w->unpaused();
    }
    return {};
}

std::string RunEngine::remove(const std::string& id) {
    auto it = runs_.find(id);
    if (it == runs_.end()) return not_found("no run \"" + id + "\"");
    Run& r = *it->second;
    if (!runs::is_terminal(r.pos.status))
        return conflict(std::string("cannot delete a run that is ") +
                        runs::status_name(r.pos.status) +
                        ": delete needs succeeded, failed or archived");
    if (auto s = d_.store().delete_run(id); !s) return "internal error: " + s.error();
    if (!r.rec.agent_id.empty()) by_agent_.erase(r.rec.agent_id);
    workflows_.erase(id);
    runs_.erase(it);
    return {};
}

void RunEngine::steer(const std::string& id, const std::string& guidance,
                      std::function<void(std::string)> done) {
    const Run* r = find(id);
    if (!r) return done(not_found("no run \"" + id + "\""));
    if (runs::is_terminal(r->pos.status) || r->rec.agent_id.empty())
        return done(conflict(std::string("cannot steer a run that is ") +
                             runs::status_name(r->pos.status) +
                             ": steer needs starting, running, blocked or paused with an agent"));
    Run& run = *runs_[id];
    auto ev = make_event(run, "run.steered", {{"guidance", guidance}});
    append(run, {ev});
    d_.supervisor().send(r->rec.agent_id, guidance,
                         [done](Status s) { done(s ? std::string() : s.error()); });
}

Result<Json> RunEngine::billing(const std::string& id) const {
    const Run* r = find(id);
    if (!r) return make_error(not_found("no run \"" + id + "\""));
    Json usage = {{"input_tokens", 0},
                  {"output_tokens", 0},
                  {"cache_read_tokens", 0},
                  {"cache_creation_tokens", 0},
                  {"cost_usd", 0.0}};
    if (Agent* a = d_.supervisor().find(r->rec.agent_id))
        usage = d_.supervisor().agent_json(*a)["usage"];
    return Json{{"run_id", id}, {"usage", usage}, {"total_cost_usd", usage["cost_usd"]}};
}

Json RunEngine::board() const {
    struct Col {
        const char* id;
        const char* name;
        std::vector<RunStatus> statuses;
    };
    const Col cols[] = {
        {"queued", "Queued", {RunStatus::submitted, RunStatus::queued}},
        {"running", "Running", {RunStatus::starting, RunStatus::running}},
        {"waiting", "Waiting", {RunStatus::blocked, RunStatus::paused}},
        {"succeeded", "Succeeded", {RunStatus::succeeded}},
        {"failed", "Failed", {RunStatus::failed}},
    };
    Json columns = Json::array();
    for (const Col& c : cols) {
        Json items = Json::array();
        for (const auto& [id, r] : runs_)
            if (std::find(c.statuses.begin(), c.statuses.end(), r->pos.status) != c.statuses.end())
                items.push_back(run_json(*r));
        columns.push_back({{"id", c.id}, {"name", c.name}, {"runs", items}});
    }
    return {{"columns", columns}};
}

Result<Json> RunEngine::events(const std::string& id, int64_t since_seq, int64_t limit) {
    if (!find(id)) return make_error(not_found("no run \"" + id + "\""));
    auto rows = d_.store().run_events(id, since_seq, limit);
    if (!rows) return make_error("internal error: " + rows.error());
    Json data = Json::array();
    for (const auto& e : *rows) data.push_back(event_json(e));
    int64_t last = rows->empty() ? since_seq : rows->back().seq;
    const Run* r = find(id);
    return Json{{"data", data},
                {"meta", {{"has_more", r && last + 1 < r->next_seq}, {"last_seq", last}}}};
}

Json RunEngine::counts() const {
    Json c = Json::object();
    for (RunStatus s : runs::kAllStatuses) c[runs::status_name(s)] = 0;
    for (const auto& [id, r] : runs_)
        c[runs::status_name(r->pos.status)] = c[runs::status_name(r->pos.status)].get<int>() + 1;
    c["total"] = runs_.size();
    return c;
}

} // namespace fab
