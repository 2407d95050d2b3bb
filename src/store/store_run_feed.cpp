// Every run's events in one order, for the SSE stream across runs
// (GET /api/v1/attach): keyset paging on (ts_ms, run_id, seq).
#include "store/store.hpp"

#include "store/stmt.hpp"

#include <sqlite3.h>

namespace fab {

Result<std::vector<RunEventRecord>>
Store::run_events_after(int64_t ts_ms, const std::string& run_id, int64_t seq, int64_t limit) {
    Stmt s(db_, "SELECT run_id, seq, id, ts_ms, event, node, stage, properties FROM run_events "
                "WHERE (ts_ms, run_id, seq) > (?, ?, ?) ORDER BY ts_ms, run_id, seq LIMIT ?");
    if (!s.ok()) return db_error(db_, "prepare");
    s.bind(1, ts_ms);
    s.bind(2, run_id);
    s.bind(3, seq);
    s.bind(4, limit);
    std::vector<RunEventRecord> out;
    while (s.step() == SQLITE_ROW) {
        RunEventRecord e;
        e.run_id = s.text(0);
        e.seq = s.i64(1);
        e.id = s.text(2);
        e.ts_ms = s.i64(3);
        e.event = s.text(4);
        e.node = s.text(5);
        e.stage = s.text(6);
        e.properties = s.text(7);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace fab
