// Claims and merged commits: the orchestrator's durable state.
#include "store/stmt.hpp"
#include "store/store.hpp"
#include "util/time.hpp"

namespace fab {

Status Store::claim(const std::string& project, const std::string& ticket,
                    const std::string& agent_id) {
    // Read-then-write: BEGIN IMMEDIATE so two daemons (or a test poking the
    // file) cannot both see the ticket free.
    if (auto st = exec("BEGIN IMMEDIATE;"); !st) return st;
    std::string holder;
    {
        Stmt q(db_, "SELECT agent_id FROM claims WHERE project = ? AND ticket = ?");
        if (!q.ok()) {
            (void)exec("ROLLBACK;");
            return db_error(db_, "prepare");
        }
        q.bind(1, project);
        q.bind(2, ticket);
        if (q.step() == SQLITE_ROW) holder = q.text(0);
    }
    if (!holder.empty()) {
        (void)exec("ROLLBACK;");
        if (holder == agent_id) return {};
        return make_error("ticket " + ticket + " is already claimed by agent " + holder);
    }
    {
        Stmt ins(db_, "INSERT INTO claims(project, ticket, agent_id, claimed_ms) VALUES (?,?,?,?)");
        if (!ins.ok()) {
            (void)exec("ROLLBACK;");
            return db_error(db_, "prepare");
        }
        ins.bind(1, project);
        ins.bind(2, ticket);
        ins.bind(3, agent_id);
        ins.bind(4, now_ms());
        if (ins.step() != SQLITE_DONE) {
            auto err = db_error(db_, "claim " + ticket);
            (void)exec("ROLLBACK;");
            return err;
        }
    }
    return exec("COMMIT;");
}

Status Store::release_claims(const std::string& agent_id) {
    Stmt s(db_, "DELETE FROM claims WHERE agent_id = ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, agent_id);
    if (s.step() != SQLITE_DONE) return db_error(db_, "release claims of " + agent_id);
    return {};
}

Status Store::release_claim(const std::string& project, const std::string& ticket) {
    Stmt s(db_, "DELETE FROM claims WHERE project = ? AND ticket = ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, project);
    s.bind(2, ticket);
    if (s.step() != SQLITE_DONE) return db_error(db_, "release claim " + ticket);
    return {};
}

Result<std::vector<ClaimRecord>> Store::claims(const std::string& project) {
    Stmt s(db_, "SELECT project, ticket, agent_id, claimed_ms FROM claims "
                "WHERE ?1 = '' OR project = ?1 ORDER BY project, claimed_ms, ticket");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, project);
    std::vector<ClaimRecord> out;
    while (s.step() == SQLITE_ROW) out.push_back({s.text(0), s.text(1), s.text(2), s.i64(3)});
    return out;
}

Result<bool> Store::record_commit(const CommitRecord& c) {
    // A merged commit is logged once, even when a merge interrupted by a
    // killed daemon is logged again at the next start (pull requests: one
    // row per request, the sha being its branch tip).
    Stmt s(db_, "INSERT INTO commits(project, agent_id, ticket, sha, subject, branch, strategy, "
                "pr_url, ts_ms) SELECT ?1,?2,?3,?4,?5,?6,?7,?8,?9 WHERE ?7 != 'direct' OR NOT "
                "EXISTS (SELECT 1 FROM commits WHERE project = ?1 AND sha = ?4 AND strategy = "
                "'direct')");
    if (!s.ok()) return db_error(db_, "prepare");
    int i = 1;
    for (const std::string* v : {&c.project, &c.agent_id, &c.ticket, &c.sha, &c.subject, &c.branch,
                                 &c.strategy, &c.pr_url})
        s.bind(i++, *v);
    s.bind(i, c.ts_ms ? c.ts_ms : now_ms());
    if (s.step() != SQLITE_DONE) return db_error(db_, "record commit " + c.sha);
    return sqlite3_changes(db_) > 0;
}

Result<std::vector<CommitRecord>> Store::recent_commits(const std::string& project, int limit) {
    Stmt s(db_, "SELECT id, project, agent_id, ticket, sha, subject, branch, strategy, pr_url, "
                "ts_ms FROM commits WHERE ?1 = '' OR project = ?1 ORDER BY id DESC LIMIT ?2");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, project);
    s.bind(2, static_cast<int64_t>(limit));
    std::vector<CommitRecord> out;
    while (s.step() == SQLITE_ROW) {
        CommitRecord c;
        c.id = s.i64(0);
        int col = 1;
        for (std::string* v : {&c.project, &c.agent_id, &c.ticket, &c.sha, &c.subject, &c.branch,
                               &c.strategy, &c.pr_url})
            *v = s.text(col++);
        c.ts_ms = s.i64(col);
        out.push_back(std::move(c));
    }
    return out;
}

Result<int64_t> Store::commit_count(const std::string& project, const std::string& strategy) {
    Stmt s(db_, "SELECT count(*) FROM commits WHERE (?1 = '' OR project = ?1) "
                "AND (?2 = '' OR strategy = ?2)");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, project);
    s.bind(2, strategy);
    if (s.step() != SQLITE_ROW) return db_error(db_, "count commits");
    return s.i64(0);
}

} // namespace fab
