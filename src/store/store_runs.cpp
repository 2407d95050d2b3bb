// Runs and run events in state.db (server mode).
#include "store/store.hpp"

#include "store/stmt.hpp"

#include <sqlite3.h>

namespace fab {

namespace {

const char* const kSaveRun =
    "INSERT INTO runs(id, project, goal, workflow, backend, model, status, reason, archived_from, "
    "agent_id, error, position, created_ms, updated_ms, started_ms, finished_ms) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT(id) DO UPDATE SET status=excluded.status, reason=excluded.reason, "
    "archived_from=excluded.archived_from, agent_id=excluded.agent_id, error=excluded.error, "
    "updated_ms=excluded.updated_ms, started_ms=excluded.started_ms, "
    "finished_ms=excluded.finished_ms";

const char* const kAppendEvent =
    "INSERT INTO run_events(run_id, seq, id, ts_ms, event, node, stage, properties, "
    "agent_offset) VALUES (?,?,?,?,?,?,?,?,?)";

bool step_run(sqlite3* db, const RunRecord& r) {
    Stmt s(db, kSaveRun);
    if (!s.ok()) return false;
    int i = 1;
    for (const std::string* v : {&r.id, &r.project, &r.goal, &r.workflow, &r.backend, &r.model,
                                 &r.status, &r.reason, &r.archived_from, &r.agent_id, &r.error})
        s.bind(i++, *v);
    for (int64_t v : {r.position, r.created_ms, r.updated_ms, r.started_ms, r.finished_ms})
        s.bind(i++, v);
    return s.step() == SQLITE_DONE;
}

bool step_event(sqlite3* db, const RunEventRecord& e) {
    Stmt s(db, kAppendEvent);
    if (!s.ok()) return false;
    s.bind(1, e.run_id);
    s.bind(2, e.seq);
    s.bind(3, e.id);
    s.bind(4, e.ts_ms);
    s.bind(5, e.event);
    s.bind(6, e.node);
    s.bind(7, e.stage);
    s.bind(8, e.properties);
    s.bind(9, e.agent_offset);
    return s.step() == SQLITE_DONE;
}

} // namespace

Status Store::save_run(const RunRecord& r, const std::vector<RunEventRecord>& events) {
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    bool ok = step_run(db_, r);
    for (size_t i = 0; ok && i < events.size(); ++i) ok = step_event(db_, events[i]);
    if (!ok) {
        auto err = db_error(db_, "save run " + r.id);
        (void)exec("ROLLBACK;");
        return err;
    }
    return exec("COMMIT;");
}

Status Store::append_run_events(const std::vector<RunEventRecord>& events) {
    if (events.empty()) return {};
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    for (const auto& e : events) {
        if (!step_event(db_, e)) {
            auto err = db_error(db_, "append event to run " + e.run_id);
            (void)exec("ROLLBACK;");
            return err;
        }
    }
    return exec("COMMIT;");
}

Result<std::vector<RunRecord>> Store::runs() {
    Stmt s(db_, "SELECT id, project, goal, workflow, backend, model, status, reason, "
                "archived_from, agent_id, error, position, created_ms, updated_ms, started_ms, "
                "finished_ms FROM runs ORDER BY position, id");
    if (!s.ok()) return db_error(db_, "prepare");
    std::vector<RunRecord> out;
    while (s.step() == SQLITE_ROW) {
        RunRecord r;
        int c = 0;
        for (std::string* v : {&r.id, &r.project, &r.goal, &r.workflow, &r.backend, &r.model,
                               &r.status, &r.reason, &r.archived_from, &r.agent_id, &r.error})
            *v = s.text(c++);
        for (int64_t* v :
             {&r.position, &r.created_ms, &r.updated_ms, &r.started_ms, &r.finished_ms})
            *v = s.i64(c++);
        out.push_back(std::move(r));
    }
    return out;
}

Result<std::vector<RunEventRecord>> Store::run_events(const std::string& run_id, int64_t since_seq,
                                                      int64_t limit) {
    Stmt s(db_, "SELECT seq, id, ts_ms, event, node, stage, properties FROM run_events "
                "WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, run_id);
    s.bind(2, since_seq);
    s.bind(3, limit);
    std::vector<RunEventRecord> out;
    while (s.step() == SQLITE_ROW) {
        RunEventRecord e;
        e.run_id = run_id;
        e.seq = s.i64(0);
        e.id = s.text(1);
        e.ts_ms = s.i64(2);
        e.event = s.text(3);
        e.node = s.text(4);
        e.stage = s.text(5);
        e.properties = s.text(6);
        out.push_back(std::move(e));
    }
    return out;
}

Result<int64_t> Store::last_run_event_seq(const std::string& run_id) {
    Stmt s(db_, "SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, run_id);
    if (s.step() != SQLITE_ROW) return db_error(db_, "read last event of run " + run_id);
    return s.i64(0);
}

Result<int64_t> Store::last_run_agent_offset(const std::string& run_id) {
    Stmt s(db_, "SELECT COALESCE(MAX(agent_offset), -1) FROM run_events WHERE run_id = ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, run_id);
    if (s.step() != SQLITE_ROW) return db_error(db_, "read last offset of run " + run_id);
    return s.i64(0);
}

Status Store::delete_run(const std::string& id) {
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    for (const char* sql :
         {"DELETE FROM run_events WHERE run_id = ?", "DELETE FROM run_checkpoints WHERE run_id = ?",
          "DELETE FROM runs WHERE id = ?"}) {
        Stmt s(db_, sql);
        if (!s.ok()) {
            auto err = db_error(db_, "prepare");
            (void)exec("ROLLBACK;");
            return err;
        }
        s.bind(1, id);
        if (s.step() != SQLITE_DONE) {
            auto err = db_error(db_, "delete run " + id);
            (void)exec("ROLLBACK;");
            return err;
        }
    }
    return exec("COMMIT;");
}

namespace {

const char* const kSaveCheckpoint =
    "INSERT OR REPLACE INTO run_checkpoints(run_id, source, file, inputs, state, worktree, stage, "
    "stage_status, stage_agent, stage_pid, stage_pid_start, question, end_status, end_reason, "
    "updated_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

bool step_checkpoint(sqlite3* db, const RunCheckpoint& c) {
    Stmt s(db, kSaveCheckpoint);
    if (!s.ok()) return false;
    int i = 1;
    for (const std::string* v : {&c.run_id, &c.source, &c.file, &c.inputs, &c.state, &c.worktree,
                                 &c.stage, &c.stage_status, &c.stage_agent})
        s.bind(i++, *v);
    s.bind(i++, c.stage_pid);
    s.bind(i++, c.stage_pid_start);
    s.bind(i++, c.question);
    s.bind(i++, c.end_status);
    s.bind(i++, c.end_reason);
    s.bind(i++, c.updated_ms);
    return s.step() == SQLITE_DONE;
}

} // namespace

Status Store::save_checkpoint(const RunRecord& r, const RunCheckpoint& c,
                              const std::vector<RunEventRecord>& events) {
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    bool ok = step_run(db_, r) && step_checkpoint(db_, c);
    for (size_t i = 0; ok && i < events.size(); ++i) ok = step_event(db_, events[i]);
    if (!ok) {
        auto err = db_error(db_, "checkpoint run " + r.id);
        (void)exec("ROLLBACK;");
        return err;
    }
    return exec("COMMIT;");
}

Result<std::optional<RunCheckpoint>> Store::checkpoint(const std::string& run_id) {
    Stmt s(db_, "SELECT source, file, inputs, state, worktree, stage, stage_status, stage_agent, "
                "stage_pid, stage_pid_start, question, end_status, end_reason, updated_ms "
                "FROM run_checkpoints "
                "WHERE run_id = ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, run_id);
    int rc = s.step();
    if (rc == SQLITE_DONE) return std::optional<RunCheckpoint>();
    if (rc != SQLITE_ROW) return db_error(db_, "read checkpoint of run " + run_id);
    RunCheckpoint c;
    c.run_id = run_id;
    int i = 0;
    for (std::string* v : {&c.source, &c.file, &c.inputs, &c.state, &c.worktree, &c.stage,
                           &c.stage_status, &c.stage_agent})
        *v = s.text(i++);
    c.stage_pid = s.i64(i++);
    c.stage_pid_start = s.i64(i++);
    c.question = s.text(i++);
    c.end_status = s.text(i++);
    c.end_reason = s.text(i++);
    c.updated_ms = s.i64(i++);
    return std::optional<RunCheckpoint>(std::move(c));
}

} // namespace fab
