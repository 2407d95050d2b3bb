// merge-strategy = pull-request, followed to the end. The daemon polls every
// open pull request an agent opened (`gh pr view <url> --json
// state,reviews,comments`, argv only, run on the thread pool through
// util/subprocess): every 30 s at first, backing off to every 15 min while
// nothing changes, and at once on demand (pull_request.check, `fab pr check`).
//   - merged: the agent's tickets are closed (issue.close + issue.commit, as
//     a user would), its claims released, and the agent ends (retire: after
//     its turn, in state done), which frees its slot;
//   - closed without merging: the agent is told, and its claims released;
//   - review comments and comments it has not seen yet: sent to the agent as
//     one message.
// What was seen and how each pull request ended is kept in
// $FAB_DIR/pull-requests.json (written atomically, on the thread pool), so
// a daemon restart sends nothing twice. Loop thread only.
#pragma once

#include "ev/timer.hpp"
#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace fab {

class Daemon;

namespace prwatch {

// What one `gh pr view --json state,reviews,comments` said. Pure: unit-tested.
struct Feedback {
    std::string id, author, kind, state, body; // kind: review | comment
};
struct View {
    std::string state; // OPEN, MERGED, CLOSED
    std::vector<Feedback> feedback;
};
Result<View> parse_view(const std::string& json);
// The message an agent gets for `items` on `url`.
std::string feedback_message(const std::string& url, const std::vector<Feedback>& items);

constexpr int64_t kFirstPollMs = 30 * 1000;
constexpr int64_t kMaxPollMs = 15 * 60 * 1000;

} // namespace prwatch

class PrWatch {
  public:
    explicit PrWatch(Daemon& d);
    ~PrWatch();
    PrWatch(const PrWatch&) = delete;
    PrWatch& operator=(const PrWatch&) = delete;

    // Loads pull-requests.json and the open pull requests of live agents
    // (the store's pull-request records); then polls on a timer.
    void start();
    void stop();
    // A pull request was opened (or pushed to again) for the agent.
    void watch(const std::string& project, const std::string& agent_id, const std::string& url);
    // Polls now: one agent's pull request, or every watched one ("").
    // done → {"pull_requests": [{agent_id, project, url, state, new_feedback}]}.
    void check_now(const std::string& agent_id, std::function<void(Result<Json>)> done);

  private:
    struct Pr {
        std::string project, agent_id, url;
        std::set<std::string> seen; // review and comment ids sent already
        std::string state = "OPEN";
        int64_t interval_ms = prwatch::kFirstPollMs, due_ms = 0;
        bool polling = false;
        std::vector<std::function<void(Json)>> waiters; // check_now, answered after the poll
        size_t last_new = 0;
    };
    void tick();
    void poll(Pr& pr);
    void polled(const std::string& agent_id, Result<std::string> out);
    void merged(Pr& pr);
    void closed(Pr& pr);
    void close_tickets(const std::string& project, std::vector<std::string> tickets);
    void save();
    Json pr_json(const Pr& pr) const;

    Daemon& d_;
    std::string file_;
    std::map<std::string, Pr> prs_; // by agent id; ended ones stay (state) until the agent goes
    std::unique_ptr<ev::Timer> timer_;
    bool writing_ = false, write_again_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace fab
