// $FAB_DIR/permissions.log: one line per PreToolUse decision, so a user can
// see afterwards which rule let a command through (or kept it out).
//
//   2026-11-21T07:26:12.345Z agent=a1b2 tool=Bash decision=allow
//       rule="read-only-git" subject="git status -s"      (one line)
//
// Each line is written with a single write(2) on an O_APPEND descriptor, so
// lines from concurrent hooks never interleave. Only the tool's primary field
// is logged, cut to 120 bytes with control characters escaped — never the
// environment or the rest of the input, which can hold secrets or whole files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fab::rules {

struct LogEntry {
    std::string agent, tool, decision, rule, subject;
};

// The line, '\n' included.
std::string format_log_line(const LogEntry& e, int64_t epoch_ms);

// Best effort: a log that cannot be written must not change the decision.
void append_decision_log(const std::string& path, const LogEntry& e);

} // namespace fab::rules
