// The agent host's process tree. Claude runs Bash tools in their own
// sessions, so signalling its process group misses them and they survive a
// SIGKILL of claude. The host therefore makes itself a child subreaper: every
// orphaned descendant is re-parented to it, and can be found and killed.
#pragma once

#include <set>
#include <vector>

namespace fab::proc_tree {

bool become_subreaper();
// Direct children of this process (read from /proc).
std::vector<int> children();
// Sends `sig` to every descendant (children, their children, …).
void signal_descendants(int sig);
// Reaps exited children that libuv does not own (re-parented orphans):
// waitpid on each specific pid, never waitpid(-1).
void reap_orphans(const std::set<int>& owned_by_libuv);

} // namespace fab::proc_tree
