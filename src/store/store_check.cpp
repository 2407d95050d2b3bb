// Trusting state.db before the daemon writes to it: an existing file must be
// an SQLite database that passes quick_check and holds every table the
// schema says. Anything else is "damaged": the daemon refuses to start and
// says how to recover, and the file is left exactly as it was (nothing here
// writes to it).
#include "store/store.hpp"

#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include "store/stmt.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fab {

namespace {

// The tables the latest schema has and the columns the store reads: a table
// that is gone or lost a column is damage, not something to re-create over.
struct TableShape {
    const char* name;
    const char* columns;
};
constexpr TableShape kTables[] = {
    {"daemon_events", "id, ts_ms, kind, detail"},
    {"projects", "name, remote_url, repo_path, added_ms"},
    {"agents", "id, kind, project, backend, worktree, branch, host_socket, state, session_id, "
               "description, prompt, error, created_ms, updated_ms, last_offset, input_tokens, "
               "output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, parser_state, "
               "retiring"},
    {"claims", "project, ticket, agent_id, claimed_ms"},
    {"commits", "id, project, agent_id, ticket, sha, subject, branch, strategy, pr_url, ts_ms"},
    {"runs", "id, position, project, goal, workflow, backend, model, status, reason, "
             "archived_from, agent_id, error, created_ms, updated_ms, started_ms, finished_ms"},
    {"run_events", "run_id, seq, id, ts_ms, event, node, stage, properties, agent_offset"},
    {"run_checkpoints",
     "run_id, source, file, inputs, state, worktree, stage, stage_status, "
     "stage_agent, stage_pid, stage_pid_start, question, end_status, end_reason, "
     "updated_ms"},
};

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

} // namespace

std::string Store::file_damage(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return {};
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (st.st_size == 0) return "0 bytes: an empty file where the database was";
    static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                    'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    char head[sizeof kMagic] = {};
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {}; // unreadable: sqlite3_open reports it with the reason
    ssize_t n = ::read(fd, head, sizeof head);
    ::close(fd);
    if (n != static_cast<ssize_t>(sizeof head) || std::memcmp(head, kMagic, sizeof head) != 0)
        return "not an SQLite database: its header is not SQLite's";
    return {};
}

void Store::set_aside_orphan_journals(const std::string& path) {
    // A -wal left by a database that was moved away would be replayed into
    // the new, empty one; keep it (it may be evidence) under another name.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        std::string j = path + suffix;
        struct stat st {};
        if (::lstat(j.c_str(), &st) != 0) continue;
        std::string aside = j + ".orphaned-" + std::to_string(now_ms());
        if (::rename(j.c_str(), aside.c_str()) == 0)
            log::warn(j + " belonged to a database that is gone; moved to " + aside);
    }
}

Status Store::check_integrity() {
    Stmt q(db_, "PRAGMA quick_check(1)");
    if (!q.ok()) return make_error(one_line(sqlite3_errmsg(db_)));
    int rc = q.step();
    if (rc != SQLITE_ROW) return make_error("quick_check: " + one_line(sqlite3_errmsg(db_)));
    std::string verdict = q.text(0);
    if (verdict != "ok") return make_error("quick_check: " + one_line(verdict));
    return {};
}

Status Store::check_tables() {
    for (const TableShape& t : kTables) {
        std::string sql = std::string("SELECT ") + t.columns + " FROM " + t.name + " LIMIT 0";
        Stmt q(db_, sql.c_str());
        if (!q.ok()) return make_error("table " + std::string(t.name) + ": " + sqlite3_errmsg(db_));
    }
    return {};
}

} // namespace fab
