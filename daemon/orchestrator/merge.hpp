// Merging an agent's finished branch (`fab agent done`): the git side only.
//
// direct: fetch origin and fast-forward the clone's main to origin/main
// (when there is a remote), rebase fab/<agent> onto main in the agent's
// worktree (a conflict aborts the rebase and reports the files), fast-forward
// main to the branch, push main (a rejected push: main is put back, then
// fetch, rebase and push once more). pull-request: push the branch and run
// `gh pr create`.
//
// Merges of one project run one at a time (the main_line lane of the
// clone's git::RepoJobs): two agents finishing together must not race on main. Nothing here deletes
// a branch or a commit; when a step fails, main is put back where it was and the branch keeps every
// commit. The caller (daemon/handlers/merge.cpp) records the commits, releases claims and retires
// the agent. Loop thread only.
#pragma once

#include "daemon/git/queries.hpp"
#include "daemon/git/runner.hpp"
#include "ev/process.hpp"

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace fab::merge {

struct Request {
    std::string project, agent_id;
    std::string repo;                // the project's clone (main is checked out there)
    std::string worktree;            // the agent's worktree, on `branch`
    std::string branch;              // fab/<agent>
    std::string strategy = "direct"; // direct | pull-request
    std::string title;               // pull-request: ticket title ("" = first commit subject)
    std::string body;                // pull-request: extra text for the description
    std::string existing_pr_url;     // pull-request: opened by an earlier `done`
    // direct: a small file written before main moves and removed once the
    // outcome is handled, so that a daemon killed in between can still log
    // the commits (recover_interrupted in daemon/handlers/merge.cpp).
    std::string journal;
};

using Commit = gitq::Commit;

struct Outcome {
    enum class Kind { merged, nothing, conflict, pull_request, failed };
    Kind kind = Kind::failed;
    std::string main_branch;            // the clone's main line ("main", "master", …)
    bool pushed = false;                // main (or the branch) reached origin
    std::vector<Commit> commits;        // merged (or offered), oldest first
    std::vector<std::string> conflicts; // files that conflicted
    std::string pr_url;
    bool pr_existed = false; // the pull request was opened before; only pushed now
    std::string message;     // one line for the agent / the user
};

// `git log --format=%H%x1f%s` output as commits, in the order given.
std::vector<Commit> parse_commits(const std::string& git_log_out);

// The daemon's merges (Daemon::merges()): which agents have one queued or
// running. Anything else that moves main in a clone (a ticket commit, a
// fetch and fast-forward) takes the same main_line lane of git.jobs(), so
// it cannot race a merge.
class Merges {
  public:
    explicit Merges(git::Runner& git) : git_(git) {}

    // Queues the merge; `done` runs on the loop once it has finished.
    void submit(Request req, std::function<void(Outcome)> done);

    // True while a merge of this agent's branch is queued or running.
    bool in_progress(const std::string& agent_id) const { return active_.count(agent_id) > 0; }
    // Agents whose `done` is reading ticket titles, before submit() has them
    // (daemon/handlers/merge.cpp).
    bool preparing(const std::string& agent_id) const { return preparing_.count(agent_id) > 0; }
    void mark_preparing(const std::string& agent_id) { preparing_.insert(agent_id); }
    void unmark_preparing(const std::string& agent_id) { preparing_.erase(agent_id); }

  private:
    git::Runner& git_;
    std::set<std::string> active_;    // queued or running
    std::set<std::string> preparing_; // reading ticket titles before submit()
};

// The conflict text the agent reads (answer to `fab agent done` and message).
std::string conflict_advice(const Outcome& o, const std::string& branch);

} // namespace fab::merge
