// Git worktrees for agents: projects/<name>/worktrees/wt-<agent-id> on branch
// fab/<agent-id>, made from the project's main line. Mutations run the git
// CLI as child processes of the loop (never blocking it): libgit2 leaves junk
// after a failed worktree add and prunes dirty worktrees without warning.
// Every git here is hardened by daemon/git/safe_git.hpp.
#pragma once

#include "ev/process.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>
#include <vector>

namespace fab::worktree {

// `git worktree add -b <branch> <path> HEAD`; on failure everything it made
// (directory, branch, worktree metadata) is removed before `done` runs.
void add(uv_loop_t* loop, const std::string& repo, const std::string& path,
         const std::string& branch, std::function<void(Status)> done);

struct Leftover {
    bool dirty = false;  // uncommitted changes
    int unmerged = 0;    // commits on the branch that HEAD of the repo lacks
    std::string refused; // why no git may run there (its .git was rewritten)
    std::string describe() const;
};

// Removes the worktree and its branch only when nothing would be lost;
// otherwise keeps both and reports why (`kept` = true). A worktree whose
// .git no longer points where fab made it is kept untouched (`refused`).
void remove_if_clean(uv_loop_t* loop, const std::string& repo, const std::string& path,
                     const std::string& branch,
                     std::function<void(bool kept, Leftover what, Status)> done);

// Runs `job` once no other worktree mutation of `repo` runs (they go one at
// a time per repository); `release` lets the next one start. For work that
// must not overlap an add or a removal (deleting a whole project).
void exclusive(const std::string& repo, std::function<void(std::function<void()> release)> job);

// Worktree directories and fab/* branches of `repo` that no known agent owns.
void find_orphans(uv_loop_t* loop, const std::string& repo, const std::string& worktrees_dir,
                  std::function<bool(const std::string& agent_id)> known,
                  std::function<void(std::vector<std::string> orphans)> done);

} // namespace fab::worktree
