// The GitHub issue backend: GitHub Issues of one repository through the
// GraphQL API. Issues → tickets:
//   id        the issue number ("42")
//   status    OPEN → open (in_progress / blocked when labelled
//             `status:in_progress` / `status:blocked`), CLOSED → closed
//   type      label `type:<t>` (task when none), priority label `priority:<n>`
//             (2 when none); fab creates these labels when they are missing
//   deps      GitHub's blocked-by relation; parent: the sub-issue parent
//   notes     the issue's comments
//   author    the author's login (for allowed-authors)
//
// Reads keep a cache of the issues seen, refreshed incrementally: after one
// full listing of the open issues, each poll asks only for issues updated
// since the newest `updatedAt` seen (the cursor), so an idle repository
// costs one small query per poll; a full listing again every
// kFullRefreshMs. Rate limits are obeyed: after a 403/429 with Retry-After,
// or X-RateLimit-Remaining: 0 (until X-RateLimit-Reset), and with backoff
// after network or server errors, no request is sent before the wait is
// over; calls meanwhile fail at once with the reason. Errors are one line;
// the token is never part of one (nor of a log line).
//
// Calls block (HTTP through the Transport): the daemon runs them on its
// thread pool. Thread-safe (one mutex around the cache and the backoff).
#pragma once

#include "daemon/issues/api.hpp"
#include "issues/backend.hpp"

#include <functional>
#include <memory>
#include <string>

namespace fab::issues {

struct GithubSettings {
    std::string graphql_url; // https://api.github.com/graphql
    std::string token;       // never logged
    std::string token_env;   // the variable it came from, named in errors
    std::string owner, repo;
    int timeout_ms = 20000;
    int64_t min_backoff_ms = 30000; // after an error; doubled up to kMaxBackoffMs
};

inline constexpr int64_t kFullRefreshMs = 10 * 60 * 1000;

// The GraphQL endpoint for an API base URL, as GitHub's tools read
// GITHUB_API_URL: "https://api.github.com" → ".../graphql";
// GitHub Enterprise "https://ghe.example/api/v3" → "https://ghe.example/api/graphql".
std::string github_graphql_url(const std::string& api_url);

// owner/name from a git remote: https://github.com/o/r(.git),
// git@github.com:o/r.git, ssh://git@host/o/r.git; an error otherwise.
Result<std::pair<std::string, std::string>> github_repo_from_remote(const std::string& remote);

std::unique_ptr<Backend> make_github_backend(GithubSettings s, Transport transport);

// Webhook signature: true when `signature` is "sha256=<hex>" of the
// HMAC-SHA256 of `body` with `secret` (compared in constant time).
bool github_signature_ok(const std::string& secret, const std::string& body,
                         const std::string& signature);

} // namespace fab::issues
