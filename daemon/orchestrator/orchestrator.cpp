// Orchestrators: start/stop (persisted), claims, releasing claims when an
// agent ends, and the one-time kickstart nudge of an idle task agent.
#include "daemon/orchestrator/orchestrator.hpp"

#include "daemon/daemon.hpp"
#include "daemon/orchestrator/merge.hpp"
#include "daemon/orchestrator/project_orchestrator.hpp"
#include "ev/stream.hpp"
#include "issues/backend.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <unistd.h>

namespace fab {

namespace {

// Before nudging an idle agent: `fab agent done` may still be merging (the
// turn can end before the merge does), and a human may be about to answer.
constexpr int64_t kNudgeDelayMs = 3000;
// A message from a human holds the nudge back this long.
constexpr int64_t kUserPauseMs = 60000;
constexpr const char* kNudgeText =
    "Continue with your ticket. If your work is finished and committed (ticket closed "
    "too), run `fab agent done`.";

} // namespace

Orchestrators::Orchestrators(Daemon& d) : d_(d), prs_(std::make_unique<PrWatch>(d)) {}

Orchestrators::~Orchestrators() {
    *alive_ = false;
}

void Orchestrators::attach_to_supervisor() {
    std::weak_ptr<bool> alive = alive_;
    d_.supervisor().add_state_listener([this, alive](Agent& a, AgentState from) {
        if (auto l = alive.lock(); l && *l) on_agent_state(a, from);
    });
}

std::string Orchestrators::marker(const std::string& project) const {
    return d_.paths().project_dir(project) + "/orchestrator.json";
}

Status Orchestrators::write_marker(const std::string& project, bool started) {
    if (!path_exists(d_.paths().project_dir(project))) return {};
    Json j = {{"state", started ? "started" : "stopped"}};
    return write_file_atomic(marker(project), dump_json(j) + "\n");
}

void Orchestrators::start() {
    if (auto s = d_.registry().reload_if_changed(); !s) log::warn("config: " + s.error());
    std::vector<std::string> to_start;
    for (const auto& p : d_.registry().config().projects) {
        // A small file, read once at start-up, before the loop serves anyone.
        auto text = read_file(marker(p.name));
        if (!text) {
            if (p.autostart) to_start.push_back(p.name);
            continue;
        }
        Json j = Json::parse(*text, nullptr, false);
        if (!j.is_object()) {
            log::warn(marker(p.name) +
                      ": not JSON; using autostart = " + (p.autostart ? "true" : "false"));
            if (p.autostart) to_start.push_back(p.name);
            continue;
        }
        if (j.value("state", "") == "started") to_start.push_back(p.name);
    }
    // Claims of agents that are gone or finished (ended while no daemon ran
    // and never reported): the ticket is free again.
    if (auto claims = d_.store().claims(""); claims) {
        for (const auto& c : *claims) {
            Agent* a = d_.supervisor().find(c.agent_id);
            if (!a || is_final(a->state)) release_claims(c.project, c.agent_id);
        }
    }
    for (const auto& name : to_start)
        if (auto s = start_project(name); !s)
            log::error("project " + name + ": orchestrator: " + s.error());
    prs_->start();
}

void Orchestrators::stop() {
    prs_->stop();
    running_.clear();
    nudge_timers_.clear();
}

Status Orchestrators::start_project(const std::string& name) {
    if (auto s = d_.registry().reload_if_changed(); !s) return s;
    if (!d_.registry().config().project(name)) return make_error("no project \"" + name + "\"");
    std::string repo = d_.paths().project_repo(name);
    if (!path_exists(repo)) return make_error("project repository missing: " + repo);
    if (auto it = running_.find(name); it != running_.end()) {
        it->second->poke();
        return {};
    }
    if (auto s = write_marker(name, true); !s) return s;
    auto o = std::make_shared<ProjectOrchestrator>(d_, name);
    std::weak_ptr<bool> alive = alive_;
    o->on_gone = [this, alive](const std::string& gone) {
        // Its project was removed from the config. Dropped after the
        // current callback: the orchestrator is still on the stack.
        ev::queue_work(
            d_.loop(), [] {},
            [this, alive, gone] {
                auto l = alive.lock();
                if (!l || !*l || !running_.count(gone)) return;
                log::info("project " + gone + ": no longer configured; orchestrator stopped");
                running_.erase(gone);
                publish_state(gone);
            });
    };
    running_[name] = o;
    o->start();
    (void)d_.store().record_event("project.start", name);
    publish_state(name);
    return {};
}

Status Orchestrators::stop_project(const std::string& name) {
    if (auto s = d_.registry().reload_if_changed(); !s) return s;
    if (!d_.registry().config().project(name) && !running_.count(name))
        return make_error("no project \"" + name + "\"");
    if (auto s = write_marker(name, false); !s) return s;
    bool was = running_.erase(name) > 0;
    if (was) {
        log::info("project " + name + ": orchestrator stopped (its agents keep running)");
        (void)d_.store().record_event("project.stop", name);
        publish_state(name);
    }
    return {};
}

bool Orchestrators::running(const std::string& name) const {
    return running_.count(name) > 0;
}

int64_t Orchestrators::ready_count(const std::string& name) const {
    auto it = running_.find(name);
    return it == running_.end() ? -1 : it->second->ready_count();
}

void Orchestrators::fill_ready_counts(Json status, std::function<void(Json)> done) {
    std::vector<std::string> names;
    // tk projects only: an API backend's count is known while its
    // orchestrator runs; `fab status` does not call the API.
    for (const auto& p : status["projects"]) {
        std::string name = p.value("name", "");
        const ProjectConfig* pc = d_.registry().config().project(name);
        if (!running(name) && !(pc && IssueBackends::is_api(*pc))) names.push_back(name);
    }
    if (names.empty()) return done(std::move(status));
    std::vector<std::string> dirs;
    for (const auto& n : names) dirs.push_back(d_.paths().project_repo(n) + "/.tickets");
    auto sets = std::make_shared<std::vector<issues::TicketSet>>();
    auto st = std::make_shared<Json>(std::move(status));
    std::weak_ptr<bool> alive = alive_;
    ev::queue_work(
        d_.loop(),
        [sets, dirs] {
            for (const auto& dir : dirs) sets->push_back(issues::load_dir(dir));
        },
        [this, alive, sets, st, names, done] {
            auto l = alive.lock();
            if (l && *l) {
                std::map<std::string, int64_t> count;
                for (size_t i = 0; i < names.size(); ++i) {
                    std::set<std::string> claimed;
                    if (auto c = d_.store().claims(names[i]); c)
                        for (const auto& cl : *c) claimed.insert(cl.ticket);
                    count[names[i]] =
                        static_cast<int64_t>(issues::ready((*sets)[i], claimed).size());
                }
                for (auto& p : (*st)["projects"])
                    if (auto it = count.find(p.value("name", "")); it != count.end())
                        p["ready_tickets"] = it->second;
            }
            done(std::move(*st));
        });
}

void Orchestrators::poke(const std::string& project) {
    if (auto it = running_.find(project); it != running_.end()) it->second->poke();
}

void Orchestrators::publish_state(const std::string& project) {
    d_.supervisor().events().publish(
        project, "",
        {{"event", msg::kEvProjectState}, {"project", project}, {"state", state(project)}});
}

void Orchestrators::claim(const std::string& agent_id, const std::string& ticket,
                          std::function<void(Result<Json>)> done) {
    Agent* a = d_.supervisor().find(agent_id);
    if (!a) return done(make_error("unknown agent \"" + agent_id + "\""));
    if (is_final(a->state)) return done(make_error("agent " + agent_id + " has " + a->rec.state));
    if (!issues::valid_ticket_id(ticket))
        return done(make_error("invalid ticket id \"" + ticket + "\""));
    if (d_.issues().pending_close(a->rec.project).count(ticket))
        return done(make_error("issue " + ticket + " is merged already; fab is closing it"));
    std::string project = a->rec.project;
    const ProjectConfig* pc = d_.registry().config().project(project);
    if (!pc) return done(make_error("no project \"" + project + "\""));
    // tk: the agent's own worktree first (tickets it created travel on its
    // branch), then the clone (tickets added to main after it started).
    // API backends: the issue as the API has it now (never a cached guess).
    std::vector<std::shared_ptr<issues::Backend>> backends;
    std::vector<std::string> where;
    for (const auto& dir :
         {a->rec.worktree + "/.tickets", d_.paths().project_repo(project) + "/.tickets"}) {
        auto b = d_.issues().get(*pc, dir);
        if (!b) return done(make_error(b.error()));
        backends.push_back(*b);
        where.push_back((*b)->where());
        if (!(*b)->in_repo()) break;
    }
    std::vector<std::string> allowed =
        IssueBackends::is_api(*pc) ? pc->allowed_authors : std::vector<std::string>{};
    struct Found {
        bool found = false;
        std::string status, title, author, error;
    };
    auto out = std::make_shared<Found>();
    std::weak_ptr<bool> alive = alive_;
    ev::queue_work(
        d_.loop(),
        [out, backends, ticket] {
            for (const auto& b : backends) {
                auto t = b->get(ticket);
                if (t) {
                    *out = {true, t->status, t->title, t->author, ""};
                    return;
                }
                if (!b->in_repo()) out->error = t.error();
            }
        },
        [this, alive, out, agent_id, project, ticket, where, allowed, done] {
            auto l = alive.lock();
            if (!l || !*l) return done(make_error("daemon is stopping"));
            if (!out->error.empty()) return done(make_error(out->error));
            if (!out->found)
                return done(make_error("no ticket \"" + ticket + "\" in project " + project +
                                       " (looked in " + join(where, " and ") + ")"));
            if (!issues::author_allowed(out->author, allowed))
                return done(make_error("issue " + ticket + " is by " + out->author +
                                       ", who is not in the project's allowed-authors"));
            // in_progress is a note on the ticket, not a lock: the claim is.
            if (out->status != "open" && out->status != "in_progress")
                return done(make_error("ticket " + ticket + " is " + out->status + ", not open"));
            Agent* ag = d_.supervisor().find(agent_id);
            if (!ag || is_final(ag->state))
                return done(make_error("agent " + agent_id + " has ended"));
            if (auto s = d_.store().claim(project, ticket, agent_id); !s)
                return done(make_error(s.error()));
            log::info("agent " + agent_id + ": claimed " + ticket + " (" + project + ")");
            (void)d_.store().record_event("claim", project + " " + ticket + " " + agent_id);
            d_.supervisor().events().publish(project, agent_id,
                                             {{"event", msg::kEvClaim},
                                              {"project", project},
                                              {"ticket", ticket},
                                              {"agent_id", agent_id},
                                              {"released", false}});
            poke(project);
            done(Json{{"project", project},
                      {"ticket", ticket},
                      {"agent_id", agent_id},
                      {"title", out->title}});
        });
}

void Orchestrators::release_claims(const std::string& project, const std::string& agent_id) {
    auto claims = d_.store().claims(project);
    if (!claims) {
        log::error("claims: " + claims.error());
        return;
    }
    std::vector<ClaimRecord> held;
    for (const auto& c : *claims)
        if (c.agent_id == agent_id) held.push_back(c);
    if (held.empty()) return;
    if (auto s = d_.store().release_claims(agent_id); !s) {
        log::error(s.error());
        return;
    }
    for (const auto& c : held) {
        log::info("agent " + agent_id + ": released " + c.ticket + " (" + c.project + ")");
        d_.supervisor().events().publish(c.project, agent_id,
                                         {{"event", msg::kEvClaim},
                                          {"project", c.project},
                                          {"ticket", c.ticket},
                                          {"agent_id", agent_id},
                                          {"released", true}});
    }
}

void Orchestrators::on_agent_state(Agent& a, AgentState from) {
    const std::string id = a.rec.id;
    if (is_final(a.state)) {
        if (is_final(from)) return;
        if (a.state == AgentState::failed && a.rec.kind == "task") {
            auto& f = failures_[a.rec.project];
            int64_t now = now_ms();
            std::erase_if(f, [now](int64_t t) { return now - t > kFailureWindowMs; });
            f.push_back(now);
        }
        release_claims(a.rec.project, id);
        nudge_timers_.erase(id);
        paused_until_.erase(id);
        poke(a.rec.project); // a slot is free, and maybe a ticket
        return;
    }
    // Idle after a turn (not the idle of a CLI that just started).
    if (a.state == AgentState::idle && from == AgentState::running && a.rec.kind == "task" &&
        !a.stop_requested && !a.rec.retiring && running(a.rec.project) && !nudged_.count(id))
        schedule_nudge(id, kNudgeDelayMs);
}

void Orchestrators::schedule_nudge(const std::string& agent_id, int64_t delay_ms) {
    auto& t = nudge_timers_[agent_id];
    if (!t) t = std::make_unique<ev::Timer>(d_.loop());
    t->start(static_cast<uint64_t>(std::max<int64_t>(delay_ms, 0)), 0,
             [this, agent_id] { nudge(agent_id); });
}

void Orchestrators::nudge(const std::string& agent_id) {
    Agent* a = d_.supervisor().find(agent_id);
    if (!a || a->state != AgentState::idle || a->stop_requested || a->rec.retiring ||
        d_.merges().in_progress(agent_id) || nudged_.count(agent_id) || !running(a->rec.project) ||
        d_.runs().holds_agent(agent_id)) {
        nudge_timers_.erase(agent_id); // safe: Timer runs a copy of its callback
        return;
    }
    int64_t now = now_ms();
    if (auto p = paused_until_.find(agent_id); p != paused_until_.end() && p->second > now)
        return schedule_nudge(agent_id, p->second - now);
    nudged_.insert(agent_id);
    nudge_timers_.erase(agent_id);
    log::info("agent " + agent_id + ": idle without `fab agent done`; nudging it once");
    d_.supervisor().send(agent_id, kNudgeText, [agent_id](Status s) {
        if (!s) log::warn("agent " + agent_id + ": nudge: " + s.error());
    });
}

bool Orchestrators::may_spawn(const std::string& project, std::string& why) const {
    auto it = failures_.find(project);
    if (it == failures_.end()) return true;
    int64_t now = now_ms();
    int recent = 0;
    for (int64_t t : it->second)
        if (now - t <= kFailureWindowMs) ++recent;
    if (recent < kMaxQuickFailures) return true;
    int64_t until = it->second.back() + kFailureWindowMs;
    why = std::to_string(recent) + " task agents failed within " +
          std::to_string(kFailureWindowMs / 60000) + " minutes; no new agent before " +
          format_iso8601_ms(until) + " (see `fab agent list`)";
    return false;
}

void Orchestrators::on_user_message(const std::string& agent_id) {
    paused_until_[agent_id] = now_ms() + kUserPauseMs;
}

} // namespace fab
