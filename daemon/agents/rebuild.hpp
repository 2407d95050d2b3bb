// Agents as their files on disk describe them, for a daemon whose state.db is
// new (the old one was damaged and moved aside): each $FAB_DIR/agents/<id>/
// holds the host spec the daemon wrote (backend, project, kind, worktree,
// session, host socket) and the transcript the host appended. The supervisor
// re-attaches to hosts that still run and replays the transcripts of the
// others, so their history and usage come back; what only state.db knew
// (final states, descriptions, claims, the merged-work log) does not.
#pragma once

#include "config/paths.hpp"
#include "store/store.hpp"

#include <vector>

namespace fab {

// One record per agent directory with a readable spec.json, oldest first;
// state "starting", last_offset -1 (the whole transcript is read again).
// Blocking file reads: call at start-up, before the loop runs.
std::vector<AgentRecord> agents_from_disk(const Paths& paths);

} // namespace fab
