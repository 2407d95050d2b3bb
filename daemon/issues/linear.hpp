// The Linear issue backend: the issues of one Linear team (optionally one
// project of it) through Linear's GraphQL API. Issues → tickets:
//   id        the identifier ("ENG-123")
//   status    from the workflow state's type: triage, backlog, unstarted →
//             open; started → in_progress; completed, canceled → closed.
//             Writes pick the team's state of the wanted type (the first
//             by position): open → unstarted, in_progress → started,
//             closed → completed; blocked is the label `status:blocked`
//   priority  Linear 1 (urgent) → 0, 2 (high) → 1, 3 (medium), 4 (low) and
//             0 (none) → 2; written back as 1, 2, 3
//   type      the label `type:<t>` (task when none), made when missing
//   deps      "blocks" relations pointing at the issue; parent: the parent
//   notes     comments; author: the creator's e-mail (allowed-authors)
// Polling, the incremental cursor (updatedAt), rate limits (RATELIMITED,
// Retry-After, X-RateLimit-Requests-Reset) and errors work as in the
// GitHub backend (github.hpp). Calls block: the daemon's thread pool.
#pragma once

#include "daemon/issues/api.hpp"
#include "issues/backend.hpp"

#include <memory>
#include <string>

namespace fab::issues {

struct LinearSettings {
    std::string graphql_url = "https://api.linear.app/graphql";
    std::string api_key; // never logged
    std::string key_env; // the variable it came from, named in errors
    std::string team;    // the team's key, e.g. "ENG" (required)
    std::string project; // a project's name: only its issues ("" = the team's)
    int timeout_ms = 20000;
    int64_t min_backoff_ms = 30000;
};

std::unique_ptr<Backend> make_linear_backend(LinearSettings s, Transport transport);

// Linear priority ↔ fab priority.
int fab_priority(int linear);
int linear_priority(int fab);
// A workflow state type → fab status.
std::string fab_status(const std::string& state_type);

} // namespace fab::issues
