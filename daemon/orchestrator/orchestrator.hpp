// Orchestrators: one per started project. Each finds ready tickets (the
// project clone's `.tickets/`, polled every 10 s and watched with inotify so
// new work is picked up at once), spawns task agents with the kickstart
// prompt while ready tickets outnumber the agents that have not claimed one
// yet and fewer than max-agents run, nudges a task agent once when it goes
// idle without having finished, and releases an agent's claims when it ends.
// Whether a project is started is kept in projects/<name>/orchestrator.json,
// so it survives a daemon restart; without that file, `autostart` decides.
// Loop thread only.
#pragma once

#include "daemon/agents/supervisor.hpp"
#include "daemon/orchestrator/pr_watch.hpp"
#include "ev/fs_event.hpp"
#include "ev/timer.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace fab {

class Daemon;

// How many task agents to start now. Pure, so the arithmetic is unit-tested.
struct SpawnInputs {
    size_t ready = 0;     // ready tickets (open, deps closed, not claimed)
    size_t active = 0;    // live task agents of the project
    size_t unclaimed = 0; // of those, agents that hold no claim yet
    size_t max_agents = 0;
};
size_t agents_to_spawn(const SpawnInputs& in);

class ProjectOrchestrator;

class Orchestrators {
  public:
    explicit Orchestrators(Daemon& d);
    ~Orchestrators();
    Orchestrators(const Orchestrators&) = delete;
    Orchestrators& operator=(const Orchestrators&) = delete;

    // Listens to the supervisor; must run before Supervisor::start so agents
    // that ended while the daemon was down release their claims.
    void attach_to_supervisor();
    // Starts the projects that were started before (or autostart ones), and
    // drops claims whose agent is gone.
    void start();
    void stop(); // daemon shutdown: timers and watches closed, state kept

    // Both persist the choice; stopping leaves the project's agents running.
    Status start_project(const std::string& name);
    Status stop_project(const std::string& name);
    bool running(const std::string& name) const;
    const char* state(const std::string& name) const {
        return running(name) ? "running" : "stopped";
    }
    int64_t ready_count(const std::string& name) const; // -1 = not known (stopped)
    // Sets "ready_tickets" of every project in status["projects"] whose
    // orchestrator is not running (those count on every scan): the tickets
    // are read on the thread pool, then `done` gets the completed status.
    void fill_ready_counts(Json status, std::function<void(Json)> done);
    void poke(const std::string& project); // re-scan soon

    // `fab agent claim`: the ticket must exist and be open (the agent's
    // worktree first, then the clone); at most one agent per ticket.
    void claim(const std::string& agent_id, const std::string& ticket,
               std::function<void(Result<Json>)> done);
    // A human wrote to the agent: no kickstart nudge for it for a while.
    void on_user_message(const std::string& agent_id);
    // False (with the reason) while the project's task agents keep failing:
    // after kMaxQuickFailures failures within kFailureWindowMs no agent is
    // started until that window has passed since the last one, so a broken
    // backend cannot make the orchestrator start agents in a tight loop.
    static constexpr int kMaxQuickFailures = 3;
    static constexpr int64_t kFailureWindowMs = 10 * 60 * 1000;
    bool may_spawn(const std::string& project, std::string& why) const;

    // Drops the agent's claims and publishes a `claim` event (released) for
    // each; runs by itself when an agent ends.
    void release_claims(const std::string& project, const std::string& agent_id);

    // Open pull requests of agents (merge-strategy = pull-request), polled.
    PrWatch& pull_requests() { return *prs_; }

  private:
    void on_agent_state(Agent& a, AgentState from);
    void schedule_nudge(const std::string& agent_id, int64_t delay_ms);
    void nudge(const std::string& agent_id);
    void publish_state(const std::string& project);
    std::string marker(const std::string& project) const;
    Status write_marker(const std::string& project, bool started);

    Daemon& d_;
    std::map<std::string, std::shared_ptr<ProjectOrchestrator>> running_;
    std::set<std::string> nudged_;                         // agents nudged once already
    std::map<std::string, int64_t> paused_until_;          // agent → ms
    std::map<std::string, std::vector<int64_t>> failures_; // project → recent task agent failures
    std::map<std::string, std::unique_ptr<ev::Timer>> nudge_timers_;
    std::unique_ptr<PrWatch> prs_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace fab
