// Matching one pattern against one tool call.
//
// Each tool has a primary field that patterns are compared with: Bash
// `command`; Read/Write/Edit/MultiEdit `file_path`; NotebookEdit
// `notebook_path`; Glob/Grep `pattern`; WebFetch `url`; WebSearch `query`;
// Task/Agent `prompt`; Skill `skill`. A tool without one (TodoWrite, MCP
// tools, …) only matches `:*` and empty patterns.
//
// Paths (the file tools, and Glob/Grep's search directory) are normalised
// first (rules/normalize.hpp) and compared component-wise with the pattern's
// anchor + rest: `/src:*` covers <worktree>/src and everything below it, not
// <worktree>/srcx. Only the anchors (worktree, home) are resolved through
// symlinks; a symlink named inside a pattern is not followed, so an agent
// cannot widen `/build:*` by replacing build/ with a link to /.
//
// Bash commands (the security boundary; see bash_matches):
//   - Commands are trimmed and runs of blanks collapsed before comparing.
//   - `git status:*` matches "git status" and "git status <more>": the prefix
//     ends at a word boundary, so it does not match "git statusx".
//   - A command holding a shell metacharacter — ; & | $ ` ( ) < > newline or
//     carriage return — never matches an exact or prefix pattern of a rule
//     that may allow (action allow or pass, or a script): `git status; rm -rf
//     /` is not "git status". Only `:*` matches such commands.
//   - Deny rules match more: a deny pattern also matches when any one command
//     of a compound line matches (`ls && sudo rm x` hits `sudo:*`), after
//     leading VAR=value words and env/nohup/time/exec/command are skipped.
//     This is best effort; what keeps hostile commands out is the rule above.
#pragma once

#include "rules/rules.hpp"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace fab::rules {

struct MatchContext {
    std::string worktree; // FAB_WORKTREE, else the hook input's cwd
    std::string home;     // expands ~ in paths and patterns
    int script_timeout_ms = 5000;
};

// Read, Write, Edit, MultiEdit, NotebookEdit: tools whose only subject is a path.
bool is_path_tool(std::string_view tool);
// The primary field's name, or nullptr when the tool has none.
const char* primary_field(std::string_view tool);
// The primary field's value; "" when absent or not a string.
std::string primary_value(std::string_view tool, const nlohmann::json& input);

bool has_shell_metachar(std::string_view command);
// The simple commands of a compound line, each trimmed, with leading
// assignments and wrappers (env, nohup, …) removed.
std::vector<std::string> bash_segments(std::string_view command);
// `deny_side`: also match any single segment (for deny rules only).
bool bash_matches(const Pattern& p, std::string_view command, bool deny_side);

// Whether `p` matches the call. `deny_side` as for bash_matches. On a match
// `why` (when given) says what matched, for `fab permissions check` and the
// reason shown to the model.
bool pattern_matches(const Pattern& p, std::string_view tool, const nlohmann::json& input,
                     const MatchContext& ctx, bool deny_side, std::string* why = nullptr);

} // namespace fab::rules
