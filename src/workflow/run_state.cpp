#include "workflow/run_state.hpp"

#include <nlohmann/json.hpp>

namespace fab::workflow {

using nlohmann::json;

std::string RunState::to_json() const {
    json j = {
        {"version", kVersion},    {"current_node", current_node}, {"next_node", next_node},
        {"completed", completed}, {"retries", retries},           {"visits", visits},
        {"outcomes", outcomes},   {"context", context},           {"commit", commit},
    };
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

template <typename Map>
bool read_map(const json& j, const char* key, Map& out, std::string& err) {
    auto it = j.find(key);
    if (it == j.end()) return true; // optional: empty
    if (!it->is_object()) {
        err = std::string("\"") + key + "\" must be an object";
        return false;
    }
    for (const auto& [k, v] : it->items()) {
        using V = typename Map::mapped_type;
        if constexpr (std::is_same_v<V, int>) {
            if (!v.is_number_integer()) {
                err = std::string("\"") + key + "." + k + "\" must be an integer";
                return false;
            }
        } else if (!v.is_string()) {
            err = std::string("\"") + key + "." + k + "\" must be a string";
            return false;
        }
        out[k] = v.template get<V>();
    }
    return true;
}

} // namespace

Result<RunState> RunState::from_json(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return make_error("checkpoint: not a JSON object");
    auto v = j.find("version");
    if (v == j.end() || !v->is_number_integer()) return make_error("checkpoint: no version");
    if (v->get<int>() > kVersion)
        return make_error("checkpoint: version " + std::to_string(v->get<int>()) +
                          " is newer than this fab understands (" + std::to_string(kVersion) + ")");
    RunState s;
    for (auto [key, field] :
         {std::pair{"current_node", &s.current_node}, std::pair{"next_node", &s.next_node},
          std::pair{"commit", &s.commit}}) {
        auto it = j.find(key);
        if (it == j.end()) continue;
        if (!it->is_string())
            return make_error(std::string("checkpoint: \"") + key + "\" must be a string");
        *field = it->get<std::string>();
    }
    if (auto it = j.find("completed"); it != j.end()) {
        if (!it->is_array()) return make_error("checkpoint: \"completed\" must be an array");
        for (const auto& n : *it) {
            if (!n.is_string()) return make_error("checkpoint: \"completed\" must hold strings");
            s.completed.push_back(n.get<std::string>());
        }
    }
    std::string err;
    if (!read_map(j, "retries", s.retries, err) || !read_map(j, "visits", s.visits, err) ||
        !read_map(j, "outcomes", s.outcomes, err) || !read_map(j, "context", s.context, err))
        return make_error("checkpoint: " + err);
    return s;
}

} // namespace fab::workflow
