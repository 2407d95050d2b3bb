#include "daemon/git/repo_jobs.hpp"

#include <filesystem>
#include <memory>

namespace fab::git {

RepoJobs::Key RepoJobs::key(const std::string& repo, Lane lane) {
    std::string p = std::filesystem::path(repo).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return {std::move(p), lane};
}

void RepoJobs::run(const std::string& repo, Lane lane, Job job) {
    Key k = key(repo, lane);
    auto& q = queues_[k];
    q.push_back(std::move(job));
    if (q.size() == 1) start_next(k);
}

size_t RepoJobs::pending(const std::string& repo, Lane lane) const {
    auto it = queues_.find(key(repo, lane));
    return it == queues_.end() ? 0 : it->second.size();
}

void RepoJobs::start_next(const Key& k) {
    auto it = queues_.find(k);
    if (it == queues_.end()) return;
    if (it->second.empty()) {
        queues_.erase(it);
        return;
    }
    // The job stays at the front (so that pending() counts it) until it
    // releases; a second release is ignored.
    Job job = std::move(it->second.front());
    auto released = std::make_shared<bool>(false);
    job([this, k, released] {
        if (*released) return;
        *released = true;
        auto q = queues_.find(k);
        if (q == queues_.end()) return;
        q->second.pop_front();
        start_next(k);
    });
}

} // namespace fab::git
