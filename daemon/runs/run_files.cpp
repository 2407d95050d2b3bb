#include "daemon/runs/run_files.hpp"

#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/git/diff_files.hpp"
#include "daemon/git/worktree_link.hpp"
#include "daemon/runs/run_engine.hpp"
#include "util/fs.hpp"

namespace fab {

namespace {

Json diff_json(const std::string& run_id, const std::string& branch, const gitq::BranchDiff& b) {
    Json files = Json::array();
    for (const auto& f : b.files) {
        Json j = {{"path", f.path},
                  {"status", f.status},
                  {"additions", f.additions},
                  {"deletions", f.deletions},
                  {"binary", f.binary}};
        if (!f.old_path.empty()) j["old_path"] = f.old_path;
        files.push_back(std::move(j));
    }
    return {{"run_id", run_id},
            {"branch", branch},
            {"base", b.base},
            {"head", b.head},
            {"worktree", b.worktree},
            {"files", std::move(files)},
            {"total_files", b.total_files},
            {"additions", b.additions},
            {"deletions", b.deletions},
            {"patch", b.patch},
            {"truncated", b.truncated}};
}

} // namespace

void run_files(Daemon& d, const std::string& run_id, int64_t max_patch_bytes,
               std::function<void(Result<Json>)> done) {
    const Run* run = d.runs().find(run_id);
    if (!run) return done(make_error(not_found("no run \"" + run_id + "\"")));
    Agent* a = run->rec.agent_id.empty() ? nullptr : d.supervisor().find(run->rec.agent_id);
    if (!a) {
        if (!run->rec.agent_id.empty())
            return done(make_error(
                not_found("the agent " + run->rec.agent_id + " of run " + run_id + " is gone")));
        return done(Json{{"run_id", run_id},
                         {"branch", nullptr},
                         {"base", nullptr},
                         {"head", nullptr},
                         {"worktree", false},
                         {"files", Json::array()},
                         {"total_files", 0},
                         {"additions", 0},
                         {"deletions", 0},
                         {"patch", ""},
                         {"truncated", false}});
    }
    std::string repo = d.paths().project_repo(run->rec.project);
    std::string branch = a->rec.branch, worktree = a->rec.worktree;
    gitq::DiffLimits limits;
    if (max_patch_bytes >= 0) limits.max_patch_bytes = static_cast<size_t>(max_patch_bytes);
    d.git().query<Json>(
        [repo, branch, worktree, run_id, limits]() -> Result<Json> {
            // The worktree only through the git dir fab made for it (never
            // a .git file the agent may have rewritten); once it is removed
            // (the run ended) the branch alone.
            std::optional<safegit::Where> wt;
            if (!worktree.empty() && path_exists(worktree)) {
                auto link = safegit::verify_worktree(repo, worktree);
                if (!link) return Error{link.error()};
                wt = safegit::Where(worktree, *link);
            }
            auto diff = gitq::branch_diff(repo, branch, wt, limits);
            if (!diff) {
                if (!wt)
                    return make_error(not_found("the branch " + branch + " of run " + run_id +
                                                ": " + diff.error()));
                return Error{diff.error()};
            }
            return diff_json(run_id, branch, *diff);
        },
        std::move(done));
}

} // namespace fab
