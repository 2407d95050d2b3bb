// Agent lifecycle: create (worktree → host → attach), re-attach after a
// daemon restart, send, abort, finish; persistence and heartbeat on a 1 s tick.
#include "daemon/agents/supervisor.hpp"

#include "config/config.hpp"
#include "config/schema.hpp"
#include "daemon/agents/disk_gc.hpp"
#include "daemon/agents/rebuild.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/host/spec.hpp"
#include "daemon/host/transcript.hpp"
#include "daemon/permissions/llm_checker.hpp"
#include "protocol/messages.hpp"
#include "protocol/version.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <climits>
#include <filesystem>
#include <unistd.h>

namespace fab {

namespace {

// The start of the error when a host speaks another protocol (attach).
constexpr const char* kIncompatibleHost = "incompatible agent host";
constexpr int64_t kConnectTimeoutMs = 10000;
constexpr size_t kHistoryPage = 1000;

std::string self_exe() {
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("fabd");
}

std::string sibling(const std::string& name) {
    std::string exe = self_exe();
    return exe.substr(0, exe.rfind('/') + 1) + name;
}

// Looks a program up in PATH the way exec would.
bool in_path(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    for (const auto& dir : split(path ? path : "", ':'))
        if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

} // namespace

Json usage_to_json(const Usage& u) {
    return {{"input_tokens", u.input_tokens},
            {"output_tokens", u.output_tokens},
            {"cache_read_tokens", u.cache_read_tokens},
            {"cache_creation_tokens", u.cache_creation_tokens},
            {"cost_usd", u.cost_usd}};
}

Usage usage_from_json(const std::string& text) {
    Usage u;
    Json j = Json::parse(text, nullptr, false);
    if (!j.is_object()) return u;
    u.input_tokens = j.value("input_tokens", int64_t{0});
    u.output_tokens = j.value("output_tokens", int64_t{0});
    u.cache_read_tokens = j.value("cache_read_tokens", int64_t{0});
    u.cache_creation_tokens = j.value("cache_creation_tokens", int64_t{0});
    u.cost_usd = j.value("cost_usd", 0.0);
    return u;
}

const char* state_name(AgentState s) {
    switch (s) {
    case AgentState::starting:
        return "starting";
    case AgentState::running:
        return "running";
    case AgentState::idle:
        return "idle";
    case AgentState::done:
        return "done";
    case AgentState::failed:
        return "failed";
    case AgentState::aborted:
        return "aborted";
    }
    return "?";
}

bool parse_state(const std::string& s, AgentState& out) {
    for (AgentState st : {AgentState::starting, AgentState::running, AgentState::idle,
                          AgentState::done, AgentState::failed, AgentState::aborted})
        if (s == state_name(st)) {
            out = st;
            return true;
        }
    return false;
}

bool is_final(AgentState s) {
    return s == AgentState::done || s == AgentState::failed || s == AgentState::aborted;
}

Supervisor::Supervisor(Daemon& d) : d_(d), hub_(d.server()) {}

Supervisor::~Supervisor() {
    tick_.reset();
    retention_.reset();
}

void Supervisor::start() {
    auto recs = d_.store().agents();
    if (!recs) log::error(recs.error());
    bool rebuilt = recs && recs->empty() && d_.store().created();
    if (rebuilt) { // state.db is new: what the agents' own files say
        *recs = agents_from_disk(d_.paths());
        if (!recs->empty())
            log::warn("state.db is new: rebuilt " + std::to_string(recs->size()) +
                      " agent(s) from " + d_.paths().agents_dir);
    }
    for (auto& rec : recs ? *recs : std::vector<AgentRecord>{}) {
        auto a = std::make_unique<Agent>();
        a->rec = rec;
        a->dirty = rebuilt;
        if (!parse_state(rec.state, a->state)) a->state = AgentState::failed;
        auto backend = make_backend(rec.backend);
        if (backend) {
            a->parser = backend->make_parser();
            a->parser->set_usage_baseline(usage_from_json(rec.parser_state));
            Json ps = Json::parse(rec.parser_state, nullptr, false);
            if (ps.is_object()) a->model = ps.value("model", "");
        }
        std::string id = rec.id;
        Agent& ref = *a;
        agents_[id] = std::move(a);
        if (is_final(ref.state) || !ref.parser) continue;
        log::info("agent " + id + ": re-attaching to its host");
        attach(ref, [this, id](Status s) {
            Agent* ag = find(id);
            if (!ag) return;
            if (s) {
                if (ag->rec.retiring) retire(id); // merged before the restart
                return;
            }
            log::warn("agent " + id + ": " + s.error());
            if (s.error().rfind(kIncompatibleHost, 0) == 0) {
                // Reported, not failed: its CLI still runs, and a resume
                // would start a second one in the same worktree.
                ag->rec.error = s.error();
                ag->dirty = true;
                (void)d_.store().record_event("host.incompatible", id + " " + s.error());
                return;
            }
            recover_from_transcript(*ag, "agent host is gone (" + s.error() +
                                             "); worktree kept at " + ag->rec.worktree);
        });
    }
    tick_ = std::make_unique<ev::Timer>(d_.loop());
    tick_->start(1000, 1000, [this] {
        flush();
        heartbeat();
    });
    // Retention (agent-retention days): soon after start, then hourly.
    retention_ = std::make_unique<ev::Timer>(d_.loop());
    retention_->start(2000, gc::kSweepMs, [this] {
        if (sweeping_) return;
        sweeping_ = true;
        gc::sweep_retention(d_, false, [this](Json items) {
            sweeping_ = false;
            size_t removed = 0;
            for (const auto& i : items) removed += i.value("action", "") == "removed";
            if (removed)
                log::info("retention: removed " + std::to_string(removed) + " ended agent(s)");
        });
    });
    report_orphans();
}

void Supervisor::stop() {
    llm_checker::cancel_all(d_,
                            llm_checks_); // uv_run would otherwise wait for model calls in flight
    flush();
    tick_.reset();
    retention_.reset();
    for (auto& [id, a] : agents_) a->link.reset(); // hosts keep running
    host_procs_.clear();
}

Agent* Supervisor::find(const std::string& id) {
    auto it = agents_.find(id);
    return it == agents_.end() ? nullptr : it->second.get();
}

std::string Supervisor::new_agent_id() const {
    for (;;) {
        std::string id = random_id("a", 5);
        if (!agents_.count(id)) return id;
    }
}

void Supervisor::create(const CreateAgent& c, std::function<void(Result<Json>)> done) {
    if (auto s = d_.registry().reload_if_changed(); !s) return done(make_error(s.error()));
    const Config& cfg = d_.registry().config();
    const ProjectConfig* p = cfg.project(c.project);
    bool global = c.kind == "director"; // the one agent that belongs to no project
    if (!p && !global) return done(make_error("no project \"" + c.project + "\""));
    // The config's role: planner-/coding- keys; a manager uses agent-backend and model.
    std::string_view role = c.kind == "plan" ? "planner" : c.kind == "task" ? "coding" : "agent";
    std::string backend_name = c.backend;
    if (backend_name.empty() && p) backend_name = resolve_backend(cfg, *p, role);
    if (backend_name.empty()) backend_name = cfg.defaults.agent_backend;
    auto backend = make_backend(backend_name);
    if (!backend)
        return done(
            make_error("unknown backend \"" + backend_name + "\"; use claude, codex or scripted"));
    if (c.kind == "task" && running_count(c.project) >= static_cast<size_t>(p->max_agents))
        return done(make_error("project " + c.project + " already runs " +
                               std::to_string(p->max_agents) + " agent(s) (max-agents)"));
    if (!in_path(backend->default_program()))
        return done(make_error(backend->default_program() + " not found in PATH: the " +
                               backend_name + " backend needs it installed"));
    std::string repo = global ? "" : d_.paths().project_repo(c.project);
    if (!global && !path_exists(repo))
        return done(make_error("project repository missing: " + repo));

    auto a = std::make_unique<Agent>();
    AgentRecord& r = a->rec;
    r.id = new_agent_id();
    r.kind = c.kind;
    r.project = c.project;
    r.backend = backend_name;
    r.model = resolve_model(cfg, p, role, c.model);
    if (auto s = check_model_name(r.model); !s) return done(make_error(s.error()));
    r.worktree = c.worktree.empty() ? d_.paths().project_dir(c.project) + "/worktrees/wt-" + r.id
                                    : c.worktree;
    r.branch = c.worktree.empty() ? "fab/" + r.id : c.branch;
    r.host_socket = d_.paths().hosts_dir + "/" + r.id + ".sock";
    if (auto s = check_socket_path(r.host_socket); !s) return done(make_error(s.error()));
    // Claude takes the session id we give it; codex names its thread itself.
    r.session_id = !c.resume_session.empty()                        ? c.resume_session
                   : backend->persistent() && !backend->handshake() ? uuid_v4()
                                                                    : "";
    r.state = "starting";
    r.prompt = c.prompt;
    r.created_ms = r.updated_ms = now_ms();
    a->parser = backend->make_parser();
    std::string id = r.id;
    agents_[id] = std::move(a);
    log::info("agent " + id + ": creating (" + backend_name +
              (r.model.empty() ? "" : ", model " + r.model) + ", project " + c.project + ")");
    auto then = [this, id, c, done](Status s) {
        Agent* ag = find(id);
        if (!ag) return done(make_error("agent vanished"));
        if (!s) {
            agents_.erase(id);
            return done(make_error(s.error()));
        }
        ag->dirty = true;
        flush();
        // Announced before its host starts, so that clients meet the agent
        // before its first record or state change (and see it fail, if it does).
        hub_.publish(ag->rec.project, id,
                     {{"event", msg::kEvAgentCreated}, {"agent", agent_json(*ag)}});
        bool resume = !c.resume_session.empty();
        spawn_host(*ag, c.prompt, resume, [this, id, done](Status st) {
            Agent* a2 = find(id);
            if (!a2) return done(make_error("agent vanished"));
            if (!st) {
                finish(*a2, AgentState::failed, st.error());
                return done(make_error(st.error()));
            }
            done(agent_json(*a2));
        });
    };
    if (!c.worktree.empty()) return then({}); // made (and kept) by daemon/roles
    worktree::add(d_.git(), repo, r.worktree, r.branch, std::move(then));
}

void Supervisor::spawn_host(Agent& a, const std::string& prompt, bool resume,
                            std::function<void(Status)> done) {
    const Paths& paths = d_.paths();
    std::string dir = paths.agents_dir + "/" + a.rec.id;
    if (auto s = make_dirs(dir, 0700); !s) return done(s);
    HostSpec spec;
    spec.agent_id = a.rec.id;
    spec.backend = a.rec.backend;
    spec.prompt = prompt;
    spec.transcript_path = dir + "/transcript.jsonl";
    spec.socket_path = a.rec.host_socket;
    spec.log_path = dir + "/host.log";
    if (const char* g = std::getenv("FAB_HOST_GRACE_MS")) spec.grace_ms = std::atoll(g);
    if (const char* t = std::getenv("FAB_TURN_TIMEOUT_MS")) spec.turn_timeout_ms = std::atoll(t);
    spec.first_offset = a.rec.last_offset + 1; // offsets never repeat across hosts
    AgentParams& p = spec.params;
    p.agent_id = a.rec.id;
    p.project = a.rec.project;
    p.kind = a.rec.kind;
    p.worktree = a.rec.worktree;
    p.fab_bin = sibling("fab");
    p.socket_path = paths.socket;
    p.fab_dir = paths.fab_dir;
    p.session_id = a.rec.session_id;
    // A codex agent that never got a thread (it failed before) starts one.
    p.resume = resume && !a.rec.session_id.empty();
    p.permission_mode = a.rec.kind == "plan" ? "plan" : "default";
    p.model = a.rec.model;
    std::string spec_path = dir + "/spec.json";
    if (auto s = write_file_atomic(spec_path, encode_spec(spec)); !s) return done(s);

    ev::SpawnOptions o;
    o.argv = {sibling("fab-host"), "--spec", spec_path};
    o.capture_stdout = o.capture_stderr = false;
    o.detached = true; // own session: it must outlive the daemon
    auto proc = std::make_unique<ev::Process>(d_.loop());
    std::string id = a.rec.id;
    int rc = proc->spawn(o, [this, id](ev::ProcessResult r) {
        log::info("agent " + id + ": host exited (status " + std::to_string(r.exit_status) + ")");
        host_procs_.erase(id); // safe: Process touches nothing after calling us
    });
    if (rc != 0)
        return done(make_error(std::string("cannot start agent host: ") + uv_strerror(rc)));
    host_procs_[id] = std::move(proc);
    a.link.reset();
    a.cli_exited = false;
    a.stop_requested = false;
    a.last_activity_ms = now_ms();
    attach(a, std::move(done));
}

void Supervisor::attach(Agent& a, std::function<void(Status)> done) {
    std::string id = a.rec.id;
    a.link = std::make_unique<HostLink>(d_.loop(), a.rec.host_socket);
    a.link->on_event([this, id](const Json& ev) {
        Agent* ag = find(id);
        if (!ag || !ev.contains("record")) return;
        if (ag->catching_up)
            ag->held.push_back(ev["record"]);
        else
            on_record(*ag, ev["record"]);
    });
    a.link->on_closed([this, id] {
        if (Agent* ag = find(id)) on_link_closed(*ag);
    });
    a.link->connect(kConnectTimeoutMs, [this, id, done](bool ok) {
        Agent* ag = find(id);
        if (!ag) return;
        if (!ok) return done(make_error("cannot connect to " + ag->rec.host_socket));
        // A host outlives daemons: one started by another fab may speak
        // another protocol. It is asked first, and left alone if it does.
        ag->link->request(msg::kHostPing, Json::object(), [this, id, done](Result<Json> p) {
            Agent* a1 = find(id);
            if (!a1) return;
            if (!p) return done(make_error("host.ping: " + p.error()));
            int64_t proto = p->value("protocol", int64_t{-1});
            if (proto != kProtocolMajor)
                return done(make_error(std::string(kIncompatibleHost) + ": its host (pid " +
                                       std::to_string(p->value("pid", 0)) + ") speaks protocol " +
                                       std::to_string(proto) + ", this daemon " +
                                       std::to_string(kProtocolMajor) +
                                       "; the agent is left running as it is: finish it with "
                                       "the fab that started it, or stop its host"));
            a1->catching_up = true;
            a1->link->request(msg::kHostAttach, Json::object(), [this, id, done](Result<Json> r) {
                Agent* a2 = find(id);
                if (!a2) return;
                if (!r) return done(make_error(r.error()));
                int64_t next = r->value("next_offset", int64_t{0});
                fetch_history(*a2, a2->rec.last_offset + 1, next, [this, id, done] {
                    Agent* a3 = find(id);
                    if (!a3) return;
                    a3->catching_up = false;
                    auto held = std::move(a3->held);
                    a3->held.clear();
                    for (const auto& rec : held) on_record(*a3, rec);
                    // Requests seen before a daemon restart are not in the
                    // history we just read: the host still holds them.
                    a3->link->request(
                        msg::kHostList, Json::object(), [this, id, done](Result<Json> l) {
                            Agent* a4 = find(id);
                            if (!a4) return;
                            if (l)
                                for (const auto& req : (*l)["pending"])
                                    if (!a4->pending_permissions.count(req.value("request_id", "")))
                                        a4->pending_permissions[req.value("request_id", "")] = req;
                            done({});
                        });
                });
            });
        });
    });
}

void Supervisor::recover_from_transcript(Agent& a, const std::string& why) {
    // The host wrote every line to disk before serving it: what it could not
    // tell us before it went is in the transcript.
    std::string path = d_.paths().agents_dir + "/" + a.rec.id + "/transcript.jsonl";
    auto out = std::make_shared<Result<std::vector<TranscriptRecord>>>(make_error("unread"));
    int64_t since = a.rec.last_offset + 1;
    std::string id = a.rec.id;
    ev::queue_work(
        d_.loop(), [out, path, since] { *out = Transcript::read(path, since, SIZE_MAX); },
        [this, out, id, why] {
            Agent* ag = find(id);
            if (!ag) return;
            if (*out)
                for (const auto& r : out->value())
                    on_record(*ag,
                              {{"o", r.offset}, {"ts", r.ts_ms}, {"src", r.src}, {"data", r.data}});
            if (!is_final(ag->state))
                finish(*ag, AgentState::failed, why);
            else
                flush();
        });
}

void Supervisor::fetch_history(Agent& a, int64_t from, int64_t until, std::function<void()> done) {
    if (from >= until || !a.link || !a.link->connected()) return done();
    std::string id = a.rec.id;
    a.link->request(msg::kHostHistory, {{"since", from}, {"limit", kHistoryPage}},
                    [this, id, until, done](Result<Json> r) {
                        Agent* ag = find(id);
                        if (!ag) return;
                        if (!r || (*r)["records"].empty()) return done();
                        int64_t last = (*r)["records"].back().value("o", int64_t{0});
                        for (const auto& rec : (*r)["records"]) on_record(*ag, rec);
                        fetch_history(*ag, last + 1, until, done);
                    });
}

} // namespace fab
