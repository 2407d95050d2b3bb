#include "daemon/agents/worktree.hpp"

#include "daemon/git/safe_git.hpp"
#include "daemon/git/worktree_link.hpp"
#include "util/strings.hpp"

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <unistd.h>

namespace fab::worktree {

namespace {
// `git -C <dir> <args…>`, hardened (safe_git.hpp).
ev::SpawnOptions git(const safegit::Where& where, const std::vector<std::string>& args) {
    return safegit::command(where, args);
}
ev::SpawnOptions git(std::vector<std::string> args) {
    if (args.size() >= 2 && args[0] == "-C")
        return git(args[1], std::vector<std::string>(args.begin() + 2, args.end()));
    return git(std::string(), args);
}
// One worktree mutation at a time per repository: concurrent `git worktree
// add`s race on .git/worktrees (measured: "failed to read …/commondir"), and
// a failed add's `worktree prune` could remove another add in progress.
// Loop thread only.
using Job = std::function<void(std::function<void()> release)>;
std::map<std::string, std::deque<Job>>& queues() {
    static std::map<std::string, std::deque<Job>> q;
    return q;
}

void run_next(const std::string& repo) {
    auto& q = queues()[repo];
    if (q.empty()) {
        queues().erase(repo);
        return;
    }
    Job job = std::move(q.front());
    job([repo] {
        queues()[repo].pop_front();
        run_next(repo);
    });
}

void serialized(const std::string& repo, Job job) {
    auto& q = queues()[repo];
    q.push_back(std::move(job));
    if (q.size() == 1) run_next(repo);
}
} // namespace

namespace {
void add_now(uv_loop_t* loop, const std::string& repo, const std::string& path,
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
    ev::run_process(loop, git({"-C", repo, "worktree", "prune"}), [=](ev::ProcessResult) {
        ev::run_process(
            loop, git({"-C", repo, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch}),
            [=](ev::ProcessResult known) {
                bool existed = known.ok();
                std::vector<std::string> args = {"-C", repo, "worktree", "add", "--quiet"};
                if (existed)
                    args.insert(args.end(), {path, branch});
                else
                    args.insert(args.end(), {"-b", branch, path, "HEAD"});
                ev::run_process(loop, git(args), [=](ev::ProcessResult r) {
                    if (r.ok()) return done({});
                    std::string why = "git worktree add failed: " + r.last_error_line();
                    // Leave nothing behind that this add made: directory,
                    // metadata, and the branch when it made it.
                    std::error_code e2;
                    std::filesystem::remove_all(path, e2);
                    ev::run_process(
                        loop, git({"-C", repo, "worktree", "prune"}), [=](ev::ProcessResult) {
                            if (existed) return done(make_error(why));
                            ev::run_process(
                                loop, git({"-C", repo, "branch", "-D", branch}),
                                [done, why](ev::ProcessResult) { done(make_error(why)); });
                        });
                });
            });
    });
}

void remove_if_clean_now(uv_loop_t* loop, const std::string& repo, const std::string& path,
                         const std::string& branch,
                         std::function<void(bool, Leftover, Status)> done) {
    if (!std::filesystem::exists(path)) {
        ev::run_process(loop, git({"-C", repo, "worktree", "prune"}),
                        [done](ev::ProcessResult) { done(false, {}, {}); });
        return;
    }
    auto what = std::make_shared<Leftover>();
    // A worktree whose .git the agent rewrote is kept as it is: no git runs there.
    auto link = safegit::verify_worktree(repo, path);
    if (!link) {
        what->refused = link.error();
        return done(true, *what, make_error(link.error()));
    }
    ev::run_process(
        loop, git({path, *link}, {"status", "--porcelain=v2", "-z"}), [=](ev::ProcessResult st) {
            if (!st.ok())
                return done(true, *what, make_error("git status: " + st.last_error_line()));
            what->dirty = !st.out.empty();
            ev::run_process(
                loop, git({"-C", repo, "rev-list", "--count", "HEAD.." + branch}),
                [=](ev::ProcessResult rl) {
                    auto n = parse_int(rl.out);
                    what->unmerged = rl.ok() && n ? static_cast<int>(*n) : 0;
                    if (what->dirty || what->unmerged > 0) return done(true, *what, {});
                    ev::run_process(
                        loop, git({"-C", repo, "worktree", "remove", path}),
                        [=](ev::ProcessResult rm) {
                            if (!rm.ok())
                                return done(
                                    true, *what,
                                    make_error("git worktree remove: " + rm.last_error_line()));
                            ev::run_process(loop, git({"-C", repo, "branch", "-D", branch}),
                                            [=](ev::ProcessResult) { done(false, *what, {}); });
                        });
                });
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

void add(uv_loop_t* loop, const std::string& repo, const std::string& path,
         const std::string& branch, std::function<void(Status)> done) {
    serialized(repo, [=](std::function<void()> release) {
        add_now(loop, repo, path, branch, [done, release](Status s) {
            release();
            done(std::move(s));
        });
    });
}

void remove_if_clean(uv_loop_t* loop, const std::string& repo, const std::string& path,
                     const std::string& branch, std::function<void(bool, Leftover, Status)> done) {
    serialized(repo, [=](std::function<void()> release) {
        remove_if_clean_now(loop, repo, path, branch,
                            [done, release](bool kept, Leftover what, Status s) {
                                release();
                                done(kept, what, std::move(s));
                            });
    });
}

void exclusive(const std::string& repo, std::function<void(std::function<void()>)> job) {
    serialized(repo, std::move(job));
}

void find_orphans(uv_loop_t* loop, const std::string& repo, const std::string& worktrees_dir,
                  std::function<bool(const std::string&)> known,
                  std::function<void(std::vector<std::string>)> done) {
    std::vector<std::string> orphans;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(worktrees_dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind("wt-", 0) == 0 && !known(name.substr(3)))
            orphans.push_back("worktree " + e.path().string());
    }
    ev::run_process(
        loop, git({"-C", repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/fab/"}),
        [orphans, known, done](ev::ProcessResult r) mutable {
            for (const auto& b : split(r.out, '\n'))
                if (b.rfind("fab/", 0) == 0 && !known(b.substr(4)))
                    orphans.push_back("branch " + b);
            done(std::move(orphans));
        });
}

} // namespace fab::worktree
