// The daemon's SQLite store ($FAB_DIR/state.db): WAL mode, schema versioned
// with PRAGMA user_version and migrated forward in one transaction per step.
// Only the daemon opens it. Every write is a short transaction (WAL,
// synchronous=NORMAL: no fsync per commit), so it stays on the loop thread.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace fab {

struct StoredEvent {
    int64_t id;
    int64_t ts_ms;
    std::string kind, detail;
};

struct StoredProject {
    std::string name, remote_url, repo_path;
    int64_t added_ms;
};

// One agent, as persisted. `last_offset` and the usage figures are written
// in the same transaction, so after a restart the daemon resumes reading the
// transcript exactly where its usage totals stop (nothing counted twice).
struct AgentRecord {
    std::string id, kind, project, backend, worktree, branch, host_socket;
    std::string state, session_id, description, prompt, error;
    int64_t created_ms = 0, updated_ms = 0;
    int64_t last_offset = -1;
    int64_t input_tokens = 0, output_tokens = 0, cache_read_tokens = 0, cache_creation_tokens = 0;
    double cost_usd = 0;
    std::string parser_state; // backend parser baseline (JSON), restored on re-attach
    bool retiring = false;    // work merged (`fab agent done`): stop at the end of the turn
    std::string model;        // passed to the CLI ("" = the CLI's default); kept for resumes
};

// A ticket held by an agent (`fab agent claim`). At most one agent per
// ticket per project; released when the agent ends.
struct ClaimRecord {
    std::string project, ticket, agent_id;
    int64_t claimed_ms = 0;
};

// A piece of work merged into main (or offered as a pull request).
struct CommitRecord {
    int64_t id = 0;
    std::string project, agent_id, ticket, sha, subject, branch;
    std::string strategy = "direct"; // direct | pull-request
    std::string pr_url;
    int64_t ts_ms = 0;
};

// A run (server mode): a goal for a project carried out by a workflow. The
// lifecycle rules live in src/runs/run_state.hpp; here it is only a row.
// `position` orders the FIFO (submission order).
struct RunRecord {
    std::string id, project, goal, workflow, backend, model;
    std::string status, reason, archived_from, agent_id, error;
    int64_t position = 0, created_ms = 0, updated_ms = 0, started_ms = 0, finished_ms = 0;
};

// One entry of a run's append-only event log; `seq` counts from 1 per run.
struct RunEventRecord {
    int64_t seq = 0;
    std::string id, run_id;
    int64_t ts_ms = 0;
    std::string event, node, stage;
    std::string properties = "{}"; // a JSON object
    // The agent transcript offset this event came from (-1: none): after a
    // restart the daemon re-reads transcript records it may have logged
    // already, and skips those at or below the run's last offset.
    int64_t agent_offset = -1;
};

// A workflow run's checkpoint (store_runs.cpp): the workflow it runs
// (its DOT source, kept so that an edited file cannot change a run midway),
// its position (workflow::RunState as JSON) and the stage in flight, so that
// a restarted daemon resumes it.
struct RunCheckpoint {
    std::string run_id, source, file;
    std::string inputs = "{}";   // a JSON object of strings
    std::string state;           // workflow::RunState::to_json()
    std::string worktree;        // the run's worktree (branch fab/run/<id>)
    std::string stage;           // the stage in flight, "" between stages
    std::string stage_status;    // "", "running" or "waiting" (a human gate)
    std::string stage_agent;     // the agent of a running agent or prompt stage
    int64_t stage_pid = 0;       // the process group of a running command stage
    int64_t stage_pid_start = 0; // its start time (/proc/<pid>/stat), against pid reuse
    std::string question;        // a waiting human gate's question (JSON)
    // Set with the last checkpoint: how the workflow ended ("succeeded",
    // "failed") and why, so that a restart between the checkpoint and the
    // run's final status still ends the run as decided.
    std::string end_status, end_reason;
    int64_t updated_ms = 0;
};

// Why Store::open failed: `damaged` tells a database that exists but cannot
// be trusted (0 bytes, not SQLite, failing quick_check, a table missing)
// from other failures (permissions, a newer schema), so that the daemon can
// say how to recover instead of running without persisting anything.
struct StoreOpenFailure {
    bool damaged = false;
};

class Store {
  public:
    // Opens (or creates) the database. An existing file is checked before
    // anything is written to it; a damaged one is left byte-for-byte as it
    // was and reported as "<path> is damaged (<why>)".
    static Result<std::unique_ptr<Store>> open(const std::string& path,
                                               StoreOpenFailure* failure = nullptr);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    int schema_version() const { return version_; }
    // True when open() created the database (no state.db was there): the
    // daemon then rebuilds what it can from the config and the transcripts.
    bool created() const { return created_; }
    static int latest_schema_version();

    Status record_event(const std::string& kind, const std::string& detail);
    Result<std::vector<StoredEvent>> recent_events(int limit);

    // The registry snapshot: which projects the daemon knew, for `fab status`
    // and for spotting a project whose config section vanished.
    Status upsert_project(const StoredProject& p);
    Status remove_project(const std::string& name);
    Result<std::vector<StoredProject>> projects();

    Status save_agent(const AgentRecord& a);
    Result<std::vector<AgentRecord>> agents();
    Status save_agents(const std::vector<const AgentRecord*>& batch); // one transaction
    // The agent's row and its claims, in one transaction (`fab agent rm`, retention).
    Status delete_agent(const std::string& id);

    // Claims (store_work.cpp). claim() fails naming the holder when another
    // agent has the ticket; claiming a ticket one already holds is a no-op.
    Status claim(const std::string& project, const std::string& ticket,
                 const std::string& agent_id);
    Status release_claims(const std::string& agent_id);
    Status release_claim(const std::string& project, const std::string& ticket);
    Result<std::vector<ClaimRecord>> claims(const std::string& project); // "" = all

    // Merged work, newest first (store_work.cpp). record_commit: false when
    // that merged (direct) commit of the project is logged already.
    Result<bool> record_commit(const CommitRecord& c);
    Result<std::vector<CommitRecord>> recent_commits(const std::string& project, int limit);
    // "" = all projects / every strategy ("direct" = merged commits only).
    Result<int64_t> commit_count(const std::string& project, const std::string& strategy = "");

    // Runs and their events (store_runs.cpp). Each write is one transaction:
    // a run's row and the events that tell of its change commit together.
    Status save_run(const RunRecord& r, const std::vector<RunEventRecord>& events);
    Status append_run_events(const std::vector<RunEventRecord>& events);
    // Every run in submission order. A row whose fields cannot be read comes
    // back with what could be (status "" when unreadable): the caller decides.
    Result<std::vector<RunRecord>> runs();
    // Events of a run with seq > since_seq, oldest first, at most `limit`.
    Result<std::vector<RunEventRecord>> run_events(const std::string& run_id, int64_t since_seq,
                                                   int64_t limit);
    // Events of every run after the key (ts_ms, run_id, seq), in that order,
    // at most `limit` (store_run_feed.cpp: GET /api/v1/attach resumes so).
    Result<std::vector<RunEventRecord>> run_events_after(int64_t ts_ms, const std::string& run_id,
                                                         int64_t seq, int64_t limit);
    Result<int64_t> last_run_event_seq(const std::string& run_id);    // 0 when none
    Result<int64_t> last_run_agent_offset(const std::string& run_id); // -1 when none
    Status delete_run(const std::string& id);                         // with its events
    // The run's row, its checkpoint and the events telling of the change, in
    // one transaction: a checkpoint is never ahead of or behind its log.
    Status save_checkpoint(const RunRecord& r, const RunCheckpoint& c,
                           const std::vector<RunEventRecord>& events);
    Result<std::optional<RunCheckpoint>> checkpoint(const std::string& run_id);

    // Executes SQL that returns no rows (used by migrations and tests).
    Status exec(const std::string& sql);

  private:
    explicit Store(sqlite3* db) : db_(db) {}
    Status migrate();
    // store_check.cpp
    static std::string file_damage(const std::string& path); // "" = looks like SQLite
    static void set_aside_orphan_journals(const std::string& path);
    Status check_integrity();
    Status check_tables();

    sqlite3* db_;
    int version_ = 0;
    bool created_ = false;
};

} // namespace fab
