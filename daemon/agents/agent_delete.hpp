// Removing an ended agent (`fab agent rm`, agent.delete, retention, gc): its
// worktree and branch, its transcript directory, its host socket, its claims
// and its record. Never a live agent (its state is not final, or its host
// still answers). Uncommitted changes or commits the main line lacks make it
// refuse; with `force` they are saved in $FAB_DIR/attic first (a verified
// git bundle of the branch, a patch of the worktree: daemon/agents/attic) and
// nothing is deleted unless that succeeded. Loop thread only.
#pragma once

#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>

namespace fab {

class Daemon;
struct Agent;

// Why `a` may not be removed now ("" = it has ended and its host is gone).
std::string live_reason(const Agent& a);

struct DeleteAgent {
    std::string id;
    bool force = false; // save work at risk in the attic instead of refusing
};

// done → {"id", "project", "freed_bytes", "attic" ("" when nothing needed
// saving), "saved": [{"what", "file", "detail"}]}.
void delete_agent(Daemon& d, const DeleteAgent& req, std::function<void(Result<Json>)> done);

} // namespace fab
