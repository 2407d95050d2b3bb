// The attic: where work goes before fab deletes the place it lived in
// ($FAB_DIR/attic/<label>-<UTC time>/). Branches are saved as one
// self-contained git bundle (verified after writing), uncommitted changes of
// a worktree as a binary patch against its HEAD, tracked and untracked files
// alike. Ignored files of a dirty worktree (a .env, local notes) are copied
// beside the patch when small, and all of them listed. The patch is made through a temporary
// index (GIT_INDEX_FILE): the worktree, its index and its stash are never
// touched. Every git runs as a child of the loop through gitcmd::run; the
// caller deletes nothing unless `done` reports success. Loop thread only.
#pragma once

#include "daemon/git/safe_git.hpp"
#include "ev/process.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fab::attic {

// A new directory $FAB_DIR/attic/<label>-<YYYYmmddTHHMMSSZ> (with -2, -3…
// when that name is taken), mode 0700.
Result<std::string> make_dir(const std::string& fab_dir, const std::string& label);

// The uncommitted changes of `worktree` as a patch at `patch_file`, which
// `git apply` applies on the commit `base` (the worktree's HEAD; empty when
// unborn). `saved` is false (and no file is left) when the worktree is clean.
// A dirty worktree's ignored files are listed in <patch stem>.ignored.txt
// and, when regular files within the limits below, copied under
// <patch stem>.ignored/ with their paths; wholly ignored directories
// (build/, node_modules/) are listed, not copied.
struct Changes {
    bool saved = false;
    std::string base;
    std::string ignored_list;   // the list's file name, or "" when nothing is ignored
    size_t ignored_entries = 0; // listed
    size_t ignored_copied = 0;  // of them copied
};
constexpr uintmax_t kIgnoredFileMax = 1u << 20;   // a bigger ignored file is only listed
constexpr uintmax_t kIgnoredTotalMax = 32u << 20; // copies stop at this total
void save_changes(uv_loop_t* loop, const safegit::Where& worktree, const std::string& patch_file,
                  std::function<void(Result<Changes>)> done);

// `refs` (full names, "refs/heads/fab/x") of `repo` with all their history
// into `bundle_file`, then `git bundle verify`.
void save_refs(uv_loop_t* loop, const std::string& repo, const std::vector<std::string>& refs,
               const std::string& bundle_file, std::function<void(Status)> done);

// What one save did, for the manifest and the caller's report.
struct Item {
    std::string what; // "branches", or the worktree's path
    std::string file; // in the attic directory
    std::string detail;
};

// Writes <dir>/MANIFEST.txt (what each file holds and how to get it back)
// on the thread pool.
void write_manifest(uv_loop_t* loop, const std::string& dir, const std::string& title,
                    std::vector<Item> items, std::function<void(Status)> done);

} // namespace fab::attic
