// Prompt templates: `{{ goal }}` and `{{ inputs.NAME }}` in a stage's prompt,
// filled in when the stage runs. Anything else between `{{ }}`, and an input
// the run was not given, is an error (a prompt never goes out half-filled).
#pragma once

#include "util/result.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fab::workflow {

struct TemplateVars {
    std::string goal;
    std::map<std::string, std::string, std::less<>> inputs;
};

struct TemplateProblem {
    size_t offset = 0; // of the `{{` in the text
    std::string message;
};

// Checks the placeholders' syntax and names (not their values): for validation.
std::optional<TemplateProblem> check_template(std::string_view text);

// The text with every placeholder replaced; an error names the first problem.
Result<std::string> expand_template(std::string_view text, const TemplateVars& vars);

} // namespace fab::workflow
