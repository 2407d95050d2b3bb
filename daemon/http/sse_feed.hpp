// What an SSE stream (sse.cpp) sends: its replay from state.db, its live
// events, the `id:` of each event and where a dropped client resumes. Two
// feeds: one run's events (run_feed.cpp: GET /api/v1/runs/{id}/attach) and
// every run's (all_runs_feed.cpp: GET /api/v1/attach). Loop thread only.
#pragma once

#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fab {

class RunEngine;

class SseFeed {
  public:
    virtual ~SseFeed() = default;
    // The next page of stored events after the cursor, in order; an empty
    // page (or one shorter than asked) ends the replay.
    virtual Result<std::vector<Json>> replay(int64_t page) = 0;
    // After the replay: whether anything more can come (a finished run's
    // stream ends instead).
    virtual bool goes_live() const = 0;
    // Live events: `fn` gets each event, and a null Json when the feed is
    // over (the run's terminal event went out). Returns a token for
    // RunEngine::unlisten.
    virtual uint64_t listen(std::function<void(const Json&)> fn) = 0;
    // Whether the client has not had this event yet (and wants it).
    virtual bool fresh(const Json& ev) const = 0;
    // The event is in the client's buffer: the cursor moves past it; the
    // text of its `id:` line.
    virtual std::string advance(const Json& ev) = 0;
    // The `id:` to send before any event ("" = none), so that a client that
    // leaves before the first event resumes from where it came in.
    virtual std::string initial_id() const { return ""; }
    // The data of the last `resync` event of a client that fell behind.
    virtual Json resync() const = 0;
};

} // namespace fab
