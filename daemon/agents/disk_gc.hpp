// Keeping $FAB_DIR from filling up: agent retention (`agent-retention` days
// after an agent ended its record, transcript, worktree and branch go, as
// `fab agent rm` removes them), `fab gc` (that, plus transcripts no agent
// owns, worktrees no agent owns, fab/ branches already merged), and the disk
// figures of `fab status`. Nothing here deletes work: a live agent is never
// touched, and an agent or orphaned worktree with uncommitted changes or
// unmerged commits is kept and reported. Sizes are measured on the thread
// pool; git runs through the git runner. Loop thread only.
#pragma once

#include "protocol/envelope.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fab {

class Daemon;
class Supervisor;

namespace gc {

constexpr uint64_t kSweepMs = 60ull * 60 * 1000; // retention runs hourly (and at start)

// Agents that ended (and whose host is gone) more than `days` days before
// `now_ms`, oldest first; none when days is 0.
std::vector<std::string> expired_agents(Supervisor& s, int days, int64_t now_ms);

// Each item: {"kind": agent|transcript|worktree|branch, "path", "project",
// "bytes", "action": removed|would remove|kept, "why" (kept)}.
// The retention sweep alone (also run by collect).
void sweep_retention(Daemon& d, bool dry_run, std::function<void(Json items)> done);
// `fab gc`: done → {"dry_run", "items": [...], "freed_bytes"}.
void collect(Daemon& d, bool dry_run, std::function<void(Json)> done);
// {"total_bytes", "transcripts_bytes", "worktrees_bytes", "clones_bytes", "attic_bytes"}.
void disk_used(Daemon& d, std::function<void(Json)> done);

} // namespace gc
} // namespace fab
