// The git directories a worktree's commits write to, outside the worktree:
// for codex's sandbox, which otherwise makes `git commit` fail with
// "index.lock: Read-only file system".
#pragma once

#include <string>
#include <vector>

namespace fab {

// A linked worktree (`.git` is a file "gitdir: <repo>/.git/worktrees/<name>"):
// that gitdir (index, HEAD) and the common dir's objects, refs and logs,
// those that exist. A worktree with a `.git` directory: nothing (it is inside
// the worktree already). Unreadable or malformed pointers: nothing (the
// sandbox then refuses commits, which is the safe failure).
std::vector<std::string> git_writable_roots(const std::string& worktree);

} // namespace fab
