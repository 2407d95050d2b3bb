// Read-only git queries through libgit2, in process: no git child, no fork.
// Each function blocks (it reads the object database and stats the work
// tree), so the daemon calls them on the thread pool (git::Runner::query).
//
// Each one answers what the git CLI call it replaces answers; the comment
// names that call, and tests/unit/git_queries_test.cpp compares both on real
// repositories. Hardening (issue 19) holds by construction: libgit2 runs no
// program at all — no hooks, no fsmonitor, no clean/smudge filter drivers, no
// external diff or textconv — and the repository is opened at the exact path
// fab chose (no discovery upwards, no GIT_DIR from the environment); an
// agent's worktree by its verified git dir, with the work tree set by fab.
//
// Thread safety: libgit2 is initialised once per process (Library); one
// query opens its own git_repository, so queries may run on several pool
// threads at once.
#pragma once

#include "daemon/git/safe_git.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace fab::gitq {

// git_libgit2_init()/git_libgit2_shutdown() for as long as it lives; the
// daemon holds one (and so do tests and the bench).
class Library {
  public:
    Library();
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
    static std::string version(); // "1.5.1"
};

// `git status --porcelain -z` (with safe_git's --ignore-submodules=dirty)
// printed anything: staged or unstaged changes, conflicts, and — unless
// `untracked` is false (`-uno`) — untracked files that are not ignored. A
// submodule counts when its checked-out commit moved, not for changes
// inside it. Stops at the first difference.
Result<bool> is_dirty(const safegit::Where& where, bool untracked = true);

// `git rev-list --count <include> --not <exclude…>`: commits reachable from
// `include` and from none of `exclude`. Each exclude is a revision, or a
// glob of refs when it starts with "refs/" and holds a '*'
// ("refs/heads/*" = --branches, "refs/remotes/*" = --remotes).
Result<int> count(const std::string& repo, const std::string& include,
                  const std::vector<std::string>& exclude);

// `git merge-base --is-ancestor <ancestor> <descendant>` exits 0.
Result<bool> is_ancestor(const std::string& repo, const std::string& ancestor,
                         const std::string& descendant);

struct Commit {
    std::string sha, subject;
    bool operator==(const Commit&) const = default;
};
// `git log --reverse --format=%H%x1f%s <from>..<to>`: oldest first. The
// subject is the first paragraph of the message joined into one line, as %s.
Result<std::vector<Commit>> log(const std::string& repo, const std::string& from,
                                const std::string& to);

struct DiffStat {
    int files = 0, insertions = 0, deletions = 0;
    bool operator==(const DiffStat&) const = default;
};
// `git diff --shortstat <from> <to>` (trees only: no textconv, no external
// diff, binary files count as changed files with no lines).
Result<DiffStat> diff_stat(const std::string& repo, const std::string& from, const std::string& to);

} // namespace fab::gitq
