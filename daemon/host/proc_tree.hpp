// The agent host's process tree. Claude runs Bash tools in their own
// sessions, so signalling its process group misses them and they survive a
// SIGKILL of claude. The host therefore makes itself a child subreaper: every
// orphaned descendant is re-parented to it, and can be found and killed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

namespace fab::proc_tree {

bool become_subreaper();
// Direct children of this process (read from /proc).
std::vector<int> children();
// Sends `sig` to every descendant (children, their children, …).
void signal_descendants(int sig);
// How much the descendants of this process other than `except` (the agent
// CLI itself) have done: CPU ticks plus bytes written (/proc/<pid>/stat and
// io), and how many there are. A long tool call (a test run) that prints or
// computes changes the sum; one that sleeps or waits does not.
struct Activity {
    uint64_t work = 0;
    size_t processes = 0;
};
Activity tree_activity(int except);
// Reaps exited children that libuv does not own (re-parented orphans):
// waitpid on each specific pid, never waitpid(-1).
void reap_orphans(const std::set<int>& owned_by_libuv);

} // namespace fab::proc_tree
