// Is an agent's worktree still linked to fab's clone the way `git worktree
// add` made it? The agent can rewrite its worktree's `.git` file to point at
// a git dir it wrote itself (whose config names an fsmonitor, filters, hooks):
// any git run there would run them. So before the daemon runs git on a
// worktree it checks that <worktree>/.git is a regular file (not a link, not
// a directory) reading "gitdir: <clone>/.git/worktrees/<name>", and that
// this directory's own `gitdir` file names <worktree>/.git back. Then it
// names that git dir to git explicitly (safe_git.hpp: Where), so that git
// never reads the `.git` file again, even if it changes after the check.
// A few small reads on local files, opened without following links and
// without blocking (a FIFO there cannot hang the loop).
#pragma once

#include "util/result.hpp"

#include <string>

namespace fab::safegit {

// The worktree's git dir (absolute) when the link holds; otherwise an error
// naming the file that is wrong and what it should read.
Result<std::string> verify_worktree(const std::string& clone, const std::string& worktree);

} // namespace fab::safegit
