#include "daemon/git/diff_files.hpp"

#include "daemon/git/libgit2_util.hpp"

namespace fab::gitq {

namespace {

using namespace lg2;

const char* status_name(git_delta_t s) {
    switch (s) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED:
        return "added";
    case GIT_DELTA_DELETED:
        return "deleted";
    case GIT_DELTA_RENAMED:
        return "renamed";
    case GIT_DELTA_COPIED:
        return "copied";
    case GIT_DELTA_TYPECHANGE:
        return "typechange";
    default:
        return "modified";
    }
}

std::string oid_text(const git_oid& id) {
    char buf[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buf, sizeof buf, &id);
    return buf;
}

} // namespace

Result<BranchDiff> branch_diff(const std::string& repo_dir, const std::string& branch,
                               const std::optional<safegit::Where>& worktree,
                               const DiffLimits& limits) {
    auto clone = open(repo_dir);
    if (!clone) return Error{clone.error()};
    auto main_line = resolve(clone->get(), "HEAD");
    if (!main_line) return Error{"the main line: " + main_line.error()};
    git_oid main_id = *git_object_id(main_line->get());

    // The tip lives in the worktree's repository when there is one (the same
    // object database as the clone's).
    RepoPtr wt_repo;
    if (worktree) {
        auto w = open(*worktree);
        if (!w) return Error{w.error()};
        wt_repo = std::move(*w);
    }
    git_repository* r = wt_repo ? wt_repo.get() : clone->get();
    auto tip = resolve(r, wt_repo ? std::string("HEAD") : "refs/heads/" + branch);
    if (!tip) return Error{tip.error()};
    git_oid tip_id = *git_object_id(tip->get());

    git_oid base_id;
    if (git_merge_base(&base_id, r, &main_id, &tip_id) != 0)
        return failure("merge base of " + branch + " and the main line");
    BranchDiff out;
    out.base = oid_text(base_id);
    out.head = oid_text(tip_id);
    out.worktree = worktree.has_value();
    auto base_tree = tree_of(r, out.base);
    if (!base_tree) return Error{base_tree.error()};

    git_diff_options o = GIT_DIFF_OPTIONS_INIT;
    o.ignore_submodules = GIT_SUBMODULE_IGNORE_DIRTY;
    git_diff* d = nullptr;
    if (wt_repo) {
        o.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
                   GIT_DIFF_SHOW_UNTRACKED_CONTENT;
        if (git_diff_tree_to_workdir_with_index(&d, r, base_tree->get(), &o) != 0)
            return failure("diff of " + worktree->dir);
    } else {
        auto tip_tree = tree_of(r, out.head);
        if (!tip_tree) return Error{tip_tree.error()};
        if (git_diff_tree_to_tree(&d, r, base_tree->get(), tip_tree->get(), &o) != 0)
            return failure("diff");
    }
    DiffPtr diff(d);
    // Renames as `git diff` finds them (diff.renames, on by default);
    // untracked files count as added for rename detection too.
    git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
    fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
    if (git_diff_find_similar(d, &fo) != 0) return failure("rename detection");

    size_t n = git_diff_num_deltas(d);
    out.total_files = n;
    for (size_t i = 0; i < n && i < limits.max_files; ++i) {
        git_patch* p = nullptr;
        if (git_patch_from_diff(&p, d, i) != 0) return failure("patch");
        PatchPtr patch(p);
        const git_diff_delta* delta = git_patch_get_delta(p);
        FileChange f;
        f.status = status_name(delta->status);
        f.path = delta->new_file.path ? delta->new_file.path : "";
        if (delta->status == GIT_DELTA_DELETED && delta->old_file.path)
            f.path = delta->old_file.path;
        if ((delta->status == GIT_DELTA_RENAMED || delta->status == GIT_DELTA_COPIED) &&
            delta->old_file.path)
            f.old_path = delta->old_file.path;
        f.binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
        size_t context = 0, adds = 0, dels = 0;
        if (git_patch_line_stats(&context, &adds, &dels, p) != 0) return failure("line stats");
        f.additions = static_cast<int>(adds);
        f.deletions = static_cast<int>(dels);
        out.additions += f.additions;
        out.deletions += f.deletions;
        if (!out.truncated) {
            git_buf buf = GIT_BUF_INIT;
            if (git_patch_to_buf(&buf, p) != 0) return failure("patch text");
            BufPtr text(&buf);
            if (out.patch.size() + buf.size > limits.max_patch_bytes)
                out.truncated = true; // whole files only: no half hunk
            else
                out.patch.append(buf.ptr, buf.size);
        }
        out.files.push_back(std::move(f));
    }
    if (n > limits.max_files) out.truncated = true;
    return out;
}

} // namespace fab::gitq
