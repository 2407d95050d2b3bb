#include "daemon/orchestrator/commit_log.hpp"

#include "util/log.hpp"

namespace fab {

Json recent_work_json(Store& store, int limit, const std::string& project) {
    Json out = Json::array();
    auto cs = store.recent_commits(project, limit);
    if (!cs) {
        log::error(cs.error());
        return out;
    }
    for (const auto& c : *cs)
        out.push_back({{"sha", c.sha},
                       {"subject", c.subject},
                       {"agent_id", c.agent_id},
                       {"project", c.project},
                       {"ticket", c.ticket},
                       {"ts_ms", c.ts_ms},
                       {"strategy", c.strategy},
                       {"pr_url", c.pr_url},
                       {"branch", c.branch}});
    return out;
}

int64_t commits_merged(Store& store, const std::string& project) {
    auto n = store.commit_count(project, "direct"); // an open pull request is not merged
    if (!n) {
        log::error(n.error());
        return 0;
    }
    return *n;
}

} // namespace fab
