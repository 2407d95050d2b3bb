// libFuzzer target: the body of `POST /api/v1/runs` (and `run.submit`), as
// any HTTP client may send it. Anything gives a request or one error; an
// accepted request always has a valid project and a bounded goal, and its
// workflow is "task" (with a goal), DOT source, or a name that cannot leave
// the workflows directory (no '/', no leading '.').
#include "config/config.hpp"
#include "runs/run_request.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto r = fab::runs::parse_run_request(body);
    if (r.ok()) {
        if (!fab::valid_project_name(r->project) || r->goal.size() > fab::runs::kMaxGoalBytes)
            std::abort();
        if (r->is_task() && r->goal.empty()) std::abort();
        if (!r->is_task() && !r->has_source() &&
            (r->workflow.empty() || r->workflow[0] == '.' ||
             r->workflow.find('/') != std::string::npos))
            std::abort();
    } else if (r.error().empty()) {
        std::abort(); // every refusal says why
    }
    return 0;
}
