// One workflow run in the daemon: walks the run's DOT workflow with the pure
// state machine (src/workflow/advance.hpp) and does what each stage says —
// agent and prompt stages as fab task agents in the run's worktree, command
// stages as the workflow author's `script` under /bin/sh (a child of the
// loop, never waited on), human gates as run questions, conditional stages
// as routing only. After every stage it commits the run branch and stores a
// checkpoint (store: run_checkpoints) with the stage's events in one
// transaction; a restarted daemon resumes the run from it (resume()).
//
// Resume rule: a finished stage is never run again (its result is in the
// checkpoint). A stage that was in flight when the daemon died runs again
// from its start, as the issue asks: its agent (if still there) is stopped
// and a new one started, since the old turn's answer may have been missed;
// a command stage's orphaned process group is killed first (matched by pid
// and start time) so that it cannot finish behind the new one's back. A
// human gate that was waiting asks the same question again.
// Parallel fan-out and fan-in stages are not run yet: reaching one fails the
// run saying so. Loop thread only.
#pragma once

#include "ev/process.hpp"
#include "ev/timer.hpp"
#include "protocol/envelope.hpp"
#include "store/store.hpp"
#include "workflow/advance.hpp"
#include "workflow/model.hpp"

#include <memory>
#include <random>
#include <string>

namespace fab {

class Daemon;
class RunEngine;
struct Agent;
struct Run;

// A submitted workflow, found and checked: its DOT source (given, or read by
// name from the project's .fab/workflows/ or <config>/workflows/, as NAME,
// NAME.fabro or NAME.dot), loaded and validated. The error lists every
// problem as `file:line: message`.
struct PreparedWorkflow {
    workflow::Workflow wf;
    std::string source, file;
};
Result<PreparedWorkflow> prepare_workflow(const std::string& workflow, const std::string& file,
                                          const std::string& project_repo,
                                          const std::string& config_dir);
// The workflow of a checkpoint, loaded again from its stored source.
Result<workflow::Workflow> reload_workflow(const RunCheckpoint& cp);

class WorkflowRunner {
  public:
    WorkflowRunner(Daemon& d, RunEngine& engine, std::string run_id, workflow::Workflow wf,
                   RunCheckpoint cp);
    ~WorkflowRunner();
    WorkflowRunner(const WorkflowRunner&) = delete;
    WorkflowRunner& operator=(const WorkflowRunner&) = delete;

    // A new run, in status starting: makes its worktree, then runs the start.
    void start();
    // After a daemon restart: goes on from the checkpoint (see above).
    void resume();
    // The run was cancelled: stops the stage in flight; nothing else runs.
    void cancel();
    // The run was unpaused: the stage held at the boundary runs now.
    void unpaused();

    // From the run engine: an agent of this run published transcript entries,
    // or changed state.
    void on_agent_entries(const std::string& agent_id, const Json& entries);
    void on_agent_state(Agent& a);

    // The waiting human gate's question in the HTTP API's shape, or null.
    Json question() const;
    // Answers the waiting gate; "" when taken, else an error text ("not
    // found: …" when `qid` is not the waiting gate's).
    std::string answer(const std::string& qid, const Json& body);

  private:
    Run* run();
    void go(const workflow::Step& s);
    void run_stage(const std::string& node);
    void run_agent(const workflow::Node& n);
    void run_command(const workflow::Node& n);
    void ask(const workflow::Node& n);
    void finish_stage(workflow::StageResult res);
    void finish_agent_stage(bool failed, const std::string& why);
    void commit_then(const std::string& subject, std::function<void(std::string sha)> then);
    void end(bool succeeded, const std::string& reason);
    void fail_run(const std::string& reason);
    // Saves the checkpoint (with `cp_.state` from state_) and the events in one
    // transaction, then publishes the events.
    void save(std::vector<std::pair<std::string, Json>> events);
    bool halted() const; // cancelled, or the run is terminal

    Daemon& d_;
    RunEngine& engine_;
    std::string run_id_;
    workflow::Workflow wf_;
    RunCheckpoint cp_;
    workflow::RunState state_;
    std::unique_ptr<ev::Process> proc_;
    std::unique_ptr<ev::Timer> timer_;     // retry backoff, command timeout
    std::unique_ptr<ev::Timer> reaper_;    // frees a finished process off its callback
    std::unique_ptr<workflow::Step> held_; // the next step, held while the run is paused
    std::string last_text_;                // the stage agent's last assistant text
    bool turn_seen_ = false;               // the stage agent ended a turn
    bool timed_out_ = false;
    bool cancelled_ = false;
    std::mt19937 rng_{std::random_device{}()}; // retry jitter
};

} // namespace fab
