#include "workflow/stage_answer.hpp"

#include "util/strings.hpp"

#include <nlohmann/json.hpp>

namespace fab::workflow {

namespace {

// Bounds the backwards search: only the tail of a long answer is tried, and
// only so many '{' in it (each try is a parse).
constexpr size_t kTail = 64 * 1024;
constexpr int kMaxTries = 256;

} // namespace

bool known_outcome(std::string_view o) {
    return o == "success" || o == "fail" || o == "partial_success" || o == "retry" ||
           o == "skipped";
}

Result<std::optional<StageAnswer>> parse_stage_answer(std::string_view text) {
    std::string_view s = trim(text);
    if (s.ends_with("```")) { // a fenced block: drop the closing fence
        s = trim(s.substr(0, s.size() - 3));
    }
    if (!s.ends_with("}")) return std::optional<StageAnswer>{};
    if (s.size() > kTail) s = s.substr(s.size() - kTail);

    nlohmann::json obj;
    bool found = false;
    int tries = 0;
    for (size_t at = s.rfind('{'); at != std::string_view::npos && tries < kMaxTries;
         at = at == 0 ? std::string_view::npos : s.rfind('{', at - 1), ++tries) {
        auto j = nlohmann::json::parse(s.substr(at), nullptr, false);
        if (!j.is_discarded() && j.is_object()) {
            obj = std::move(j);
            found = true;
            break;
        }
    }
    if (!found) return std::optional<StageAnswer>{};

    // An object with none of our fields is the agent's own data, not routing.
    bool ours = obj.contains("outcome") || obj.contains("preferred_next_label") ||
                obj.contains("suggested_next_ids") || obj.contains("context_updates");
    if (!ours) return std::optional<StageAnswer>{};

    StageAnswer a;
    if (auto it = obj.find("outcome"); it != obj.end()) {
        if (!it->is_string()) return make_error("\"outcome\" must be a string");
        a.outcome = it->get<std::string>();
        if (!known_outcome(a.outcome))
            return make_error("unknown outcome \"" + a.outcome +
                              "\" (success, fail, partial_success, retry or skipped)");
    }
    if (auto it = obj.find("preferred_next_label"); it != obj.end()) {
        if (!it->is_string()) return make_error("\"preferred_next_label\" must be a string");
        a.preferred_next_label = it->get<std::string>();
    }
    if (auto it = obj.find("suggested_next_ids"); it != obj.end()) {
        if (!it->is_array()) return make_error("\"suggested_next_ids\" must be an array");
        for (const auto& v : *it) {
            if (!v.is_string()) return make_error("\"suggested_next_ids\" must hold strings");
            a.suggested_next_ids.push_back(v.get<std::string>());
        }
    }
    if (auto it = obj.find("context_updates"); it != obj.end()) {
        if (!it->is_object()) return make_error("\"context_updates\" must be an object");
        for (const auto& [k, v] : it->items())
            a.context_updates[k] =
                v.is_string() ? v.get<std::string>()
                              : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return std::optional<StageAnswer>{std::move(a)};
}

} // namespace fab::workflow
