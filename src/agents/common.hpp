// Helpers shared by the backend adapters (claude.cpp, codex.cpp): the
// environment every agent gets, shell quoting, and the defensive JSON
// handling that lets a parser promise never to throw on what a CLI prints.
#pragma once

#include "agents/backend.hpp"
#include "protocol/fields.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fab::agents {

// Longest tool_result text kept in a ChatEntry. A `cat` of a big file would
// otherwise bloat the database and every client that replays the history.
inline constexpr size_t kMaxToolResultBytes = 64 * 1024;
// Longest piece of an unparsable line quoted in an error entry.
inline constexpr size_t kMaxQuotedBytes = 200;

// `s` in single quotes for /bin/sh, with embedded ' written as '\''.
std::string shell_quote(std::string_view s);

// FAB_* variables and PATH (directory of fab_bin first, then the current
// $PATH of this process) for any agent CLI. Always every FAB_* key, even when
// empty, so values inherited from the host's own environment never leak in.
std::vector<std::string> agent_env(const AgentParams& p);

// `s`, cut at kMaxToolResultBytes with a note saying how long it was.
std::string cap_text(std::string s);

// Compact dump that never throws (invalid UTF-8 becomes U+FFFD).
std::string dump(const nlohmann::json& j);

// Parses one output line into `out`. Invalid UTF-8 inside strings (nlohmann
// rejects it) is replaced by U+FFFD and parsed again, so a stray byte in a
// tool's output does not lose the whole line. false: not JSON at all.
bool parse_line_json(std::string_view line, nlohmann::json& out);

// The `error` entry for a line that is not a JSON object.
ChatEntry unparsable_line_entry(std::string_view line);

// Field readers that never throw: a missing or mistyped field reads as
// empty / zero, because CLI output changes between versions.
using fab::obj_ptr; // the lenient JSON readers (protocol/fields.hpp)
using fab::str_or;
using fab::str_ptr;
inline int64_t int_or_zero(const nlohmann::json& j, const char* key) {
    return int_or(j, key);
}
inline double double_or_zero(const nlohmann::json& j, const char* key) {
    return double_or(j, key);
}
inline bool bool_or_false(const nlohmann::json& j, const char* key) {
    return bool_or(j, key);
}

// True when `line` is blank (the CLIs never print blank lines, but a
// trailing "\r" or an empty final line must not become an error entry).
bool blank(std::string_view line);

// Constructors used by make_backend (registry.cpp).
std::unique_ptr<Backend> make_claude_backend(std::string name, std::string default_program);
std::unique_ptr<Backend> make_codex_backend();

} // namespace fab::agents
