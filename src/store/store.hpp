// The daemon's SQLite store ($FAB_DIR/state.db): WAL mode, schema versioned
// with PRAGMA user_version and migrated forward in one transaction per step.
// Only the daemon opens it. Every write is a short transaction (WAL,
// synchronous=NORMAL: no fsync per commit), so it stays on the loop thread.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <memory>
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

class Store {
  public:
    static Result<std::unique_ptr<Store>> open(const std::string& path);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    int schema_version() const { return version_; }
    static int latest_schema_version();

    Status record_event(const std::string& kind, const std::string& detail);
    Result<std::vector<StoredEvent>> recent_events(int limit);

    // The registry snapshot: which projects the daemon knew, for `fab status`
    // and for spotting a project whose config section vanished.
    Status upsert_project(const StoredProject& p);
    Status remove_project(const std::string& name);
    Result<std::vector<StoredProject>> projects();

    // Executes SQL that returns no rows (used by migrations and tests).
    Status exec(const std::string& sql);

  private:
    explicit Store(sqlite3* db) : db_(db) {}
    Status migrate();

    sqlite3* db_;
    int version_ = 0;
};

} // namespace fab
