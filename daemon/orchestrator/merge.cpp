// The merge queue and the direct strategy (rebase, fast-forward, push).
// The pull-request strategy shares the first steps; see pull_request.cpp.
#include "daemon/orchestrator/merge.hpp"

#include "daemon/agents/porcelain.hpp"
#include "daemon/git/worktree_link.hpp"
#include "daemon/orchestrator/merge_job.hpp"
#include "protocol/envelope.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <unistd.h>

namespace fab::merge {

namespace {

// origin is a non-bare repository with main checked out (`fab project add
// ~/src/web`): git refuses every push to that branch.
bool pushes_refused(const ev::ProcessResult& r) {
    return r.err.find("refusing to update checked out branch") != std::string::npos;
}

} // namespace

void Merges::submit(Request req, std::function<void(Outcome)> done) {
    std::string agent = req.agent_id;
    active_.insert(agent);
    std::string repo = req.repo;
    git_.jobs().run(repo, git::RepoJobs::Lane::main_line,
                    [this, req = std::move(req), done = std::move(done),
                     agent](std::function<void()> release) mutable {
                        auto job = std::make_shared<Job>(git_, std::move(req),
                                                         [this, done, release, agent](Outcome o) {
                                                             active_.erase(agent);
                                                             release();
                                                             done(std::move(o));
                                                         });
                        job->start();
                    });
}

std::string conflict_advice(const Outcome& o, const std::string& branch) {
    std::string main = o.main_branch.empty() ? "main" : o.main_branch;
    return "merge conflict: rebasing " + branch + " onto " + main + " conflicts in " +
           join(o.conflicts, ", ") +
           ". The rebase was aborted and your branch is unchanged. In your worktree run `git "
           "rebase " +
           main +
           "`, resolve the conflicts, `git add` the files and `GIT_EDITOR=true git rebase "
           "--continue` (no editor opens; your commits then sit on top of " +
           main + "), then run `fab agent done` again.";
}

// ---- Job: the steps, each one git child process ----

std::vector<Commit> parse_commits(const std::string& out) {
    std::vector<Commit> cs;
    for (const auto& l : git::lines(out)) {
        auto sep = l.find('\x1f');
        cs.push_back({l.substr(0, sep), sep == std::string::npos ? "" : l.substr(sep + 1)});
    }
    return cs;
}

Job::Job(git::Runner& git, Request req, std::function<void(Outcome)> done)
    : git_(git), req_(std::move(req)), done_(std::move(done)) {}

void Job::git(const safegit::Where& where, std::vector<std::string> args, Next next) {
    auto self = shared_from_this();
    git_.run(where, std::move(args),
             [self, next = std::move(next)](ev::ProcessResult r) { next(std::move(r)); });
}

void Job::fail(const std::string& message) {
    out_.kind = Outcome::Kind::failed;
    out_.message = message;
    finish();
}

void Job::finish() {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    log::info("merge " + req_.branch + " (" + req_.project + "): " + out_.message);
    done(std::move(out_));
    // The outcome is handled (commits logged): the journal has done its job.
    if (!req_.journal.empty()) ::unlink(req_.journal.c_str());
}

void Job::start() {
    if (!path_exists(req_.worktree))
        return fail("the worktree " + req_.worktree + " is missing; " + req_.branch +
                    " is kept in " + req_.repo);
    // Git runs in the worktree only through the git dir fab made for it,
    // never through a .git file the agent may have rewritten.
    auto link = safegit::verify_worktree(req_.repo, req_.worktree);
    if (!link) return fail(link.error() + " (" + req_.branch + " is kept)");
    wt_ = safegit::Where(req_.worktree, *link);
    git(req_.repo, {"symbolic-ref", "--quiet", "--short", "HEAD"}, [this](ev::ProcessResult r) {
        out_.main_branch = git::first_line(r.out);
        if (!r.ok() || out_.main_branch.empty())
            return fail(git::failure("the clone " + req_.repo + " has no branch checked out", r));
        if (out_.main_branch == req_.branch)
            return fail("the clone has " + req_.branch + " checked out instead of its main line");
        check_worktree();
    });
}

void Job::check_worktree() {
    // Nothing uncommitted may be left behind: it would not be merged, and the
    // worktree could not be recycled.
    // -z: names exactly as they are (no trimming of the status columns, no quoting).
    git(wt_, {"status", "--porcelain", "-z"}, [this](ev::ProcessResult r) {
        if (!r.ok()) return fail(git::failure("git status in " + req_.worktree, r));
        std::vector<std::string> files = porcelain::status_paths(r.out);
        if (!files.empty()) {
            if (files.size() > 10) {
                files.resize(10);
                files.push_back("…");
            }
            return fail("uncommitted changes in your worktree (" + join(files, ", ") +
                        "): commit them (or remove them), then run `fab agent done` again");
        }
        git(wt_, {"rev-parse", "--git-path", "rebase-merge", "--git-path", "rebase-apply"},
            [this](ev::ProcessResult g) {
                for (auto p : git::lines(g.out)) {
                    if (p.front() != '/') p = req_.worktree + "/" + p;
                    if (path_exists(p))
                        return fail("a rebase is in progress in your worktree: finish it (`git "
                                    "rebase --continue`) or abort it (`git rebase --abort`), "
                                    "then run `fab agent done` again");
                }
                find_remote();
            });
    });
}

void Job::find_remote() {
    git(req_.repo, {"remote"}, [this](ev::ProcessResult r) {
        for (const auto& l : git::lines(r.out))
            if (l == "origin") has_remote_ = true;
        if (req_.strategy == "pull-request") {
            if (!has_remote_)
                return fail("merge-strategy = pull-request needs a remote \"origin\"; the clone " +
                            req_.repo + " has none");
            return fetch([this] { pr_count(); });
        }
        sync_main();
    });
}

void Job::fetch(std::function<void()> next) {
    git(req_.repo, {"fetch", "--quiet", "origin"}, [this, next](ev::ProcessResult r) {
        if (!r.ok()) return fail(git::failure("git fetch origin", r));
        next();
    });
}

void Job::sync_main() {
    if (!has_remote_) return count_commits();
    fetch([this] {
        std::string upstream = "origin/" + out_.main_branch;
        git(req_.repo, {"rev-parse", "--verify", "--quiet", upstream},
            [this, upstream](ev::ProcessResult v) {
                if (!v.ok()) return count_commits(); // an empty remote: nothing to follow
                git(req_.repo, {"merge", "--ff-only", "--quiet", upstream},
                    [this, upstream](ev::ProcessResult r) {
                        if (!r.ok())
                            return fail(git::failure(
                                out_.main_branch + " of the clone cannot fast-forward to " +
                                    upstream + " (" + req_.branch + " is kept)",
                                r));
                        count_commits();
                    });
            });
    });
}

void Job::count_commits() {
    git(req_.repo, {"rev-parse", "--verify", "--quiet", out_.main_branch},
        [this](ev::ProcessResult head) {
            old_main_ = git::first_line(head.out);
            if (!head.ok() || old_main_.empty())
                return fail(git::failure("git rev-parse " + out_.main_branch, head));
            // `rev-list --count main..branch`, through libgit2.
            query<int>([repo = req_.repo, main = out_.main_branch,
                        branch = req_.branch] { return gitq::count(repo, branch, {main}); },
                       [this](Result<int> n) {
                           if (!n)
                               return fail("counting the commits of " + req_.branch + ": " +
                                           n.error());
                           if (*n == 0) {
                               out_.kind = Outcome::Kind::nothing;
                               out_.message = "nothing to merge: " + req_.branch +
                                              " has no commits that " + out_.main_branch + " lacks";
                               return push_leftovers();
                           }
                           rebase();
                       });
        });
}

void Job::push_leftovers() {
    // A merge interrupted between fast-forward and push (the daemon was
    // killed) leaves main ahead of origin: push it now, so the work the
    // branch no longer shows reaches origin, and log the branch's share of
    // it, which the interrupted merge never got to record.
    std::string upstream = "origin/" + out_.main_branch;
    if (!has_remote_) return finish();
    // `rev-list --count origin/main..main` and `log origin/main..branch`,
    // through libgit2 (a failure: nothing is pushed, as before).
    struct Leftovers {
        Result<int> ahead = 0;
        Result<std::vector<Commit>> ours = std::vector<Commit>{};
    };
    query<Leftovers>(
        [repo = req_.repo, main = out_.main_branch, branch = req_.branch,
         upstream]() -> Result<Leftovers> {
            Leftovers l{gitq::count(repo, main, {upstream}), std::vector<Commit>{}};
            if (l.ahead && *l.ahead > 0) l.ours = gitq::log(repo, upstream, branch);
            return l;
        },
        [this](Result<Leftovers> l) {
            if (!l->ahead || *l->ahead == 0) return finish();
            int n = *l->ahead;
            std::vector<Commit> ours = l->ours ? *l->ours : std::vector<Commit>{};
            git(req_.repo, {"push", "--quiet", "origin", out_.main_branch},
                [this, n, ours](ev::ProcessResult p) {
                    if (!p.ok() && pushes_refused(p)) return finish(); // a working copy
                    if (!p.ok())
                        return fail(git::failure("git push origin " + out_.main_branch, p) + " (" +
                                    std::to_string(n) + " commit(s) of " + out_.main_branch +
                                    " are not on origin yet)");
                    out_.pushed = true;
                    if (!ours.empty()) {
                        out_.kind = Outcome::Kind::merged;
                        out_.commits = ours;
                        out_.message = "merged " + std::to_string(ours.size()) + " commit(s) of " +
                                       req_.branch + " into " + out_.main_branch +
                                       " and pushed it to origin";
                    }
                    out_.message += "; pushed " + std::to_string(n) + " commit(s) of " +
                                    out_.main_branch + " that an interrupted merge had left";
                    finish();
                });
        });
}

void Job::rebase() {
    git(wt_, {"rebase", "--quiet", out_.main_branch}, [this](ev::ProcessResult r) {
        if (r.ok()) return fast_forward();
        std::string why = git::failure("git rebase " + out_.main_branch, r);
        git(wt_, {"diff", "--name-only", "-z", "--diff-filter=U"},
            [this, why](ev::ProcessResult d) {
                out_.conflicts = porcelain::nul_fields(d.out);
                git(wt_, {"rebase", "--abort"}, [this, why](ev::ProcessResult a) {
                    if (!a.ok())
                        log::warn("merge " + req_.branch + ": " +
                                  git::failure("git rebase --abort", a));
                    if (out_.conflicts.empty()) return fail(why + " (" + req_.branch + " is kept)");
                    out_.kind = Outcome::Kind::conflict;
                    out_.message = conflict_advice(out_, req_.branch);
                    finish();
                });
            });
    });
}

void Job::fast_forward() {
    if (!req_.journal.empty()) {
        Json j = {{"agent_id", req_.agent_id},
                  {"branch", req_.branch},
                  {"main", out_.main_branch},
                  {"old_main", old_main_}};
        if (auto s = write_file_atomic(req_.journal, dump_json(j) + "\n"); !s)
            return fail("cannot write the merge journal: " + s.error() + " (" + req_.branch +
                        " is kept)");
    }
    git(req_.repo, {"merge", "--ff-only", "--quiet", req_.branch}, [this](ev::ProcessResult r) {
        if (!r.ok())
            return fail(git::failure("git merge --ff-only " + req_.branch, r) + " (" + req_.branch +
                        " is kept)");
        if (!has_remote_) return collect();
        push();
    });
}

void Job::push() {
    ++push_attempts_;
    git(req_.repo, {"push", "--quiet", "origin", out_.main_branch}, [this](ev::ProcessResult r) {
        if (r.ok()) {
            out_.pushed = true;
            return collect();
        }
        std::string why = git::failure("git push origin " + out_.main_branch, r);
        if (pushes_refused(r)) {
            // origin is somebody's working copy (`fab project add ~/src/web`)
            // with main checked out: git never pushes there. The merge stays
            // in fab's clone, where they can pull it from.
            not_pushed_ = "not pushed: origin is a repository with " + out_.main_branch +
                          " checked out; pull it from " + req_.repo;
            return collect();
        }
        // Put main back where it was: it must never hold commits origin
        // refused, and the branch (not main) is what keeps them. Only when
        // every commit of main is on the branch: a commit made on the clone's
        // main meanwhile would be lost by the reset.
        // `merge-base --is-ancestor main branch`, through libgit2.
        query<bool>([repo = req_.repo, main = out_.main_branch,
                     branch = req_.branch] { return gitq::is_ancestor(repo, main, branch); },
                    [this, why](Result<bool> on_branch) {
                        if (!on_branch || !*on_branch)
                            return fail(why + "; " + out_.main_branch +
                                        " gained commits meanwhile that " + req_.branch +
                                        " lacks, so it is left as it is (" + req_.branch +
                                        " is kept)");
                        put_main_back(why);
                    });
    });
}

void Job::put_main_back(const std::string& why) {
    // --keep, not --hard: uncommitted changes in the clone stay (or the reset
    // refuses and says why).
    git(req_.repo, {"reset", "--quiet", "--keep", old_main_}, [this, why](ev::ProcessResult back) {
        if (!back.ok())
            return fail(why + "; and " +
                        git::failure("putting " + out_.main_branch + " back", back));
        if (push_attempts_ >= 2)
            return fail(why + "; " + out_.main_branch + " is unchanged and " + req_.branch +
                        " keeps its commits");
        log::info("merge " + req_.branch + ": " + why + "; fetching and trying again");
        sync_main(); // fetch, fast-forward, rebase again, push once more
    });
}

void Job::collect() {
    // `log --reverse --format=%H%x1f%s old..main`, through libgit2 (a
    // failure logs no commits, as an empty output did).
    query<std::vector<Commit>>([repo = req_.repo, from = old_main_,
                                to = out_.main_branch] { return gitq::log(repo, from, to); },
                               [this](Result<std::vector<Commit>> r) {
                                   if (r)
                                       out_.commits = std::move(*r);
                                   else
                                       log::warn("merge " + req_.branch + ": " + r.error());
                                   out_.kind = Outcome::Kind::merged;
                                   out_.message =
                                       "merged " + std::to_string(out_.commits.size()) +
                                       " commit(s) of " + req_.branch + " into " +
                                       out_.main_branch +
                                       (out_.pushed ? " and pushed it to origin" : "") +
                                       (not_pushed_.empty() ? "" : " (" + not_pushed_ + ")");
                                   finish();
                               });
}

} // namespace fab::merge
