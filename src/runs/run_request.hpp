// A run submission (`POST /api/v1/runs`, `run.submit`), checked before
// anything is queued. Pure, and the fuzz target's subject
// (tests/fuzz/fuzz_run_request.cpp): any bytes give a request or one error.
#pragma once

#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>

namespace fab::runs {

struct RunRequest {
    std::string project, goal, workflow, backend, model;
};

constexpr size_t kMaxGoalBytes = 64 * 1024;

// From a JSON object (already parsed). Unknown fields are refused: a typo
// ("gaol") would otherwise queue a run that does something else.
Result<RunRequest> run_request_from_json(const Json& j);
// From the raw body text: parse errors are reported, never thrown.
Result<RunRequest> parse_run_request(std::string_view body);

} // namespace fab::runs
