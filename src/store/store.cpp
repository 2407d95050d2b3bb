#include "store/store.hpp"

#include "util/fs.hpp"
#include "util/time.hpp"

#include "store/stmt.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

namespace fab {

namespace {

// Each entry moves the schema one version forward. Never edit a released
// step: add a new one.
const char* const kMigrations[] = {
    // 1: daemon events and the project registry snapshot.
    "CREATE TABLE daemon_events ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ts_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE projects ("
    "  name TEXT PRIMARY KEY,"
    "  remote_url TEXT NOT NULL,"
    "  repo_path TEXT NOT NULL,"
    "  added_ms INTEGER NOT NULL);",
    // 2: agents.
    "CREATE TABLE agents ("
    "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, project TEXT NOT NULL, backend TEXT NOT NULL,"
    "  worktree TEXT NOT NULL, branch TEXT NOT NULL, host_socket TEXT NOT NULL,"
    "  state TEXT NOT NULL, session_id TEXT NOT NULL DEFAULT '',"
    "  description TEXT NOT NULL DEFAULT '', prompt TEXT NOT NULL DEFAULT '',"
    "  error TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    "  last_offset INTEGER NOT NULL DEFAULT -1,"
    "  input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,"
    "  cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_creation_tokens INTEGER NOT NULL "
    "DEFAULT 0,"
    "  cost_usd REAL NOT NULL DEFAULT 0, parser_state TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX agents_project ON agents(project);",
    // 3: claims (one agent per ticket, kept across restarts) and merged commits.
    "CREATE TABLE claims ("
    "  project TEXT NOT NULL, ticket TEXT NOT NULL, agent_id TEXT NOT NULL,"
    "  claimed_ms INTEGER NOT NULL, PRIMARY KEY(project, ticket));"
    "CREATE INDEX claims_agent ON claims(agent_id);"
    "CREATE TABLE commits ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, agent_id TEXT NOT NULL,"
    "  ticket TEXT NOT NULL DEFAULT '', sha TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '',"
    "  branch TEXT NOT NULL DEFAULT '', strategy TEXT NOT NULL DEFAULT 'direct',"
    "  pr_url TEXT NOT NULL DEFAULT '', ts_ms INTEGER NOT NULL);"
    "CREATE INDEX commits_project ON commits(project, id);",
    // 4: an agent whose work is merged ends after its turn, also after a restart.
    "ALTER TABLE agents ADD COLUMN retiring INTEGER NOT NULL DEFAULT 0;",
    // 5: the model an agent was started with (a resume keeps it).
    "ALTER TABLE agents ADD COLUMN model TEXT NOT NULL DEFAULT '';",
    // 6: runs (server mode) and their append-only event logs.
    "CREATE TABLE runs ("
    "  id TEXT PRIMARY KEY, position INTEGER NOT NULL, project TEXT NOT NULL,"
    "  goal TEXT NOT NULL, workflow TEXT NOT NULL DEFAULT 'task',"
    "  backend TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
    "  archived_from TEXT NOT NULL DEFAULT '', agent_id TEXT NOT NULL DEFAULT '',"
    "  error TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
    "  started_ms INTEGER NOT NULL DEFAULT 0, finished_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX runs_position ON runs(position);"
    "CREATE TABLE run_events ("
    "  run_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, ts_ms INTEGER NOT NULL,"
    "  event TEXT NOT NULL, node TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL DEFAULT '',"
    "  properties TEXT NOT NULL DEFAULT '{}', agent_offset INTEGER NOT NULL DEFAULT -1,"
    "  PRIMARY KEY(run_id, seq)) WITHOUT ROWID;",
    // 7: workflow runs: the workflow's source and the checkpoint written after
    // every stage (a restarted daemon resumes the run from it).
    "CREATE TABLE run_checkpoints ("
    "  run_id TEXT PRIMARY KEY, source TEXT NOT NULL, file TEXT NOT NULL,"
    "  inputs TEXT NOT NULL DEFAULT '{}', state TEXT NOT NULL DEFAULT '',"
    "  worktree TEXT NOT NULL DEFAULT '', stage TEXT NOT NULL DEFAULT '',"
    "  stage_status TEXT NOT NULL DEFAULT '', stage_agent TEXT NOT NULL DEFAULT '',"
    "  stage_pid INTEGER NOT NULL DEFAULT 0, stage_pid_start INTEGER NOT NULL DEFAULT 0,"
    "  question TEXT NOT NULL DEFAULT '', end_status TEXT NOT NULL DEFAULT '',"
    "  end_reason TEXT NOT NULL DEFAULT '', updated_ms INTEGER NOT NULL);",
};

} // namespace

int Store::latest_schema_version() {
    return static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, StoreOpenFailure* failure) {
    auto damaged = [&](const std::string& why) -> Error {
        if (failure) failure->damaged = true;
        return make_error(path + " is damaged (" + why + ")");
    };
    bool existed = path_exists(path);
    if (existed) {
        if (std::string why = file_damage(path); !why.empty()) return damaged(why);
    } else {
        set_aside_orphan_journals(path);
    }
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<Store> s(new Store(db));
    if (rc != SQLITE_OK) return db_error(db, "open " + path);
    s->created_ = !existed;
    // SQLite creates the file 0644 (less the umask), and its -wal and -shm
    // copy that mode: make it private before they exist.
    if (!existed) ::chmod(path.c_str(), 0600);
    sqlite3_busy_timeout(db, 5000);
    // Checked before the first write (journal_mode, migrations): a damaged
    // file stays byte-for-byte what it was.
    if (existed)
        if (auto st = s->check_integrity(); !st) return damaged(st.error());
    if (auto st = s->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                          "PRAGMA foreign_keys=ON;");
        !st)
        return make_error(st.error());
    if (auto st = s->migrate(); !st) return make_error(st.error());
    if (auto st = s->check_tables(); !st) return damaged(st.error());
    return s;
}

Store::~Store() {
    sqlite3_close_v2(db_);
}

Status Store::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        return make_error("state.db: " + msg);
    }
    return {};
}

Status Store::migrate() {
    Stmt v(db_, "PRAGMA user_version");
    if (!v.ok() || v.step() != SQLITE_ROW) return db_error(db_, "read schema version");
    version_ = static_cast<int>(v.i64(0));
    int latest = latest_schema_version();
    if (version_ > latest)
        return make_error("state.db: schema version " + std::to_string(version_) +
                          " is newer than this fab understands (" + std::to_string(latest) +
                          "); upgrade fab");
    for (int next = version_ + 1; next <= latest; ++next) {
        // BEGIN IMMEDIATE: a second daemon racing here waits instead of failing midway.
        std::string sql = "BEGIN IMMEDIATE;" + std::string(kMigrations[next - 1]) +
                          "PRAGMA user_version=" + std::to_string(next) + ";COMMIT;";
        if (auto st = exec(sql); !st) {
            (void)exec("ROLLBACK;");
            return make_error(st.error() + " (migration to schema " + std::to_string(next) + ")");
        }
        version_ = next;
    }
    return {};
}

Status Store::record_event(const std::string& kind, const std::string& detail) {
    Stmt s(db_, "INSERT INTO daemon_events(ts_ms, kind, detail) VALUES (?, ?, ?)");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, now_ms());
    s.bind(2, kind);
    s.bind(3, detail);
    if (s.step() != SQLITE_DONE) return db_error(db_, "record event");
    return {};
}

Result<std::vector<StoredEvent>> Store::recent_events(int limit) {
    Stmt s(db_, "SELECT id, ts_ms, kind, detail FROM daemon_events ORDER BY id DESC LIMIT ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, static_cast<int64_t>(limit));
    std::vector<StoredEvent> out;
    while (s.step() == SQLITE_ROW) out.push_back({s.i64(0), s.i64(1), s.text(2), s.text(3)});
    return out;
}

Status Store::upsert_project(const StoredProject& p) {
    Stmt s(db_, "INSERT INTO projects(name, remote_url, repo_path, added_ms) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET remote_url=excluded.remote_url, "
                "repo_path=excluded.repo_path");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, p.name);
    s.bind(2, p.remote_url);
    s.bind(3, p.repo_path);
    s.bind(4, p.added_ms);
    if (s.step() != SQLITE_DONE) return db_error(db_, "save project");
    return {};
}

Status Store::remove_project(const std::string& name) {
    Stmt s(db_, "DELETE FROM projects WHERE name = ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, name);
    if (s.step() != SQLITE_DONE) return db_error(db_, "remove project");
    return {};
}

Status Store::delete_agent(const std::string& id) {
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    for (const char* sql :
         {"DELETE FROM claims WHERE agent_id = ?", "DELETE FROM agents WHERE id = ?"}) {
        Stmt s(db_, sql);
        if (s.ok()) s.bind(1, id);
        if (!s.ok() || s.step() != SQLITE_DONE) {
            Status err = db_error(db_, "delete agent " + id);
            (void)exec("ROLLBACK;");
            return err;
        }
    }
    return exec("COMMIT;");
}

Result<std::vector<StoredProject>> Store::projects() {
    Stmt s(db_, "SELECT name, remote_url, repo_path, added_ms FROM projects ORDER BY name");
    if (!s.ok()) return db_error(db_, "prepare");
    std::vector<StoredProject> out;
    while (s.step() == SQLITE_ROW) out.push_back({s.text(0), s.text(1), s.text(2), s.i64(3)});
    return out;
}

} // namespace fab

namespace fab {

namespace {
const char* const kSaveAgent =
    "INSERT INTO agents(id, kind, project, backend, worktree, branch, host_socket, state, "
    "session_id, description, prompt, error, created_ms, updated_ms, last_offset, input_tokens, "
    "output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, parser_state, retiring, "
    "model) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT(id) DO UPDATE SET state=excluded.state, session_id=excluded.session_id, "
    "description=excluded.description, error=excluded.error, updated_ms=excluded.updated_ms, "
    "last_offset=excluded.last_offset, input_tokens=excluded.input_tokens, "
    "output_tokens=excluded.output_tokens, cache_read_tokens=excluded.cache_read_tokens, "
    "cache_creation_tokens=excluded.cache_creation_tokens, cost_usd=excluded.cost_usd, "
    "parser_state=excluded.parser_state, worktree=excluded.worktree, branch=excluded.branch, "
    "retiring=excluded.retiring, model=excluded.model";

bool bind_and_step(sqlite3* db, const AgentRecord& a) {
    Stmt s(db, kSaveAgent);
    if (!s.ok()) return false;
    int i = 1;
    for (const std::string* v :
         {&a.id, &a.kind, &a.project, &a.backend, &a.worktree, &a.branch, &a.host_socket, &a.state,
          &a.session_id, &a.description, &a.prompt, &a.error})
        s.bind(i++, *v);
    for (int64_t v : {a.created_ms, a.updated_ms, a.last_offset, a.input_tokens, a.output_tokens,
                      a.cache_read_tokens, a.cache_creation_tokens})
        s.bind(i++, v);
    s.bind(i++, a.cost_usd);
    s.bind(i++, a.parser_state);
    s.bind(i++, static_cast<int64_t>(a.retiring));
    s.bind(i++, a.model);
    return s.step() == SQLITE_DONE;
}
} // namespace

Status Store::save_agent(const AgentRecord& a) {
    if (!bind_and_step(db_, a)) return db_error(db_, "save agent " + a.id);
    return {};
}

Status Store::save_agents(const std::vector<const AgentRecord*>& batch) {
    if (batch.empty()) return {};
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    for (const AgentRecord* a : batch) {
        if (!bind_and_step(db_, *a)) {
            auto err = db_error(db_, "save agent " + a->id);
            (void)exec("ROLLBACK;");
            return err;
        }
    }
    return exec("COMMIT;");
}

Result<std::vector<AgentRecord>> Store::agents() {
    Stmt s(db_, "SELECT id, kind, project, backend, worktree, branch, host_socket, state, "
                "session_id, description, prompt, error, created_ms, updated_ms, last_offset, "
                "input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, "
                "parser_state, retiring, model FROM agents ORDER BY created_ms, id");
    if (!s.ok()) return db_error(db_, "prepare");
    std::vector<AgentRecord> out;
    while (s.step() == SQLITE_ROW) {
        AgentRecord a;
        int c = 0;
        for (std::string* v :
             {&a.id, &a.kind, &a.project, &a.backend, &a.worktree, &a.branch, &a.host_socket,
              &a.state, &a.session_id, &a.description, &a.prompt, &a.error})
            *v = s.text(c++);
        for (int64_t* v : {&a.created_ms, &a.updated_ms, &a.last_offset, &a.input_tokens,
                           &a.output_tokens, &a.cache_read_tokens, &a.cache_creation_tokens})
            *v = s.i64(c++);
        a.cost_usd = s.dbl(c++);
        a.parser_state = s.text(c++);
        a.retiring = s.i64(c++) != 0;
        a.model = s.text(c++);
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace fab
