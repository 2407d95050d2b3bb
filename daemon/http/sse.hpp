// SSE streams of the HTTP API (sse.cpp) and their feeds. Not for use
// outside daemon/http (h2o's headers come with http_internal.hpp).
#pragma once

#include "daemon/http/http_internal.hpp"
#include "daemon/http/sse_feed.hpp"

#include <memory>
#include <set>
#include <string>

namespace fab::http {

// The most a stream holds for its client (what waits plus what h2o is
// writing): a client that would need more is dropped with a `resync` event.
constexpr size_t kMaxSseBuffered = 256 * 1024;
// SO_SNDBUF of an event stream's socket (the kernel doubles it): what a
// stalled reader costs in the kernel.
constexpr size_t kSseSocketSendBuffer = 64 * 1024;

// Starts the event stream of `feed` as the answer to `req`.
void start_stream(HttpServer& s, h2o_req_t* req, std::unique_ptr<SseFeed> feed,
                  const std::string& rid);
size_t stream_buffered(const SseStream* s);

// run_feed.cpp: one run's events after since_seq; ends after its terminal event.
std::unique_ptr<SseFeed> run_feed(RunEngine& runs, std::string run_id, int64_t since_seq);

// all_runs_feed.cpp: every run's events (or those of `run_ids`) from now,
// or after `last_event_id` (an id this feed sent). Error: a malformed id.
Result<std::unique_ptr<SseFeed>> all_runs_feed(Daemon& d, std::set<std::string> run_ids,
                                               const std::string& last_event_id);

} // namespace fab::http
