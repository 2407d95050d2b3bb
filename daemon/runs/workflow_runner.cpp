#include "daemon/runs/workflow_runner.hpp"

#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/runs/run_engine.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"
#include "workflow/gate_options.hpp"
#include "workflow/load.hpp"
#include "workflow/stage_answer.hpp"
#include "workflow/templates.hpp"
#include "workflow/validate.hpp"

#include <csignal>
#include <random>
#include <unistd.h>

extern char** environ;

namespace fab {

using runs::FailReason;
using runs::RunEvent;
using runs::RunStatus;
using workflow::Node;
using workflow::StageKind;
using workflow::StageResult;
using workflow::Step;

namespace {

// What `command.output` keeps of a command stage (stdout, then stderr).
constexpr size_t kMaxCommandOutput = 64 * 1024;

// The start time of a process (field 22 of /proc/<pid>/stat, clock ticks
// since boot), or 0: with the pid it names one process, not a reused pid.
int64_t process_start_time(int64_t pid) {
    if (pid <= 0) return 0;
    auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return 0;
    size_t close = stat->rfind(')'); // the command name may hold spaces
    if (close == std::string::npos) return 0;
    auto fields = split(std::string_view(*stat).substr(close + 2), ' ');
    // fields[0] is field 3 (state): field 22 is fields[19].
    if (fields.size() < 20) return 0;
    return std::strtoll(fields[19].c_str(), nullptr, 10);
}

// What an agent or prompt stage is told besides its prompt.
std::string stage_prompt(const Node& n, const std::string& body,
                         const std::map<std::string, std::string>& context) {
    std::string p = body;
    if (!context.empty()) {
        p += "\n\nRun context:";
        for (const auto& [k, v] : context) p += "\n- " + k + ": " + v;
    }
    if (n.kind == StageKind::prompt) p += "\n\nAnswer in one message without using tools.";
    p += "\n\nYou are one stage (\"" + n.id +
         "\") of a workflow. To route the workflow, you may end your answer with a JSON object "
         "such as {\"outcome\": \"success\"} (outcome: success, fail, partial_success or retry; "
         "also preferred_next_label, suggested_next_ids, context_updates).";
    return p;
}

std::string diagnostics(const std::vector<workflow::Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += (out.empty() ? "" : "\n") + d.str();
    return out;
}

Result<workflow::Workflow> load_checked(const std::string& source, const std::string& file) {
    std::string dir = file.empty() ? std::string("/") : file.substr(0, file.rfind('/'));
    if (dir.empty()) dir = "/";
    auto l = workflow::load_workflow_text(source, file.empty() ? "<workflow>" : file, dir);
    auto errors = l.errors;
    if (l.workflow) {
        auto more = workflow::validate(*l.workflow);
        errors.insert(errors.end(), more.begin(), more.end());
    }
    if (!errors.empty() || !l.workflow)
        return make_error("invalid workflow:\n" + diagnostics(errors));
    return std::move(*l.workflow);
}

} // namespace

Result<PreparedWorkflow> prepare_workflow(const std::string& workflow, const std::string& file,
                                          const std::string& project_repo,
                                          const std::string& config_dir) {
    PreparedWorkflow p;
    if (workflow.find('{') != std::string::npos) {
        p.source = workflow;
        p.file = file;
    } else {
        // By name (checked by the request: no '/', no leading '.').
        for (const std::string& dir : {project_repo + "/.fab/workflows", config_dir + "/workflows"})
            for (const char* ext : {"", ".fabro", ".dot"}) {
                std::string path = dir + "/" + workflow + ext;
                if (p.file.empty() && path_exists(path)) p.file = path;
            }
        if (p.file.empty())
            return make_error(not_found("no workflow \"" + workflow + "\" in " + project_repo +
                                        "/.fab/workflows/ or " + config_dir + "/workflows/"));
        auto text = read_file(p.file);
        if (!text) return make_error(text.error());
        if (text->size() > workflow::kMaxWorkflowBytes)
            return make_error(p.file + " is larger than " +
                              std::to_string(workflow::kMaxWorkflowBytes) + " bytes");
        p.source = std::move(*text);
    }
    auto wf = load_checked(p.source, p.file);
    if (!wf) return make_error(wf.error());
    p.wf = std::move(*wf);
    return p;
}

Result<workflow::Workflow> reload_workflow(const RunCheckpoint& cp) {
    return load_checked(cp.source, cp.file);
}

WorkflowRunner::WorkflowRunner(Daemon& d, RunEngine& engine, std::string run_id,
                               workflow::Workflow wf, RunCheckpoint cp)
    : d_(d), engine_(engine), run_id_(std::move(run_id)), wf_(std::move(wf)), cp_(std::move(cp)) {}

WorkflowRunner::~WorkflowRunner() {
    // The daemon is stopping: a command stage's process is left to run out;
    // the next daemon kills it (pid and start time are in the checkpoint)
    // and runs the stage again.
}

Run* WorkflowRunner::run() {
    auto it = engine_.runs_.find(run_id_);
    return it == engine_.runs_.end() ? nullptr : it->second.get();
}

bool WorkflowRunner::halted() const {
    auto it = engine_.runs_.find(run_id_);
    return cancelled_ || it == engine_.runs_.end() || runs::is_terminal(it->second->pos.status);
}

void WorkflowRunner::save(std::vector<std::pair<std::string, Json>> events) {
    Run* r = run();
    if (!r) return;
    cp_.state = state_.to_json();
    cp_.updated_ms = now_ms();
    std::vector<RunEventRecord> evs;
    for (auto& [name, props] : events) {
        std::string node = props.value("node", "");
        auto e = engine_.make_event(*r, name, std::move(props));
        e.node = node;
        evs.push_back(std::move(e));
    }
    if (auto s = d_.store().save_checkpoint(r->rec, cp_, evs); !s)
        log::error("run " + run_id_ + ": checkpoint: " + s.error());
    for (const auto& e : evs) engine_.notify(run_id_, RunEngine::event_json(e));
}

void WorkflowRunner::start() {
    Run* r = run();
    if (!r) return;
    cp_.worktree = d_.paths().project_dir(r->rec.project) + "/worktrees/run-" + run_id_;
    std::string branch = "fab/run/" + run_id_;
    auto begin = [this] {
        Run* cur = run();
        if (!cur || halted()) return;
        engine_.move(*cur, RunEvent::launched, "run.running",
                     {{"worktree", cp_.worktree}, {"branch", "fab/run/" + run_id_}});
        Step s = workflow::begin_run(wf_, state_);
        save({{"workflow.started",
               {{"workflow", wf_.name}, {"file", wf_.file}, {"goal", cur->rec.goal}}}});
        go(s);
    };
    // A run requeued by a restart may have made its worktree already.
    if (path_exists(cp_.worktree + "/.git")) return begin();
    worktree::add(d_.git(), d_.paths().project_repo(r->rec.project), cp_.worktree, branch,
                  [this, begin](Status s) {
                      if (halted()) return;
                      if (!s) {
                          Run* cur = run();
                          if (!cur) return;
                          cur->rec.error = "cannot make the run's worktree: " + s.error();
                          engine_.move(*cur, RunEvent::fail, "run.failed",
                                       {{"error", cur->rec.error}}, FailReason::launch_failed);
                          return;
                      }
                      begin();
                  });
}

void WorkflowRunner::resume() {
    Run* r = run();
    if (!r) return;
    auto st = workflow::RunState::from_json(cp_.state);
    if (!st) return fail_run("its checkpoint cannot be read: " + st.error());
    state_ = *st;
    if (!cp_.end_status.empty()) return end(cp_.end_status == "succeeded", cp_.end_reason);
    std::string node = cp_.stage;
    if (cp_.stage_status == "waiting") {
        // The gate's question is asked again (same id): nothing ran.
        if (const Node* n = wf_.node(node)) {
            log::info("run " + run_id_ + ": resumed at human gate " + node);
            if (r->pos.status == RunStatus::running)
                engine_.move(*r, RunEvent::block, "run.blocked", {{"node", node}});
            (void)n;
            return;
        }
    }
    if (cp_.stage_status == "running") {
        // The interrupted stage runs again; first whatever it left running.
        if (cp_.stage_pid > 0 && process_start_time(cp_.stage_pid) == cp_.stage_pid_start &&
            cp_.stage_pid_start != 0) {
            ::kill(static_cast<pid_t>(-cp_.stage_pid), SIGKILL);
            log::info("run " + run_id_ + ": killed the process group " +
                      std::to_string(cp_.stage_pid) + " of interrupted stage " + node);
        }
        if (!cp_.stage_agent.empty())
            if (Agent* a = d_.supervisor().find(cp_.stage_agent); a && !is_final(a->state))
                d_.supervisor().abort(cp_.stage_agent, false, [](Status) {});
        cp_.stage_agent.clear();
        cp_.stage_pid = cp_.stage_pid_start = 0;
        save({{"stage.interrupted", {{"node", node}, {"why", "the daemon restarted"}}}});
        log::info("run " + run_id_ + ": stage " + node + " runs again after a restart");
        if (r->pos.status == RunStatus::paused) {
            Step s;
            s.kind = Step::Kind::run;
            s.node = node;
            held_ = std::make_unique<Step>(s);
            return;
        }
        return run_stage(node);
    }
    // Between stages: the checkpoint says where the run goes next.
    if (state_.next_node.empty()) return fail_run("its checkpoint has no next stage");
    Step s;
    s.kind = Step::Kind::run;
    s.node = state_.next_node;
    go(s);
}

void WorkflowRunner::go(const Step& s) {
    if (halted()) return;
    Run* r = run();
    if (s.kind == Step::Kind::done) return end(s.status == Step::Status::succeeded, s.reason);
    if (r->pos.status == RunStatus::paused) {
        held_ = std::make_unique<Step>(s);
        return;
    }
    if (s.kind == Step::Kind::run) return run_stage(s.node);
    // Retry after the backoff.
    save({{"stage.retrying",
           {{"node", s.node},
            {"attempt", state_.retries[s.node] + 1},
            {"delay_ms", static_cast<int64_t>(s.delay.count())}}}});
    if (!timer_) timer_ = std::make_unique<ev::Timer>(d_.loop());
    std::string node = s.node;
    timer_->start(static_cast<uint64_t>(s.delay.count()), 0, [this, node] {
        if (halted()) return;
        Run* cur = run();
        if (cur && cur->pos.status == RunStatus::paused) {
            Step again;
            again.kind = Step::Kind::run;
            again.node = node;
            held_ = std::make_unique<Step>(again);
            return;
        }
        run_stage(node);
    });
}

void WorkflowRunner::unpaused() {
    if (!held_ || halted()) return;
    Step s = *held_;
    held_.reset();
    go(s);
}

void WorkflowRunner::run_stage(const std::string& id) {
    const Node* n = wf_.node(id);
    if (!n) return fail_run("no stage \"" + id + "\" in the workflow");
    cp_.stage = id;
    cp_.stage_status = "running";
    cp_.stage_agent.clear();
    cp_.stage_pid = cp_.stage_pid_start = 0;
    cp_.question.clear();
    last_text_.clear();
    turn_seen_ = false;
    timed_out_ = false;
    save({{"stage.started",
           {{"node", id},
            {"kind", std::string(workflow::kind_name(n->kind))},
            {"label", n->label},
            {"attempt", state_.retries[id] + 1},
            {"visit", state_.visits[id]}}}});
    switch (n->kind) {
    case StageKind::agent:
    case StageKind::prompt:
        return run_agent(*n);
    case StageKind::command:
        return run_command(*n);
    case StageKind::human:
        return ask(*n);
    case StageKind::conditional: {
        // Routing only: its conditions read the outcome of the stage before.
        StageResult res;
        auto it = state_.outcomes.find(state_.current_node);
        if (it != state_.outcomes.end()) res.outcome = it->second;
        return finish_stage(res);
    }
    case StageKind::start:
    case StageKind::exit:
        return finish_stage({});
    case StageKind::fan_out:
    case StageKind::fan_in:
        return fail_run("stage \"" + id + "\" (" + std::string(workflow::kind_name(n->kind)) +
                        "): parallel stages are not supported by the run engine yet");
    }
}

void WorkflowRunner::run_agent(const Node& n) {
    Run* r = run();
    workflow::TemplateVars vars;
    vars.goal = r->rec.goal;
    Json inputs = Json::parse(cp_.inputs, nullptr, false);
    if (inputs.is_object())
        for (auto& [k, v] : inputs.items())
            if (v.is_string()) vars.inputs[k] = v.get<std::string>();
    auto body = workflow::expand_template(n.prompt, vars);
    if (!body) return fail_run("stage \"" + n.id + "\": " + body.error());
    CreateAgent c;
    c.project = r->rec.project;
    c.backend = n.attr("backend", r->rec.backend);
    c.model = n.attr("model", r->rec.model);
    c.prompt = stage_prompt(n, *body, state_.context);
    c.kind = "task";
    c.worktree = cp_.worktree;
    c.branch = "fab/run/" + run_id_;
    // A prompt stage is asked (in its prompt) not to use tools; its tool
    // calls still pass the permission rules like any agent's.
    std::string node = n.id;
    ++engine_.launching_;
    d_.supervisor().create(c, [this, node](Result<Json> a) {
        std::vector<Json> early;
        if (a) {
            auto u = engine_.unclaimed_.find(a->value("id", ""));
            if (u != engine_.unclaimed_.end()) early = std::move(u->second);
        }
        if (--engine_.launching_ == 0) engine_.unclaimed_.clear();
        if (halted()) {
            if (a) d_.supervisor().abort(a->value("id", ""), false, [](Status) {});
            return;
        }
        if (!a) {
            StageResult res;
            res.outcome = "fail";
            res.context_updates["error"] = "cannot start the stage's agent: " + a.error();
            return finish_stage(res);
        }
        std::string agent_id = a->value("id", "");
        Run* cur = run();
        cp_.stage_agent = agent_id;
        cur->rec.agent_id = agent_id;
        // Transcript offsets count per agent: a new stage's agent starts at 0.
        cur->agent_offset = -1;
        engine_.by_agent_[agent_id] = run_id_;
        save({{"stage.agent", {{"node", node}, {"agent_id", agent_id}}}});
        for (const Json& ev : early) engine_.on_agent_event(agent_id, ev);
        if (Agent* ag = d_.supervisor().find(agent_id)) on_agent_state(*ag);
    });
}

void WorkflowRunner::on_agent_entries(const std::string& agent_id, const Json& entries) {
    if (agent_id != cp_.stage_agent || !entries.is_array()) return;
    for (const auto& e : entries) {
        std::string kind = e.value("kind", "");
        if (kind == "assistant_text") last_text_ = e.value("text", "");
        if (kind == "turn_result") turn_seen_ = true;
    }
}

void WorkflowRunner::on_agent_state(Agent& a) {
    if (halted() || a.rec.id != cp_.stage_agent || cp_.stage_status != "running") return;
    switch (a.state) {
    case AgentState::idle:
        if (turn_seen_ && !a.turn_running) finish_agent_stage(false, "");
        return;
    case AgentState::done:
        return finish_agent_stage(false, "");
    case AgentState::failed:
    case AgentState::aborted:
        return finish_agent_stage(true, a.rec.error.empty()
                                            ? std::string("the agent ended ") + state_name(a.state)
                                            : a.rec.error);
    default:
        return;
    }
}

void WorkflowRunner::finish_agent_stage(bool failed, const std::string& why) {
    std::string agent_id = cp_.stage_agent;
    cp_.stage_agent.clear();
    if (Run* r = run()) r->rec.agent_id.clear();
    engine_.by_agent_.erase(agent_id); // what it prints from now on is not the run's
    // Its turn is over: the agent ends (the worktree is the run's and stays).
    if (Agent* a = d_.supervisor().find(agent_id); a && !is_final(a->state))
        d_.supervisor().abort(agent_id, false, [](Status) {});
    StageResult res;
    if (failed) {
        res.outcome = "fail";
        res.context_updates["error"] = why;
        return finish_stage(res);
    }
    auto answer = workflow::parse_stage_answer(last_text_);
    if (!answer) {
        res.outcome = "fail";
        res.context_updates["error"] = "the stage's routing object: " + answer.error();
    } else if (*answer) {
        const auto& a = **answer;
        if (!a.outcome.empty()) res.outcome = a.outcome;
        res.preferred_label = a.preferred_next_label;
        res.suggested_next_ids = a.suggested_next_ids;
        res.context_updates = a.context_updates;
    }
    finish_stage(res);
}

void WorkflowRunner::run_command(const Node& n) {
    ev::SpawnOptions o;
    // The workflow author's own text, never filled from run data: no
    // template expansion here; the run's id goes in the environment.
    o.argv = {"/bin/sh", "-c", n.attr("script")};
    o.cwd = cp_.worktree;
    for (char** e = environ; *e; ++e) o.env.emplace_back(*e);
    o.env.push_back("FAB_RUN_ID=" + run_id_);
    o.env.push_back("FAB_RUN_STAGE=" + n.id);
    o.detached = true; // its own process group: a timeout or cancel kills all of it
    o.max_capture = kMaxCommandOutput;
    proc_ = std::make_unique<ev::Process>(d_.loop());
    std::string node = n.id;
    int rc = proc_->spawn(o, [this, node](ev::ProcessResult pr) {
        if (timer_) timer_->stop();
        // Freed on the next loop turn, not inside its own callback.
        if (!reaper_) reaper_ = std::make_unique<ev::Timer>(d_.loop());
        auto dead = std::make_shared<std::unique_ptr<ev::Process>>(std::move(proc_));
        reaper_->start(0, 0, [dead] { dead->reset(); });
        if (halted()) return;
        StageResult res;
        res.outcome = pr.ok() && !timed_out_ ? "success" : "fail";
        std::string out = pr.out + pr.err;
        if (out.size() > kMaxCommandOutput) out.resize(kMaxCommandOutput);
        res.command_output = out;
        res.context_updates["exit_code"] = std::to_string(pr.exit_status);
        if (timed_out_) res.context_updates["error"] = "the command timed out";
        cp_.stage_pid = cp_.stage_pid_start = 0;
        finish_stage(res);
    });
    if (rc != 0) {
        proc_.reset();
        StageResult res;
        res.outcome = "fail";
        res.context_updates["error"] = std::string("cannot start /bin/sh: ") + uv_strerror(rc);
        return finish_stage(res);
    }
    cp_.stage_pid = proc_->pid();
    cp_.stage_pid_start = process_start_time(cp_.stage_pid);
    save({{"stage.process", {{"node", node}, {"pid", cp_.stage_pid}}}});
    if (auto ms = workflow::parse_timeout_ms(n.attr("timeout")); ms && *ms > 0) {
        if (!timer_) timer_ = std::make_unique<ev::Timer>(d_.loop());
        timer_->start(static_cast<uint64_t>(*ms), 0, [this] {
            if (!proc_ || !proc_->running()) return;
            timed_out_ = true;
            proc_->kill_group(SIGKILL);
        });
    }
}

void WorkflowRunner::ask(const Node& n) {
    auto options = workflow::gate_options(wf_, n.id);
    Json opts = Json::array();
    bool freeform = false, choices = false;
    for (size_t i = 0; i < options.size(); ++i) {
        const auto& o = options[i];
        if (o.freeform)
            freeform = true;
        else
            choices = true;
        opts.push_back({{"key", o.key.empty() ? std::to_string(i + 1) : o.key},
                        {"label", o.label},
                        {"to", o.to},
                        {"freeform", o.freeform}});
    }
    Json q = {{"id", "gate-" + n.id + "-" + std::to_string(state_.visits[n.id])},
              {"text", n.label},
              {"stage", n.id},
              {"question_type", choices ? "multiple_choice" : "freeform"},
              {"options", opts},
              {"allow_freeform", freeform},
              {"timeout_seconds", nullptr}};
    cp_.stage_status = "waiting";
    cp_.question = dump_json(q);
    save({{"interview.started", {{"node", n.id}, {"question", q}}}});
    Run* r = run();
    if (r && r->pos.status == RunStatus::running)
        engine_.move(*r, RunEvent::block, "run.blocked", {{"node", n.id}});
}

Json WorkflowRunner::question() const {
    if (cp_.stage_status != "waiting" || cancelled_) return nullptr;
    Json q = Json::parse(cp_.question, nullptr, false);
    return q.is_discarded() ? Json(nullptr) : q;
}

std::string WorkflowRunner::answer(const std::string& qid, const Json& body) {
    Json q = question();
    if (q.is_null() || q.value("id", "") != qid)
        return not_found("question \"" + qid + "\" of run " + run_id_);
    const Json& opts = q["options"];
    const Json* picked = nullptr;
    std::string text;
    if (body.contains("selected_option_key")) {
        if (!body["selected_option_key"].is_string()) return "an option key must be a string";
        std::string key = body["selected_option_key"];
        for (const auto& o : opts)
            if (o.value("key", "") == key) picked = &o;
        if (!picked) return "no option \"" + key + "\"";
        if (picked->value("freeform", false)) {
            if (!body.contains("value") || !body["value"].is_string())
                return "option \"" + key + "\" takes text: give it as \"value\"";
            text = body["value"];
        }
    } else if (body.contains("value") && body["value"].is_string() &&
               !body["value"].get<std::string>().empty()) {
        text = body["value"];
        std::vector<workflow::GateOption> options;
        for (const auto& o : opts)
            if (!o.value("freeform", false))
                options.push_back(
                    {o.value("key", ""), o.value("label", ""), o.value("to", ""), 0, false});
        if (auto i = workflow::match_gate_answer(options, text)) {
            for (const auto& o : opts)
                if (!o.value("freeform", false) && o.value("key", "") == options[*i].key)
                    picked = &o;
            text.clear();
        } else {
            for (const auto& o : opts)
                if (o.value("freeform", false)) picked = &o;
            if (!picked) return "\"" + text + "\" is none of the options";
        }
    } else {
        return "the answer needs selected_option_key or value";
    }
    StageResult res;
    res.preferred_label = picked->value("label", "");
    res.suggested_next_ids = {picked->value("to", "")};
    res.human_gate["selected"] = picked->value("key", "");
    res.human_gate["label"] = res.preferred_label;
    if (!text.empty()) {
        res.human_gate["text"] = text;
        res.context_updates["human_feedback"] = text;
    }
    std::string node = cp_.stage;
    cp_.stage_status = "running"; // answered: the stage finishes below
    cp_.question.clear();
    save({{"interview.completed",
           {{"node", node},
            {"question_id", qid},
            {"selected", res.human_gate["selected"]},
            {"label", res.preferred_label},
            {"text", text}}}});
    Run* r = run();
    if (r && r->pos.status == RunStatus::blocked)
        engine_.move(*r, RunEvent::unblock, "run.unblocked", {{"node", node}});
    finish_stage(res);
    return {};
}

void WorkflowRunner::finish_stage(StageResult res) {
    if (halted()) return;
    std::string node = cp_.stage;
    const Node* n = wf_.node(node);
    // A stage reports under its own id; advance() reads state_.next_node.
    state_.next_node = node;
    // The retry backoff's jitter, drawn here: advance() itself is pure.
    double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    Step s = workflow::advance(wf_, state_, res, jitter);
    std::string outcome = s.kind == Step::Kind::retry ? "retry" : state_.outcomes[node];
    std::vector<std::pair<std::string, Json>> evs;
    Json props = {{"node", node}, {"outcome", outcome}};
    for (const auto& [k, v] : res.context_updates)
        if (k == "error" || k == "exit_code") props[k] = v;
    if (n && n->kind == StageKind::command) {
        std::string out = res.command_output;
        if (out.size() > 4096) out = out.substr(out.size() - 4096);
        props["output_tail"] = out;
    }
    // A retry is told by stage.retrying (go()); otherwise the stage ended.
    if (s.kind != Step::Kind::retry)
        evs.push_back({outcome == "fail" ? "stage.failed" : "stage.completed", props});
    if (s.kind == Step::Kind::run && s.edge) {
        const auto& e = wf_.edges[*s.edge];
        evs.push_back({"edge.selected",
                       {{"node", node},
                        {"from", e.from},
                        {"to", e.to},
                        {"label", e.label},
                        {"condition", e.condition}}});
    }
    if (s.kind == Step::Kind::run && s.goal_gate_jump)
        evs.push_back({"goal_gate.retry", {{"node", node}, {"to", s.node}}});
    cp_.stage.clear();
    cp_.stage_status.clear();
    cp_.stage_agent.clear();
    cp_.stage_pid = cp_.stage_pid_start = 0;
    cp_.question.clear();
    if (s.kind == Step::Kind::done) {
        cp_.end_status = s.status == Step::Status::succeeded ? "succeeded" : "failed";
        cp_.end_reason = s.reason;
    }
    std::string subject = "fab(" + run_id_ + "): " + node + " (" + outcome + ")";
    commit_then(subject, [this, s, evs = std::move(evs), node](std::string sha) mutable {
        if (halted()) return;
        if (!sha.empty()) state_.commit = sha;
        evs.push_back({"checkpoint.completed",
                       {{"node", node}, {"next", state_.next_node}, {"commit", state_.commit}}});
        save(std::move(evs));
        go(s);
    });
}

// `git add -A` and a commit (empty when the stage changed nothing) on the
// run branch; `then` gets the new sha, or "" when git failed (logged: the
// run goes on, its checkpoint keeps the last sha).
void WorkflowRunner::commit_then(const std::string& subject,
                                 std::function<void(std::string sha)> then) {
    std::string wt = cp_.worktree;
    git::Runner& git = d_.git();
    std::string id = run_id_;
    git.run(wt, {"add", "-A"}, [&git, wt, subject, then, id](ev::ProcessResult add) {
        if (!add.ok()) {
            log::warn("run " + id + ": git add: " + add.last_error_line());
            return then("");
        }
        git.run(wt, {"config", "user.email"}, [&git, wt, subject, then, id](ev::ProcessResult cfg) {
            std::vector<std::string> args;
            if (!cfg.ok() || trim(cfg.out).empty())
                args = {"-c", "user.name=fab", "-c", "user.email=fab@localhost"};
            for (const char* a : {"commit", "--quiet", "--allow-empty", "--no-verify", "-m"})
                args.emplace_back(a);
            args.push_back(subject);
            git.run(wt, args, [&git, wt, then, id](ev::ProcessResult c) {
                if (!c.ok()) {
                    log::warn("run " + id + ": git commit: " + c.last_error_line());
                    return then("");
                }
                git.run(wt, {"rev-parse", "HEAD"}, [then](ev::ProcessResult h) {
                    then(h.ok() ? std::string(trim(h.out)) : std::string());
                });
            });
        });
    });
}

void WorkflowRunner::end(bool succeeded, const std::string& reason) {
    Run* r = run();
    if (!r || runs::is_terminal(r->pos.status)) return;
    if (succeeded) {
        engine_.move(*r, RunEvent::succeed, "run.completed", {{"commit", state_.commit}});
        return;
    }
    fail_run(reason);
}

void WorkflowRunner::fail_run(const std::string& reason) {
    Run* r = run();
    if (!r || runs::is_terminal(r->pos.status)) return;
    r->rec.error = reason;
    if (r->pos.status == RunStatus::starting)
        engine_.move(*r, RunEvent::launched, "run.running", {});
    engine_.move(*r, RunEvent::fail, "run.failed", {{"error", reason}}, FailReason::workflow_error);
}

void WorkflowRunner::cancel() {
    cancelled_ = true;
    held_.reset();
    if (timer_) timer_->stop();
    if (proc_ && proc_->running()) proc_->kill_group(SIGKILL);
    if (!cp_.stage_agent.empty())
        if (Agent* a = d_.supervisor().find(cp_.stage_agent); a && !is_final(a->state))
            d_.supervisor().abort(cp_.stage_agent, false, [](Status) {});
}

} // namespace fab
