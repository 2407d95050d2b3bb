// A run submission (`POST /api/v1/runs`, `run.submit`), checked before
// anything is queued. Pure, and the fuzz target's subject
// (tests/fuzz/fuzz_run_request.cpp): any bytes give a request or one error.
#pragma once

#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <map>
#include <string>
#include <string_view>

namespace fab::runs {

// `workflow`: "task" (one task agent, the default), the name of a workflow
// file (the daemon looks in the project's .fab/workflows/ and in
// <config>/workflows/), or a workflow's DOT source itself. `workflow_file`
// names the file the source came from (diagnostics, `@file` prompts);
// `inputs` fill the prompts' {{ inputs.NAME }}.
struct RunRequest {
    std::string project, goal, workflow, backend, model, workflow_file;
    std::map<std::string, std::string> inputs;

    bool is_task() const { return workflow == "task"; }
    // The workflow text is DOT source rather than a name.
    bool has_source() const { return workflow.find('{') != std::string::npos; }
};

constexpr size_t kMaxGoalBytes = 64 * 1024;
constexpr size_t kMaxWorkflowSourceBytes = 1 << 20;
constexpr size_t kMaxInputs = 100;

// From a JSON object (already parsed). Unknown fields are refused: a typo
// ("gaol") would otherwise queue a run that does something else.
Result<RunRequest> run_request_from_json(const Json& j);
// From the raw body text: parse errors are reported, never thrown.
Result<RunRequest> parse_run_request(std::string_view body);

} // namespace fab::runs
