// Git worktrees for agents: projects/<name>/worktrees/wt-<agent-id> on branch
// fab/<agent-id>, made from the project's main line. Mutations run the git
// CLI as child processes of the loop (never blocking it), one at a time per
// repository (git::RepoJobs, worktrees lane): libgit2 leaves junk after a
// failed worktree add and prunes dirty worktrees without warning. The checks
// before a removal read through libgit2 on the thread pool.
// Every git here is hardened by daemon/git/safe_git.hpp.
#pragma once

#include "daemon/git/runner.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>
#include <vector>

namespace fab::worktree {

// `git worktree add -b <branch> <path> HEAD`; on failure everything it made
// (directory, branch, worktree metadata) is removed before `done` runs.
void add(git::Runner& git, const std::string& repo, const std::string& path,
         const std::string& branch, std::function<void(Status)> done);

struct Leftover {
    bool exists = false; // the worktree's directory is there (inspect)
    bool dirty = false;  // uncommitted changes
    int unmerged = 0;    // commits on the branch that HEAD of the repo lacks
    std::string refused; // why no git may run there (its .git was rewritten)
    std::string describe() const;
    bool at_risk() const { return dirty || unmerged > 0 || !refused.empty(); }
};

// What removing the worktree and its branch would lose: uncommitted changes
// (libgit2 status), commits on the branch the repository's HEAD lacks, or a
// worktree whose .git no longer points where fab made it (`refused`). A
// branch alone (the directory gone) is checked too. Reads only.
void inspect(git::Runner& git, const std::string& repo, const std::string& path,
             const std::string& branch, std::function<void(Result<Leftover>)> done);

// `git worktree remove --force` (when the directory is there), then the
// branch. Only after inspect() found nothing at risk, or after the work was
// saved (daemon/agents/attic).
void remove(git::Runner& git, const std::string& repo, const std::string& path,
            const std::string& branch, std::function<void(Status)> done);

// Removes the worktree and its branch only when nothing would be lost;
// otherwise keeps both and reports why (`kept` = true). A worktree whose
// .git no longer points where fab made it is kept untouched (`refused`).
void remove_if_clean(git::Runner& git, const std::string& repo, const std::string& path,
                     const std::string& branch,
                     std::function<void(bool kept, Leftover what, Status)> done);

// Worktree directories and fab/* branches of `repo` that no known agent owns.
void find_orphans(git::Runner& git, const std::string& repo, const std::string& worktrees_dir,
                  std::function<bool(const std::string& agent_id)> known,
                  std::function<void(std::vector<std::string> orphans)> done);

} // namespace fab::worktree
