// The steps of one merge (merge.cpp: direct; pull_request.cpp: pull
// request). Each step runs one git child process and chains to the next;
// the shared_ptr captured by every callback keeps the job alive until
// `done` has run. Internal to daemon/orchestrator. Loop thread only.
#pragma once

#include "daemon/git/safe_git.hpp"
#include "daemon/orchestrator/merge.hpp"

#include <memory>

namespace fab::merge {

class Job : public std::enable_shared_from_this<Job> {
  public:
    Job(git::Runner& git, Request req, std::function<void(Outcome)> done);
    void start();

  private:
    using Next = std::function<void(ev::ProcessResult)>;
    void git(const safegit::Where& where, std::vector<std::string> args, Next next);
    // A read-only libgit2 query (git/queries.hpp) on the thread pool.
    template <typename T>
    void query(std::function<Result<T>()> work, std::function<void(Result<T>)> next) {
        git_.query<T>(std::move(work), [self = shared_from_this(), next = std::move(next)](
                                           Result<T> r) { next(std::move(r)); });
    }
    void fail(const std::string& message);
    void finish();

    // Shared.
    void check_worktree();
    void find_remote();
    void fetch(std::function<void()> next);
    // direct
    void sync_main();
    void count_commits();
    void push_leftovers();
    void rebase();
    void fast_forward();
    void push();
    void put_main_back(const std::string& why);
    void collect();
    // pull-request
    void pr_count();
    void pr_push();
    void pr_create();

    git::Runner& git_;
    Request req_;
    std::function<void(Outcome)> done_;
    Outcome out_;
    bool has_remote_ = false;
    int push_attempts_ = 0;
    std::string old_main_;   // main before this merge: where a failed push puts it back
    std::string not_pushed_; // why a merge stayed in the clone
    safegit::Where wt_;      // the worktree with its verified git dir (start())
};

} // namespace fab::merge
