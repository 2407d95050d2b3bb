// Permission rules: the parsed form of permissions.ini.
//
// A rule file is a list of `[rule "name"]` sections, tried in file order; the
// first rule that matches a tool call decides it (see rules/evaluate.hpp).
//   tool     = Bash | Read|Write | * (or absent: any tool)
//   action   = allow | deny | pass          (exactly one of action, script)
//   script   = path of a program that prints allow|deny|pass
//   pattern  = one pattern                  (exactly as written, commas kept)
//   patterns = p1, p2, …                    (comma-separated list)
//   paths    = path patterns                (Bash only: every path argument
//                                            of the command must match one)
//   reason   = text                         (shown with the decision)
// Patterns: `:*` or empty matches everything; `text:*` is a prefix; anything
// else is exact. There are no globs: `*` is a literal character except in the
// `:*` suffix, and a bare `*` is refused because it reads like "everything".
// A leading `=` makes the rest exact and literal: `=x:*` is the text "x:*",
// `=*` is "*" (`fab permission allow --always` writes these).
// Path patterns start with `/` (inside the agent's worktree), `//` (absolute)
// or `~/` (home); they are compared with the normalised path (rules/match.hpp)
// and may not contain `..`. `**/` right after the anchor means "at any
// depth": `//**/.git:*` is every path with a `.git` component.
// Every error reads `<file>:<line>: <what is wrong>`
// so the user knows which line to fix; a file with an error yields no rules at
// all (a half-read rule file could allow what a later rule would deny).
#pragma once

#include "config/ini_document.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab::rules {

enum class Action { allow, deny, pass };

std::string_view action_name(Action a);
std::optional<Action> parse_action(std::string_view s);

enum class PatternKind { all, exact, prefix };

// Where a path pattern is rooted; `none` for patterns that are not paths
// (Bash commands, URLs, …) — those never match a path field.
enum class Anchor { none, worktree, absolute, home };

struct Pattern {
    std::string text; // as written, for messages
    PatternKind kind = PatternKind::all;
    std::string value; // the exact text or the prefix, without `:*`
    // The path reading of `value` when it starts with /, // or ~: relative to
    // the anchor, lexically normalised, no leading or trailing '/' ("" = the
    // anchor itself).
    Anchor anchor = Anchor::none;
    std::string rel;
    bool any_depth = false; // `/**/rel`: rel may start at any component below the anchor
};

struct Rule {
    std::string name;
    std::string file;               // the file it came from, for messages and the log
    int line = 0;                   // line of the [rule "…"] header
    std::vector<std::string> tools; // empty = any tool
    std::optional<Action> action;   // absent when `script` decides
    std::string script;             // absolute path, or ""
    std::vector<Pattern> patterns;  // empty = everything
    std::vector<Pattern> paths;     // Bash: every path argument must match one (empty: no check)
    std::string reason;             // why the rule exists, shown with its decisions

    // Whether the rule names `tool` itself (not through `*` or an absent
    // `tool` key): AskUserQuestion and ExitPlanMode only obey such rules.
    bool names_tool(std::string_view tool) const;
    bool applies_to(std::string_view tool) const { return tools.empty() || names_tool(tool); }
    std::string where() const { return file + ":" + std::to_string(line); }
};

// Parses one pattern; the error has no file:line (the caller adds it).
Result<Pattern> parse_pattern(std::string_view text);

// `home` expands `~/` in script paths; relative script paths are taken from
// the directory of doc.filename().
Result<std::vector<Rule>> parse_rules(const IniDocument& doc, const std::string& home);

// A missing file has no rules.
Result<std::vector<Rule>> load_rules(const std::string& path, const std::string& home);

} // namespace fab::rules
