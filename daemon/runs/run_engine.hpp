// The run engine (server mode): the run queue and its FIFO scheduler, each
// run's lifecycle (src/runs/run_state.hpp decides what is legal), its event
// log, and its agent. A run of the "task" workflow is one task agent whose
// prompt is the goal, in its own worktree, ending in `fab agent done`; the
// run's status follows that agent. A run of a DOT workflow is walked stage by
// stage by its WorkflowRunner (workflow_runner.hpp). Runs and events persist
// in state.db: after a restart queued runs stay queued, running task runs go
// on with their agents, workflow runs resume from their checkpoints.
// Loop thread only.
#pragma once

#include "ev/timer.hpp"
#include "runs/run_request.hpp"
#include "runs/run_state.hpp"
#include "store/store.hpp"

#include "protocol/envelope.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace fab {

class Daemon;
class WorkflowRunner;
struct Agent;

struct Run {
    RunRecord rec;
    runs::RunPosition pos;
    int64_t next_seq = 1;
    int64_t agent_offset = -1; // last transcript offset logged as events
    bool cancel_requested = false;
};

// Errors name their kind with a prefix the HTTP transport maps to a status
// (daemon/http/http_status.cpp): "not found: " → 404, "conflict: " → 409;
// anything else is the client's mistake (400). Socket clients read the
// same text.
inline std::string not_found(const std::string& what) {
    return "not found: " + what;
}
inline std::string conflict(const std::string& what) {
    return "conflict: " + what;
}

class RunEngine {
  public:
    RunEngine(Daemon& d, int max_concurrent);
    ~RunEngine();
    RunEngine(const RunEngine&) = delete;
    RunEngine& operator=(const RunEngine&) = delete;

    // After the supervisor has started: load runs, re-link agents, schedule.
    void start();

    Result<Json> submit(const runs::RunRequest& req);
    struct ListQuery {
        std::set<std::string> statuses, projects; // empty = all
        int64_t limit = 20, offset = 0;
    };
    Json list(const ListQuery& q) const;
    const Run* find(const std::string& id) const;
    Json run_json(const Run& r) const;
    // cancel, pause, unpause, archive, unarchive; "" = done, else an error text.
    std::string act(const std::string& id, runs::RunEvent what);
    std::string remove(const std::string& id);
    void steer(const std::string& id, const std::string& guidance,
               std::function<void(std::string)> done);
    Result<Json> billing(const std::string& id) const;
    Json board() const;
    Result<Json> events(const std::string& id, int64_t since_seq, int64_t limit);
    Json counts() const;
    // The agent works for a paused run: nothing may prod it on (the
    // orchestrator's kickstart nudge, the heartbeat's "continue").
    bool holds_agent(const std::string& agent_id) const;
    int max_concurrent() const { return max_concurrent_; }

    // The questions (AskUserQuestion, permission requests) the run's agent
    // waits on, in the HTTP API's shape.
    Result<Json> questions(const std::string& id) const;
    // A person's answer: {value} | {selected_option_key} | {selected_option_keys}.
    void answer(const std::string& id, const std::string& qid, const Json& body,
                std::function<void(std::string)> done);

    // Live events of a run for SSE: called with each new event's JSON (and
    // once more with a null Json when the run reached a terminal status and
    // its terminal event was sent). Returns a token for unlisten. A run_id
    // of "" listens to every run (and gets no null).
    using Listener = std::function<void(const Json& event)>;
    uint64_t listen(const std::string& run_id, Listener l);
    void unlisten(uint64_t token);

    static Json event_json(const RunEventRecord& e);

  private:
    friend class WorkflowRunner; // a workflow run's stages go through move/append/notify

    void load();
    // Starts queued runs on the next loop iteration: never from inside a
    // supervisor callback (a state listener), which must not create agents.
    void schedule();
    void schedule_now();
    void launch(Run& r);
    // Applies `what` and logs `event` with `props`; false (nothing changed)
    // when the table refuses it.
    bool move(Run& r, runs::RunEvent what, const std::string& event, Json props = Json::object(),
              runs::FailReason reason = runs::FailReason::workflow_error);
    void append(Run& r, std::vector<RunEventRecord> evs);
    RunEventRecord make_event(Run& r, const std::string& name, Json props, int64_t offset = -1);
    void notify(const std::string& run_id, const Json& ev);
    void on_agent_event(const std::string& agent, const Json& ev);
    void on_agent_state(Agent& a);
    void follow_agent(Run& r, Agent& a);
    Run* run_of_agent(const std::string& agent_id);
    size_t active() const;

    Daemon& d_;
    int max_concurrent_;
    std::map<std::string, std::unique_ptr<Run>> runs_;
    std::map<std::string, std::string> by_agent_; // agent id → run id
    // Runs with a DOT workflow (daemon/runs/workflow_runner.hpp), by run id.
    std::map<std::string, std::unique_ptr<WorkflowRunner>> workflows_;
    WorkflowRunner* workflow_of(const std::string& run_id);
    // A restarted daemon's workflow run: resumed from its checkpoint. False
    // when the run has no checkpoint (a task run).
    bool resume_workflow(Run& r);
    int64_t next_position_ = 1;
    struct Watch {
        std::string run_id;
        Listener fn;
    };
    std::map<uint64_t, Watch> listeners_;
    uint64_t next_token_ = 1;
    bool started_ = false;
    std::unique_ptr<ev::Timer> kick_;
    std::unique_ptr<ev::Timer> resume_; // workflow runs resume on the loop's first turn
    // While an agent is being created for a run, its first records can be
    // published before create() answers with its id: events of agents no
    // run owns are held (bounded) until then, and logged once the agent is
    // known to be the run's.
    int launching_ = 0;
    std::map<std::string, std::vector<Json>> unclaimed_;
    static constexpr size_t kMaxUnclaimed = 512; // events per agent
};

} // namespace fab
