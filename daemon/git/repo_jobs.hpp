// One git job at a time per repository: the one queue the daemon holds
// (Daemon::git().jobs()) for everything that must not overlap on a clone.
//
// Two lanes per repository, each one job at a time:
//   - main_line: whatever moves the clone's main (a merge, a ticket commit,
//     a fetch and fast-forward), so that two agents finishing together do
//     not race on main;
//   - worktrees: `git worktree add/remove/prune` and branch deletion, which
//     race on .git/worktrees (measured: "failed to read …/commondir"; a failed
//     add's prune could remove another add in progress).
// They are separate lanes so that a merge that waits on the network (push,
// `gh pr create`) does not hold up starting an agent; a job that needs both
// (deleting a project) takes main_line, then worktrees inside it — always in
// that order, so two such jobs cannot deadlock.
// Loop thread only.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace fab::git {

class RepoJobs {
  public:
    enum class Lane { main_line, worktrees };
    // `job` runs once every earlier job of this repository and lane has
    // called its `release`; it must call `release` exactly once (later
    // calls do nothing). Repositories are told apart by their normalised path.
    using Job = std::function<void(std::function<void()> release)>;
    void run(const std::string& repo, Lane lane, Job job);

    // Jobs queued or running for this repository and lane (tests, status).
    size_t pending(const std::string& repo, Lane lane) const;

  private:
    using Key = std::pair<std::string, Lane>;
    static Key key(const std::string& repo, Lane lane);
    void start_next(const Key& k);
    std::map<Key, std::deque<Job>> queues_;
};

} // namespace fab::git
