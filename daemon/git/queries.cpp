#include "daemon/git/queries.hpp"

#include "daemon/git/libgit2_util.hpp"

namespace fab::gitq {

namespace {

using namespace lg2;

// A diff callback that stops the diff at its first delta: the dirty check
// needs one difference, not all of them.
constexpr int kFoundOne = 1;
int stop_at_first(const git_diff*, const git_diff_delta*, const char*, void*) {
    return -kFoundOne;
}

} // namespace

Library::Library() {
    git_libgit2_init();
}
Library::~Library() {
    git_libgit2_shutdown();
}
std::string Library::version() {
    int maj = 0, min = 0, rev = 0;
    git_libgit2_version(&maj, &min, &rev);
    return std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rev);
}

Result<bool> is_dirty(const safegit::Where& where, bool untracked) {
    auto repo = open(where);
    if (!repo) return Error{repo.error()};
    git_repository* r = repo->get();
    git_index* ix = nullptr;
    if (git_repository_index(&ix, r) != 0) return failure("index");
    IndexPtr index(ix);
    if (git_index_has_conflicts(ix)) return true;

    git_diff_options o = GIT_DIFF_OPTIONS_INIT;
    // As `status --ignore-submodules=dirty`: a submodule whose checked-out
    // commit moved counts, changes inside it do not (and nothing is run
    // inside it). Typechanges count as changes, as in status.
    o.ignore_submodules = GIT_SUBMODULE_IGNORE_DIRTY;
    o.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
    o.notify_cb = stop_at_first;

    // Staged: HEAD's tree (none on an unborn branch: every entry is new) to the index.
    TreePtr head_tree;
    git_object* h = nullptr;
    int rc = git_revparse_single(&h, r, "HEAD^{tree}");
    if (rc == 0)
        head_tree.reset(reinterpret_cast<git_tree*>(h));
    else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH)
        return failure("HEAD");
    git_diff* d = nullptr;
    rc = git_diff_tree_to_index(&d, r, head_tree.get(), ix, &o);
    DiffPtr staged(d);
    if (rc == -kFoundOne) return true;
    if (rc != 0) return failure("diff HEAD to index");

    // Unstaged and untracked: the index to the work tree. Untracked
    // directories are looked into, as status does: an empty one, or one
    // holding only ignored files, is not a change (a nested repository is
    // one, and is not looked into). The walk stops at the first file found.
    if (untracked) o.flags |= GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
    d = nullptr;
    rc = git_diff_index_to_workdir(&d, r, ix, &o);
    DiffPtr unstaged(d);
    if (rc == -kFoundOne) return true;
    if (rc != 0) return failure("diff index to work tree");
    return false;
}

Result<int> count(const std::string& repo_dir, const std::string& include,
                  const std::vector<std::string>& exclude) {
    auto repo = open(repo_dir);
    if (!repo) return Error{repo.error()};
    git_repository* r = repo->get();
    git_revwalk* w = nullptr;
    if (git_revwalk_new(&w, r) != 0) return failure("revwalk");
    WalkPtr walk(w);
    auto from = resolve(r, include);
    if (!from) return Error{from.error()};
    if (git_revwalk_push(w, git_object_id(from->get())) != 0) return failure("revwalk " + include);
    for (const auto& x : exclude) {
        if (x.starts_with("refs/") && x.find('*') != std::string::npos) {
            // A glob that matches no ref hides nothing (as --branches in a
            // repository without branches).
            int rc = git_revwalk_hide_glob(w, x.c_str());
            if (rc != 0 && rc != GIT_ENOTFOUND) return failure("revwalk " + x);
            continue;
        }
        auto o = resolve(r, x);
        if (!o) return Error{o.error()};
        if (git_revwalk_hide(w, git_object_id(o->get())) != 0) return failure("revwalk " + x);
    }
    int n = 0;
    git_oid id;
    int rc;
    while ((rc = git_revwalk_next(&id, w)) == 0) ++n;
    if (rc != GIT_ITEROVER) return failure("revwalk");
    return n;
}

Result<bool> is_ancestor(const std::string& repo_dir, const std::string& ancestor,
                         const std::string& descendant) {
    auto repo = open(repo_dir);
    if (!repo) return Error{repo.error()};
    git_repository* r = repo->get();
    auto a = resolve(r, ancestor);
    if (!a) return Error{a.error()};
    auto d = resolve(r, descendant);
    if (!d) return Error{d.error()};
    // A commit is its own ancestor for merge-base, not for libgit2.
    if (git_oid_equal(git_object_id(a->get()), git_object_id(d->get()))) return true;
    int rc = git_graph_descendant_of(r, git_object_id(d->get()), git_object_id(a->get()));
    if (rc < 0) return failure("descendant_of");
    return rc == 1;
}

Result<std::vector<Commit>> log(const std::string& repo_dir, const std::string& from,
                                const std::string& to) {
    auto repo = open(repo_dir);
    if (!repo) return Error{repo.error()};
    git_repository* r = repo->get();
    git_revwalk* w = nullptr;
    if (git_revwalk_new(&w, r) != 0) return failure("revwalk");
    WalkPtr walk(w);
    // git log's order: newest first by commit date, never a parent before
    // its child; reversed. (Equal dates — commits made within one second —
    // keep the parent/child order through TOPOLOGICAL.)
    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    auto t = resolve(r, to);
    if (!t) return Error{t.error()};
    auto f = resolve(r, from);
    if (!f) return Error{f.error()};
    if (git_revwalk_push(w, git_object_id(t->get())) != 0 ||
        git_revwalk_hide(w, git_object_id(f->get())) != 0)
        return failure("revwalk " + from + ".." + to);
    std::vector<Commit> out;
    git_oid id;
    int rc;
    while ((rc = git_revwalk_next(&id, w)) == 0) {
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, r, &id) != 0) return failure("commit");
        CommitPtr commit(c);
        const char* summary = git_commit_summary(c);
        out.push_back({git_oid_tostr_s(&id), summary ? summary : ""});
    }
    if (rc != GIT_ITEROVER) return failure("revwalk");
    return out;
}

Result<DiffStat> diff_stat(const std::string& repo_dir, const std::string& from,
                           const std::string& to) {
    auto repo = open(repo_dir);
    if (!repo) return Error{repo.error()};
    git_repository* r = repo->get();
    auto a = tree_of(r, from);
    if (!a) return Error{a.error()};
    auto b = tree_of(r, to);
    if (!b) return Error{b.error()};
    git_diff_options o = GIT_DIFF_OPTIONS_INIT;
    o.ignore_submodules = GIT_SUBMODULE_IGNORE_DIRTY;
    git_diff* d = nullptr;
    if (git_diff_tree_to_tree(&d, r, a->get(), b->get(), &o) != 0) return failure("diff");
    DiffPtr diff(d);
    // Renames as `git diff` finds them (diff.renames, on by default).
    if (git_diff_find_similar(d, nullptr) != 0) return failure("rename detection");
    git_diff_stats* s = nullptr;
    if (git_diff_get_stats(&s, d) != 0) return failure("diff stats");
    StatsPtr stats(s);
    return DiffStat{static_cast<int>(git_diff_stats_files_changed(s)),
                    static_cast<int>(git_diff_stats_insertions(s)),
                    static_cast<int>(git_diff_stats_deletions(s))};
}

} // namespace fab::gitq
