#include "workflow/templates.hpp"

#include "util/strings.hpp"

#include <cctype>

namespace fab::workflow {

namespace {

bool input_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
}

// Walks the placeholders of `text`, calling `on(offset, name)` for each; a
// syntax or name problem stops the walk.
template <typename F>
std::optional<TemplateProblem> walk(std::string_view text, std::string* out, F&& on) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            if (out) out->append(text.substr(pos));
            break;
        }
        if (out) out->append(text.substr(pos, open - pos));
        size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            return TemplateProblem{open, "'{{' without a closing '}}'"};
        std::string_view name = trim(text.substr(open + 2, close - open - 2));
        if (name != "goal" && !(name.starts_with("inputs.") && input_name(name.substr(7))))
            return TemplateProblem{open, "unknown template variable \"{{ " + std::string(name) +
                                             " }}\" (only {{ goal }} and {{ inputs.NAME }})"};
        if (auto p = on(open, name)) return p;
        pos = close + 2;
    }
    return std::nullopt;
}

} // namespace

std::optional<TemplateProblem> check_template(std::string_view text) {
    return walk(text, nullptr,
                [](size_t, std::string_view) -> std::optional<TemplateProblem> { return {}; });
}

Result<std::string> expand_template(std::string_view text, const TemplateVars& vars) {
    std::string out;
    auto problem =
        walk(text, &out, [&](size_t at, std::string_view name) -> std::optional<TemplateProblem> {
            if (name == "goal") {
                if (vars.goal.empty())
                    return TemplateProblem{at, "{{ goal }} is used but the run "
                                               "has no goal"};
                out += vars.goal;
                return std::nullopt;
            }
            auto it = vars.inputs.find(name.substr(7));
            if (it == vars.inputs.end())
                return TemplateProblem{at, "undefined input \"" + std::string(name.substr(7)) +
                                               "\" ({{ " + std::string(name) +
                                               " }}); pass --input " + std::string(name.substr(7)) +
                                               "=…"};
            out += it->second;
            return std::nullopt;
        });
    if (problem) return make_error(problem->message);
    return out;
}

} // namespace fab::workflow
