// The files a branch changed since it left the main line, with their +/-
// counts and the patch, bounded: GET /api/v1/runs/{id}/files. libgit2 in
// process, read only (no hooks, filters or external diff: see queries.hpp);
// it blocks, so the daemon runs it on the thread pool (git::Runner::query).
#pragma once

#include "daemon/git/safe_git.hpp"
#include "util/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fab::gitq {

struct FileChange {
    std::string path, old_path; // old_path: renames and copies only
    std::string status;         // added|modified|deleted|renamed|copied|typechange
    int additions = 0, deletions = 0;
    bool binary = false;
};

struct BranchDiff {
    std::string base, head; // the merge base and the tip (commit ids)
    bool worktree = false;  // head plus the work tree's uncommitted changes
    std::vector<FileChange> files;
    size_t total_files = 0; // all changed files (files holds at most max_files)
    int additions = 0, deletions = 0;
    std::string patch;      // unified diff of the files listed, at most max_patch_bytes
    bool truncated = false; // files or patch were cut
};

struct DiffLimits {
    size_t max_files = 1000;
    size_t max_patch_bytes = 512 * 1024;
};

// `git diff $(git merge-base HEAD <branch>) <branch>` in the clone `repo`
// (whose HEAD is the main line), with renames. When `worktree` is given
// (its verified git dir: safegit::verify_worktree), the tip is the work
// tree's HEAD and the diff goes to its work tree and index instead: what
// the branch committed and what is not committed yet, untracked files
// (not ignored) included.
Result<BranchDiff> branch_diff(const std::string& repo, const std::string& branch,
                               const std::optional<safegit::Where>& worktree,
                               const DiffLimits& limits = {});

} // namespace fab::gitq
