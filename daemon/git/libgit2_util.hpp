// libgit2 helpers shared by the read-only queries (queries.cpp,
// diff_files.cpp): RAII for its objects, its last error as an Error, and
// opening a repository at exactly the path fab chose. Include from .cpp
// files of daemon/git only (it pulls in git2.h).
#pragma once

#include "daemon/git/safe_git.hpp"
#include "util/result.hpp"

#include <git2.h>
#include <memory>
#include <string>

namespace fab::gitq::lg2 {

// RAII for libgit2's objects: each type with its own free function.
template <auto free_fn>
struct Free {
    template <typename T>
    void operator()(T* p) const {
        free_fn(p);
    }
};
using RepoPtr = std::unique_ptr<git_repository, Free<git_repository_free>>;
using ObjectPtr = std::unique_ptr<git_object, Free<git_object_free>>;
using TreePtr = std::unique_ptr<git_tree, Free<git_tree_free>>;
using IndexPtr = std::unique_ptr<git_index, Free<git_index_free>>;
using DiffPtr = std::unique_ptr<git_diff, Free<git_diff_free>>;
using WalkPtr = std::unique_ptr<git_revwalk, Free<git_revwalk_free>>;
using CommitPtr = std::unique_ptr<git_commit, Free<git_commit_free>>;
using StatsPtr = std::unique_ptr<git_diff_stats, Free<git_diff_stats_free>>;
using PatchPtr = std::unique_ptr<git_patch, Free<git_patch_free>>;
using BufPtr = std::unique_ptr<git_buf, Free<git_buf_dispose>>;

// "<what>: <libgit2's message>" for the error libgit2 just set on this thread.
inline Error failure(const std::string& what) {
    const git_error* e = git_error_last();
    return make_error(what + ": " + (e && e->message ? e->message : "libgit2 error"));
}

// The repository at exactly `where`: no search upwards, no GIT_DIR from the
// environment. A worktree is opened by its verified git dir and its work
// tree set to the directory fab made, so neither the agent's `.git` file
// nor a `gitdir` link decides where libgit2 looks.
inline Result<RepoPtr> open(const safegit::Where& where) {
    git_repository* r = nullptr;
    const std::string& path = where.git_dir.empty() ? where.dir : where.git_dir;
    if (git_repository_open_ext(&r, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
        return failure("open " + path);
    RepoPtr repo(r);
    if (!where.git_dir.empty() && git_repository_set_workdir(r, where.dir.c_str(), 0) != 0)
        return failure("work tree " + where.dir);
    return repo;
}

// The commit `rev` names (a revision peeled to its commit).
inline Result<ObjectPtr> resolve(git_repository* r, const std::string& rev) {
    git_object* o = nullptr;
    if (git_revparse_single(&o, r, rev.c_str()) != 0) return failure("revision " + rev);
    ObjectPtr obj(o);
    git_object* c = nullptr;
    if (git_object_peel(&c, o, GIT_OBJECT_COMMIT) != 0) return failure("revision " + rev);
    return ObjectPtr(c);
}

// The tree of the commit `rev` names.
inline Result<TreePtr> tree_of(git_repository* r, const std::string& rev) {
    auto c = resolve(r, rev);
    if (!c) return Error{c.error()};
    git_tree* t = nullptr;
    if (git_commit_tree(&t, reinterpret_cast<git_commit*>(c->get())) != 0)
        return failure("tree of " + rev);
    return TreePtr(t);
}

} // namespace fab::gitq::lg2
