// The run state machine, pure: given where a run is (RunState) and what the
// stage that just ran reported, say what happens next — run a stage, retry
// the same one after a backoff, or end (succeeded, or failed with the
// reason). The engine (daemon/runs, `fab run`) does the running, the waiting
// and the checkpointing; every decision is here, so it is tested without
// agents, and a resumed run decides exactly as an uninterrupted one.
//
// Rules: an outcome "retry" runs the stage again while it has retries left
// (its `max_retries`, else the graph's `default_max_retries`, else its
// `retry_policy`'s attempts; none by default); when they are spent it counts
// as "fail" ("partial_success" with `allow_partial=true`). Otherwise the next
// stage comes from edge selection (edge_select.hpp). Entering a stage more
// often than its `max_visits` (or the graph's `max_node_visits`) fails the
// run. Reaching the exit checks every goal gate the run has passed: one
// without success (or partial success) sends the run to its retry target
// (the stage's, else its fallback, else the graph's, else the graph's
// fallback); with none, the run fails. Fan-out branches are the engine's
// business: it reports the fan-in's result as that stage's.
#pragma once

#include "workflow/model.hpp"
#include "workflow/run_state.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fab::workflow {

struct StageResult {
    std::string outcome = "success"; // success, fail, partial_success, retry, skipped
    std::string preferred_label;
    std::vector<std::string> suggested_next_ids;
    std::map<std::string, std::string> context_updates;
    std::string command_output;
    std::map<std::string, std::string, std::less<>> human_gate; // selected, label, text
};

struct Step {
    enum class Kind { run, retry, done };
    enum class Status { running, succeeded, failed };
    Kind kind = Kind::done;
    std::string node;                   // run / retry: the stage to run
    std::chrono::milliseconds delay{0}; // retry: wait this long first
    std::optional<size_t> edge;         // run: the edge taken, if one was
    bool goal_gate_jump = false;        // run: sent back by an unmet goal gate
    Status status = Status::running;    // done: how the run ended
    std::string reason;                 // done (failed): why
};

// A new run: positioned on the start stage, which does nothing; the step
// says which stage runs first.
Step begin_run(const Workflow& wf, RunState& state);

// `state.next_node` has run and reported `result`; updates `state` (outcome,
// context, completed, retries, visits, current/next node).
// `jitter` in [0, 1) spreads the retry delay (retry.hpp).
Step advance(const Workflow& wf, RunState& state, const StageResult& result, double jitter = 0.5);

} // namespace fab::workflow
