// Parsers for git's NUL-separated (`-z`) output. Path names are taken as git
// wrote them: never trimmed (a status line " M README.md" starts with a
// space that is part of its status columns) and never quoted (`-z` turns
// core.quotePath off), so a name with spaces, quotes or newlines survives.
// Pure: unit-tested in tests/unit/porcelain_test.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fab::porcelain {

// The fields of `-z` output (`diff --name-only -z`, `ls-files -z`): split at
// NUL, empty fields dropped.
std::vector<std::string> nul_fields(std::string_view out);

// One entry of `git status --porcelain -z` (format v1): "XY path", and for a
// rename or copy the original path as the next field.
struct StatusEntry {
    char index = ' ', worktree = ' '; // X and Y
    std::string path;
    std::string orig_path; // renames and copies only
};
std::vector<StatusEntry> parse_status(std::string_view out);

// The paths of `git status --porcelain -z`, in git's order.
std::vector<std::string> status_paths(std::string_view out);

// One worktree of `git worktree list --porcelain -z`.
struct WorktreeEntry {
    std::string path;
    std::string head;   // commit id; empty when unborn
    std::string branch; // "refs/heads/…"; empty when detached
    bool bare = false, prunable = false;
};
std::vector<WorktreeEntry> parse_worktrees(std::string_view out);

} // namespace fab::porcelain
