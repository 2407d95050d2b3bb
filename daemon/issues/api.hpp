// What the API backends (GitHub, Linear) share: the HTTP transport they
// are given, the open tickets of their cache as a TicketSet, and ApiWait.
//
// ApiWait: when an issue API may be asked again: after a rate limit (the server's
// Retry-After or reset time) or, after network and server errors, a backoff
// that starts at the poll interval and doubles up to kMaxBackoffMs. Calls
// meanwhile fail at once with the reason, so a broken API is never
// hammered. Thread-safe: the backends run on the daemon's thread pool.
#pragma once

#include "issues/tickets.hpp"
#include "net/http_client.hpp"
#include "util/result.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace fab::issues {

inline constexpr int64_t kMaxBackoffMs = 10 * 60 * 1000;

// One POST; blocking (the daemon's is net::post_blocking, on its pool).
using Transport = std::function<Result<net::Response>(
    const std::string& url, const net::Headers& headers, std::string body, int timeout_ms)>;

// "Retry-After: <seconds>" as milliseconds (at least 1 s), or 0 when absent.
inline int64_t retry_after_ms(const net::Response& r) {
    std::string v = r.header("Retry-After");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 9)
        return 0;
    return std::max<int64_t>(std::stoll(v) * 1000, 1000);
}

// The cache's open tickets (with `status` only, when given), sorted by id.
// dep_status holds the blockers' states as their dependents last saw them
// (for blockers outside the cache: closed long ago, or in another
// repository), then the cached issues' own, which are fresher. Each cache
// value has `ticket` and `blocker_states`.
template <class Cache>
TicketSet open_ticket_set(const Cache& cache, const std::string& status) {
    TicketSet set;
    for (const auto& [key, n] : cache)
        for (const auto& [b, st] : n.blocker_states) set.dep_status[b] = st;
    for (const auto& [key, n] : cache)
        set.dep_status[n.ticket.id] = n.ticket.status == "closed" ? "closed" : "open";
    for (const auto& [key, n] : cache) {
        if (n.ticket.status == "closed") continue;
        if (!status.empty() && n.ticket.status != status) continue;
        set.tickets.push_back(n.ticket);
    }
    std::sort(set.tickets.begin(), set.tickets.end(),
              [](const Ticket& a, const Ticket& b) { return a.id < b.id; });
    return set;
}

class ApiWait {
  public:
    explicit ApiWait(int64_t min_backoff_ms) : min_backoff_ms_(min_backoff_ms) {}

    // An error while a wait runs: `<reason>; no request to <api> before <time>`.
    Status check(const std::string& api) const {
        std::lock_guard lock(mu_);
        if (now_ms() >= until_ms_) return {};
        return make_error(reason_ + "; no request to " + api + " before " +
                          format_iso8601_ms(until_ms_));
    }
    // Waits `ms` (a rate limit: the server said how long).
    void wait(int64_t ms, const std::string& reason) {
        std::lock_guard lock(mu_);
        until_ms_ = now_ms() + ms;
        reason_ = reason;
    }
    // A network or server error: the next backoff step; returns `what` with
    // the wait appended.
    std::string back_off(const std::string& what) {
        std::lock_guard lock(mu_);
        backoff_ms_ = backoff_ms_ == 0 ? min_backoff_ms_ : std::min(backoff_ms_ * 2, kMaxBackoffMs);
        until_ms_ = now_ms() + backoff_ms_;
        reason_ = what;
        return what + " (retrying in " + std::to_string((backoff_ms_ + 999) / 1000) + " s)";
    }
    void succeeded() {
        std::lock_guard lock(mu_);
        backoff_ms_ = 0;
    }
    int64_t min_backoff_ms() const { return min_backoff_ms_; }

  private:
    const int64_t min_backoff_ms_;
    mutable std::mutex mu_;
    int64_t until_ms_ = 0, backoff_ms_ = 0;
    std::string reason_;
};

} // namespace fab::issues
