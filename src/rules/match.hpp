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
//     /` is not "git status". Only `:*` matches such commands. Nor does an
//     allow or script rule's exact or prefix pattern match a command with an
//     option that writes a file or runs a program (rules/writing_options.hpp:
//     `git log --output=F`, `sort -o`, `find -exec`, `git -c …`; checked in
//     rules/evaluate.cpp, so that a pass rule can still name them).
//   - A Bash rule with `paths` applies only when every path argument of the
//     command — each operand and --opt=value, with ~ and globs expanded as
//     bash would, relative ones from the hook's cwd — normalises to a path
//     matching one of them (bash_paths_within).
//   - Deny rules match more: the line is read as bash reads it
//     (rules/shell.hpp) and a deny pattern matches when any command it runs
//     does — in a pipeline, list, $( ), ` `, after quote removal ('sudo',
//     \sudo), behind wrappers (env, nice, timeout, xargs, …), by basename
//     (/usr/bin/sudo). Options are compared as a set (rm -rf = rm -fR = rm
//     --recursive --force). A prefix pattern's options and operands must all
//     appear (operands in order), with others around them; an exact
//     pattern's must be all there is (`sh` is not `sh --version`).
#pragma once

#include "rules/rules.hpp"

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab::rules {

struct MatchContext {
    std::string worktree; // FAB_WORKTREE; "" (or "/") and worktree patterns match nothing
    std::string cwd;      // where relative Bash arguments start ("": the worktree)
    std::string home;     // expands ~ in paths and patterns
    int script_timeout_ms = 5000;
    // Directories (worktree, home, cwd) already resolved while deciding with
    // this context: every path pattern needs its anchor, and resolving one
    // costs a realpath per component.
    mutable std::map<std::string, std::optional<std::string>, std::less<>> resolved;
};

// Read, Write, Edit, MultiEdit, NotebookEdit: tools whose only subject is a path.
bool is_path_tool(std::string_view tool);
// The primary field's name, or nullptr when the tool has none.
const char* primary_field(std::string_view tool);
// The primary field's value; "" when absent or not a string.
std::string primary_value(std::string_view tool, const nlohmann::json& input);

bool has_shell_metachar(std::string_view command);
// The commands a line runs (rules/shell.hpp command_views), each as its
// words joined by a space: "a; FOO=1 nohup b x | c" → nohup b x, b x, a, c.
std::vector<std::string> bash_segments(std::string_view command);
// `deny_side`: also match any single segment (for deny rules only).
bool bash_matches(const Pattern& p, std::string_view command, bool deny_side);

// The option of a plain command (rules/writing_options.hpp) that writes a
// file or runs a program; "" when there is none.
std::string bash_writing_option(std::string_view command);

// Whether every path argument of `command` (one simple command, quotes
// allowed, nothing else) matches one of `paths`. On failure `why` says which.
bool bash_paths_within(const std::vector<Pattern>& paths, std::string_view command,
                       const MatchContext& ctx, std::string* why = nullptr);

// Whether `p` matches the call. `deny_side` as for bash_matches. On a match
// `why` (when given) says what matched, for `fab permissions check` and the
// reason shown to the model.
bool pattern_matches(const Pattern& p, std::string_view tool, const nlohmann::json& input,
                     const MatchContext& ctx, bool deny_side, std::string* why = nullptr);

} // namespace fab::rules
