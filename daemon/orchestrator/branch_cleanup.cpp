#include "daemon/orchestrator/branch_cleanup.hpp"

#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/git/runner.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

#include <memory>

namespace fab {

namespace {

// One project after the other, one branch after the other: git children of
// the loop, chained. Kept alive by the shared_ptr in every callback.
struct Cleanup : std::enable_shared_from_this<Cleanup> {
    Daemon& d;
    std::vector<std::string> projects;
    bool dry_run;
    std::function<void(Json)> done;
    Json removed = Json::array(), kept = Json::array();
    size_t project_ix = 0;
    std::vector<std::string> branches;
    size_t branch_ix = 0;

    Cleanup(Daemon& dd, std::vector<std::string> ps, bool dry, std::function<void(Json)> fn)
        : d(dd), projects(std::move(ps)), dry_run(dry), done(std::move(fn)) {}

    std::string project() const { return projects[project_ix]; }
    std::string repo() const { return d.paths().project_repo(project()); }

    void keep(const std::string& branch, const std::string& why) {
        kept.push_back({{"project", project()}, {"branch", branch}, {"why", why}});
    }

    void next_project() {
        if (project_ix >= projects.size()) {
            done({{"removed", removed}, {"kept", kept}, {"dry_run", dry_run}});
            return;
        }
        if (!path_exists(repo())) {
            ++project_ix;
            return next_project();
        }
        auto self = shared_from_this();
        d.git().run(repo(), {"symbolic-ref", "--quiet", "--short", "HEAD"},
                    [self](ev::ProcessResult r) {
                        std::string main = git::first_line(r.out);
                        if (!r.ok() || main.empty()) {
                            self->keep("", git::failure("no branch checked out", r));
                            ++self->project_ix;
                            return self->next_project();
                        }
                        self->prune_then_list(main);
                    });
    }

    void prune_then_list(const std::string& main) {
        auto self = shared_from_this();
        auto list = [self, main] {
            self->d.git().run(
                self->repo(),
                {"for-each-ref", "--format=%(refname:short)", "--merged", main, "refs/heads/fab/"},
                [self](ev::ProcessResult r) {
                    self->branches = r.ok() ? git::lines(r.out) : std::vector<std::string>{};
                    if (!r.ok()) self->keep("", git::failure("git for-each-ref", r));
                    self->branch_ix = 0;
                    self->next_branch();
                });
        };
        if (dry_run) return list();
        // Metadata of worktrees whose directory is gone would block `branch -D`.
        d.git().run(repo(), {"worktree", "prune"}, [list](ev::ProcessResult) { list(); });
    }

    void next_branch() {
        if (branch_ix >= branches.size()) {
            ++project_ix;
            return next_project();
        }
        std::string branch = branches[branch_ix++];
        std::string id = branch.substr(branch.find('/') + 1);
        if (Agent* a = d.supervisor().find(id); a && !is_final(a->state)) {
            keep(branch, "agent " + id + " is " + a->rec.state);
            return next_branch();
        }
        if (dry_run) {
            removed.push_back({{"project", project()}, {"branch", branch}});
            return next_branch();
        }
        auto self = shared_from_this();
        std::string wt = d.paths().project_dir(project()) + "/worktrees/wt-" + id;
        if (path_exists(wt)) {
            worktree::remove_if_clean(
                d.git(), repo(), wt, branch,
                [self, branch, wt](bool was_kept, worktree::Leftover what, Status st) {
                    if (!st)
                        self->keep(branch, st.error());
                    else if (was_kept)
                        self->keep(branch, "worktree " + wt + " has " + what.describe());
                    else
                        self->removed.push_back(
                            {{"project", self->project()}, {"branch", branch}, {"worktree", wt}});
                    self->next_branch();
                });
            return;
        }
        // Contained in main (for-each-ref --merged): deleting loses nothing.
        // -d, not -D: git checks that again at the moment it deletes.
        d.git().run(repo(), {"branch", "-d", branch}, [self, branch](ev::ProcessResult r) {
            if (r.ok()) {
                log::info("branch cleanup: removed " + branch + " (" + self->project() + ")");
                self->removed.push_back({{"project", self->project()}, {"branch", branch}});
            } else {
                self->keep(branch, git::failure("git branch -d", r));
            }
            self->next_branch();
        });
    }
};

} // namespace

void cleanup_branches(Daemon& d, std::vector<std::string> projects, bool dry_run,
                      std::function<void(Json)> done) {
    auto c = std::make_shared<Cleanup>(d, std::move(projects), dry_run, std::move(done));
    c->next_project();
}

} // namespace fab
