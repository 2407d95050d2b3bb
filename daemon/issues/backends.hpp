// The issue backend of each project, as its config says (issue-backend =
// tk | github | linear). tk backends are made per call, over the `.tickets/`
// the caller works in (the clone, or a task agent's worktree). An API
// backend is one object per project, shared by every caller, so its cache,
// cursor and rate-limit wait are shared too; it is made again when the
// settings it was made from change. Loop thread only; the backends
// themselves are called on the thread pool.
#pragma once

#include "config/config.hpp"
#include "issues/backend.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace fab {

class Daemon;

class IssueBackends {
  public:
    explicit IssueBackends(Daemon& d) : d_(d) {}

    // An error is one line naming what is missing (a token, the repository).
    Result<std::shared_ptr<issues::Backend>> get(const ProjectConfig& p,
                                                 const std::string& tickets_dir);
    // True for github and linear: the issues are not files in the repository.
    static bool is_api(const ProjectConfig& p) {
        return p.issue_backend == "github" || p.issue_backend == "gh" ||
               p.issue_backend == "linear";
    }
    // How often the orchestrator polls the project's issues.
    uint64_t poll_ms(const ProjectConfig& p) const;

    // Issues whose work is merged but whose close upstream failed (network,
    // rate limit): the orchestrator retries the close on each poll, and
    // until it succeeds they count as claimed, so no second agent is
    // started on finished work. In memory: a daemon restart forgets them.
    void add_pending_close(const std::string& project, const std::string& id) {
        pending_close_[project].insert(id);
    }
    std::set<std::string> take_pending_close(const std::string& project) {
        auto node = pending_close_.extract(project);
        return node.empty() ? std::set<std::string>{} : std::move(node.mapped());
    }
    const std::set<std::string>& pending_close(const std::string& project) {
        return pending_close_[project];
    }

  private:
    Result<std::shared_ptr<issues::Backend>> github(const ProjectConfig& p);
    Result<std::shared_ptr<issues::Backend>> linear(const ProjectConfig& p);

    Daemon& d_;
    struct Entry {
        std::string key; // the settings it was made from
        std::shared_ptr<issues::Backend> backend;
    };
    std::map<std::string, Entry> api_; // project → its backend
    std::map<std::string, std::set<std::string>> pending_close_;
};

} // namespace fab
