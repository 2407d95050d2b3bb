// libFuzzer target: an edge condition as a workflow file may hold it. Parsing
// must answer a condition or an error with a position inside the text, never
// crash; a parsed condition is evaluated against fixed variables (long
// command output included, for `matches`).
#include "workflow/condition.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    fab::workflow::ConditionError err;
    auto c = fab::workflow::Condition::parse(text, err);
    if (!c) {
        if (err.pos > text.size() || err.message.empty()) std::abort();
        return 0;
    }
    static const fab::workflow::ConditionVars vars = [] {
        fab::workflow::ConditionVars v;
        v.outcome = "fail";
        v.preferred_label = "Retry";
        v.command_output = std::string(20'000, 'a') + "\nFAILED 3 tests\n";
        v.node_visit_count = 2;
        v.context = {{"tests_passed", "false"}, {"n", "12.5"}};
        v.human_gate = {{"selected", "A"}};
        return v;
    }();
    (void)c->evaluate(vars);
    return 0;
}
