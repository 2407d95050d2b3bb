// The commit log as `fab status` and the TUI show it ("recent work").
#pragma once

#include "protocol/envelope.hpp"
#include "store/store.hpp"

namespace fab {

// The newest `limit` entries: [{sha, subject, agent_id, project, ticket,
// ts_ms, strategy, pr_url, branch}], newest first. A store error gives [].
Json recent_work_json(Store& store, int limit, const std::string& project = "");
// Commits merged into main (pull requests not counted); 0 on error.
int64_t commits_merged(Store& store, const std::string& project = "");

} // namespace fab
