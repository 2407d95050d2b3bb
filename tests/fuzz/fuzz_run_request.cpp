// libFuzzer target: the body of `POST /api/v1/runs` (and `run.submit`), as
// any HTTP client may send it. Anything gives a request or one error; an
// accepted request always has a valid project, a goal and a known workflow.
#include "config/config.hpp"
#include "runs/run_request.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto r = fab::runs::parse_run_request(body);
    if (r.ok()) {
        if (!fab::valid_project_name(r->project) || r->goal.empty() || r->workflow != "task" ||
            r->goal.size() > fab::runs::kMaxGoalBytes)
            std::abort();
    } else if (r.error().empty()) {
        std::abort(); // every refusal says why
    }
    return 0;
}
