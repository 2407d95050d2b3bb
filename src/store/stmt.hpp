// Internal to src/store: RAII for a prepared statement and error text.
#pragma once

#include "util/result.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace fab {

// RAII for a prepared statement.
class Stmt {
  public:
    Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
    ~Stmt() { sqlite3_finalize(s_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    bool ok() const { return rc_ == SQLITE_OK; }
    void bind(int i, const std::string& v) {
        sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
    void bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
    double dbl(int c) { return sqlite3_column_double(s_, c); }
    int step() { return sqlite3_step(s_); }
    int64_t i64(int c) { return sqlite3_column_int64(s_, c); }
    std::string text(int c) {
        auto* p = sqlite3_column_text(s_, c);
        return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    }

  private:
    sqlite3_stmt* s_ = nullptr;
    int rc_;
};

inline Error db_error(sqlite3* db, const std::string& what) {
    return make_error("state.db: " + what + ": " + sqlite3_errmsg(db));
}

} // namespace fab
