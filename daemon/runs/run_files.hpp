// GET /api/v1/runs/{id}/files (run.files): what a run's branch changed
// against its base — the files with their status and +/- counts, and the
// patch, bounded (daemon/git/diff_files.hpp). While the run's worktree
// exists, uncommitted work counts too. The git work runs on the thread pool.
#pragma once

#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>

namespace fab {

class Daemon;

// `done` on the loop thread: {run_id, branch, base, head, worktree, files[],
// total_files, additions, deletions, patch, truncated}. A run that has no
// agent yet has no changes (files empty, base and head null).
void run_files(Daemon& d, const std::string& run_id, int64_t max_patch_bytes,
               std::function<void(Result<Json>)> done);

} // namespace fab
