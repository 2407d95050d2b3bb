// The routing an agent or prompt stage may put at the end of its answer: a
// JSON object, last thing in the text (a ```json fence around it is fine):
//   {"outcome": "fail", "preferred_next_label": "Fix",
//    "suggested_next_ids": ["implement"], "context_updates": {"tests": "3 failed"}}
// Every field is optional. An answer that does not end with an object has no
// routing (nullopt); one whose object has a field of the wrong type, or an
// unknown outcome, is an error.
#pragma once

#include "util/result.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

struct StageAnswer {
    std::string outcome; // success, fail, partial_success, retry, skipped; empty: unset
    std::string preferred_next_label;
    std::vector<std::string> suggested_next_ids;
    // Values that are not strings are kept as their JSON text.
    std::map<std::string, std::string> context_updates;
};

bool known_outcome(std::string_view outcome);

Result<std::optional<StageAnswer>> parse_stage_answer(std::string_view text);

} // namespace fab::workflow
