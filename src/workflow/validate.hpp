// Validation of a loaded workflow: the rules `fab workflow validate` checks,
// each error naming `file:line`:
//   - exactly one start (Mdiamond) and one exit (Msquare); nothing goes into
//     the start or out of the exit;
//   - every stage is reachable from the start, has a way out, and can reach
//     the exit;
//   - agent and prompt stages have a prompt; `@file`s exist; templates use
//     only {{ goal }} and {{ inputs.NAME }}; command stages have a script;
//   - conditions parse; retry targets name stages; attribute values are of
//     their type (counts, durations, policies, backends, booleans);
//   - a human gate's options have distinct keys and at most one is freeform;
//     a fan-out has two branches or more.
// (The stylesheet and the DOT syntax are checked by the loader.)
#pragma once

#include "workflow/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

std::vector<Diagnostic> validate(const Workflow& wf);

// Loads `path` and validates it: loader errors, then validation errors, by line.
// `loaded` receives the workflow when it parsed.
std::vector<Diagnostic> check_workflow_file(const std::string& path,
                                            std::optional<Workflow>* loaded = nullptr);

// "90" (seconds), "30s", "5m", "2h", "500ms" → milliseconds.
std::optional<int64_t> parse_timeout_ms(std::string_view s);

} // namespace fab::workflow
