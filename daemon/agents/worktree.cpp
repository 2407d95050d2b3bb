#include "daemon/agents/worktree.hpp"

#include "daemon/git/queries.hpp"
#include "daemon/git/safe_git.hpp"
#include "daemon/git/worktree_link.hpp"
#include "util/strings.hpp"

#include <filesystem>
#include <memory>
#include <unistd.h>

namespace fab::worktree {

namespace {
// `git -C <dir> <args…>` as a child of the loop, hardened (safe_git.hpp).
void git(git::Runner& g, std::vector<std::string> args, ev::Process::DoneFn done) {
    if (args.size() >= 2 && args[0] == "-C") {
        std::string dir = args[1];
        return g.run(dir, std::vector<std::string>(args.begin() + 2, args.end()), std::move(done));
    }
    g.run(std::string(), std::move(args), std::move(done));
}
// One worktree mutation at a time per repository (git::RepoJobs).
void serialized(git::Runner& g, const std::string& repo, git::RepoJobs::Job job) {
    g.jobs().run(repo, git::RepoJobs::Lane::worktrees, std::move(job));
}
} // namespace

namespace {
void add_now(git::Runner& g, const std::string& repo, const std::string& path,
             const std::string& branch, std::function<void(Status)> done) {
    std::error_code ec;
    // A failed add removes `path`: it must be one this add makes.
    if (std::filesystem::exists(std::filesystem::symlink_status(path, ec)))
        return done(make_error(path + " already exists and is not a worktree fab knows; "
                                      "move it away (nothing in it was touched)"));
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    // A branch that exists already (a manager's whose directory was deleted)
    // holds work: it is checked out as it is, and never deleted on failure.
    // The prune first drops metadata of worktrees whose directory is gone,
    // which would block checking the branch out again.
    git(g, {"-C", repo, "worktree", "prune"}, [=, &g](ev::ProcessResult) {
        git(g, {"-C", repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch},
            [=, &g](ev::ProcessResult known) {
                bool existed = known.ok();
                std::vector<std::string> args = {"-C", repo, "worktree", "add", "--quiet"};
                if (existed)
                    args.insert(args.end(), {path, branch});
                else
                    args.insert(args.end(), {"-b", branch, path, "HEAD"});
                git(g, args, [=, &g](ev::ProcessResult r) {
                    if (r.ok()) return done({});
                    std::string why = "git worktree add failed: " + r.last_error_line();
                    // Leave nothing behind that this add made: directory,
                    // metadata, and the branch when it made it.
                    std::error_code e2;
                    std::filesystem::remove_all(path, e2);
                    git(g, {"-C", repo, "worktree", "prune"}, [=, &g](ev::ProcessResult) {
                        if (existed) return done(make_error(why));
                        git(g, {"-C", repo, "branch", "-D", branch},
                            [done, why](ev::ProcessResult) { done(make_error(why)); });
                    });
                });
            });
    });
}

// What removing the worktree and its branch would lose. Both checks read
// only: libgit2 on the thread pool (git/queries.hpp).
void inspect_now(git::Runner& g, const std::string& repo, const std::string& path,
                 const std::string& branch, std::function<void(Result<Leftover>)> done) {
    bool exists = std::filesystem::exists(path);
    safegit::Where where(path);
    if (exists) {
        // A worktree whose .git the agent rewrote is kept as it is: no git runs there.
        auto link = safegit::verify_worktree(repo, path);
        if (!link) {
            Leftover what;
            what.refused = link.error();
            return done(what);
        }
        where = safegit::Where(path, *link);
    }
    g.query<Leftover>(
        [where, repo, branch, exists]() -> Result<Leftover> {
            Leftover what;
            what.exists = exists;
            if (exists) {
                // `status --porcelain=v2 -z` printed anything
                auto dirty = gitq::is_dirty(where);
                if (!dirty) return make_error("git status: " + dirty.error());
                what.dirty = *dirty;
            }
            // `rev-list --count HEAD..<branch>` (0 when it fails: a branch
            // that is gone holds nothing).
            auto unmerged = gitq::count(repo, branch, {"HEAD"});
            what.unmerged = unmerged ? *unmerged : 0;
            return what;
        },
        std::move(done));
}

void remove_if_clean_now(git::Runner& g, const std::string& repo, const std::string& path,
                         const std::string& branch,
                         std::function<void(bool, Leftover, Status)> done) {
    if (!std::filesystem::exists(path)) {
        git(g, {"-C", repo, "worktree", "prune"},
            [done](ev::ProcessResult) { done(false, {}, {}); });
        return;
    }
    inspect_now(g, repo, path, branch, [=, &g](Result<Leftover> c) {
        if (!c) return done(true, {}, make_error(c.error()));
        Leftover what = *c;
        if (!what.refused.empty()) return done(true, what, make_error(what.refused));
        if (what.at_risk()) return done(true, what, {});
        git(g, {"-C", repo, "worktree", "remove", path}, [=, &g](ev::ProcessResult rm) {
            if (!rm.ok())
                return done(true, what, make_error("git worktree remove: " + rm.last_error_line()));
            git(g, {"-C", repo, "branch", "-D", branch},
                [=](ev::ProcessResult) { done(false, what, {}); });
        });
    });
}

// Removes without checking: the caller checked, or saved what was there.
void remove_now(git::Runner& g, const std::string& repo, const std::string& path,
                const std::string& branch, std::function<void(Status)> done) {
    auto drop_branch = [=, &g] {
        git(g, {"-C", repo, "worktree", "prune"}, [=, &g](ev::ProcessResult) {
            git(g, {"-C", repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch},
                [=, &g](ev::ProcessResult known) {
                    if (!known.ok()) return done({});
                    git(g, {"-C", repo, "branch", "-D", branch}, [=](ev::ProcessResult r) {
                        done(r.ok() ? Status{}
                                    : Status(make_error("git branch -D " + branch + ": " +
                                                        r.last_error_line())));
                    });
                });
        });
    };
    if (!std::filesystem::exists(path)) return drop_branch();
    git(g, {"-C", repo, "worktree", "remove", "--force", path}, [=](ev::ProcessResult rm) {
        if (!rm.ok()) return done(make_error("git worktree remove: " + rm.last_error_line()));
        drop_branch();
    });
}

} // namespace

std::string Leftover::describe() const {
    std::vector<std::string> parts;
    if (!refused.empty()) parts.push_back(refused);
    if (dirty) parts.push_back("uncommitted changes");
    if (unmerged > 0) parts.push_back(std::to_string(unmerged) + " unmerged commit(s)");
    return join(parts, " and ");
}

void add(git::Runner& g, const std::string& repo, const std::string& path,
         const std::string& branch, std::function<void(Status)> done) {
    serialized(g, repo, [=, &g](std::function<void()> release) {
        add_now(g, repo, path, branch, [done, release](Status s) {
            release();
            done(std::move(s));
        });
    });
}

void remove_if_clean(git::Runner& g, const std::string& repo, const std::string& path,
                     const std::string& branch, std::function<void(bool, Leftover, Status)> done) {
    serialized(g, repo, [=, &g](std::function<void()> release) {
        remove_if_clean_now(g, repo, path, branch,
                            [done, release](bool kept, Leftover what, Status s) {
                                release();
                                done(kept, what, std::move(s));
                            });
    });
}

void inspect(git::Runner& g, const std::string& repo, const std::string& path,
             const std::string& branch, std::function<void(Result<Leftover>)> done) {
    serialized(g, repo, [=, &g](std::function<void()> release) {
        inspect_now(g, repo, path, branch, [done, release](Result<Leftover> r) {
            release();
            done(std::move(r));
        });
    });
}

void remove(git::Runner& g, const std::string& repo, const std::string& path,
            const std::string& branch, std::function<void(Status)> done) {
    serialized(g, repo, [=, &g](std::function<void()> release) {
        remove_now(g, repo, path, branch, [done, release](Status s) {
            release();
            done(std::move(s));
        });
    });
}

void find_orphans(git::Runner& g, const std::string& repo, const std::string& worktrees_dir,
                  std::function<bool(const std::string&)> known,
                  std::function<void(std::vector<std::string>)> done) {
    std::vector<std::string> orphans;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(worktrees_dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("wt-", 0) == 0 && !known(name.substr(3)))
            orphans.push_back("worktree " + e.path().string());
    }
    git(g, {"-C", repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/fab/"},
        [orphans, known, done](ev::ProcessResult r) mutable {
            for (const auto& b : split(r.out, '\n'))
                // fab/run/<id>: a workflow run's branch (daemon/runs), not an agent's.
                if (b.rfind("fab/", 0) == 0 && b.rfind("fab/run/", 0) != 0 && !known(b.substr(4)))
                    orphans.push_back("branch " + b);
            done(std::move(orphans));
        });
}

} // namespace fab::worktree
