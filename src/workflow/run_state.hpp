// A run's position in its workflow, as stored in a checkpoint after every
// stage: enough to resume it (the interrupted stage runs again). Plain data
// with a JSON form; the daemon stores it in state.db with the commit sha.
#pragma once

#include "util/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

struct RunState {
    static constexpr int kVersion = 1;

    std::string current_node;                    // the stage that ran last (or is running)
    std::string next_node;                       // where the run goes next; empty at the end
    std::vector<std::string> completed;          // stages finished, in order
    std::map<std::string, int> retries;          // stage → retries used
    std::map<std::string, int> visits;           // stage → times entered
    std::map<std::string, std::string> outcomes; // stage → last outcome
    std::map<std::string, std::string> context;  // the run's context (context.K)
    std::string commit;                          // the run branch's sha at the checkpoint

    std::string to_json() const;
    // Rejects a newer version, missing or mistyped fields with a clear error.
    static Result<RunState> from_json(std::string_view text);

    bool operator==(const RunState&) const = default;
};

} // namespace fab::workflow
