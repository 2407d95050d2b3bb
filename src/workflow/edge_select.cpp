#include "workflow/edge_select.hpp"

#include "util/strings.hpp"
#include "workflow/gate_options.hpp"

#include <cctype>

namespace fab::workflow {

namespace {

// Higher weight first, then the smaller target id.
bool better(const Edge& a, const Edge& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.to < b.to;
}

} // namespace

std::string_view reason_name(EdgeChoice::Reason r) {
    switch (r) {
    case EdgeChoice::Reason::condition:
        return "condition";
    case EdgeChoice::Reason::preferred_label:
        return "preferred_label";
    case EdgeChoice::Reason::suggested_id:
        return "suggested_id";
    case EdgeChoice::Reason::unconditional:
        return "unconditional";
    }
    return "?";
}

std::string normalize_label(std::string_view label) {
    std::string s(split_accelerator(label).label);
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::string(trim(s));
}

Result<EdgeChoice> select_edge(const Workflow& wf, std::string_view node_id,
                               const ConditionVars& vars,
                               const std::vector<std::string>& suggested_next_ids) {
    const auto& out = wf.out_edges(node_id);
    if (out.empty()) return make_error("stage \"" + std::string(node_id) + "\" has no out-edge");

    std::vector<size_t> unconditional;
    const Edge* best = nullptr;
    size_t best_index = 0;
    for (size_t i : out) {
        const Edge& e = wf.edges[i];
        if (e.condition.empty()) {
            unconditional.push_back(i);
            continue;
        }
        ConditionError err;
        auto c = Condition::parse(e.condition, err);
        if (!c)
            return make_error(wf.file + ":" + std::to_string(e.line) + ": condition \"" +
                              e.condition + "\": " + err.str());
        if (c->evaluate(vars) && (!best || better(e, *best))) {
            best = &e;
            best_index = i;
        }
    }
    if (best) return EdgeChoice{best_index, EdgeChoice::Reason::condition};

    if (!vars.preferred_label.empty()) {
        std::string want = normalize_label(vars.preferred_label);
        for (size_t i : unconditional)
            if (normalize_label(wf.edges[i].label) == want)
                return EdgeChoice{i, EdgeChoice::Reason::preferred_label};
    }
    for (const auto& id : suggested_next_ids)
        for (size_t i : unconditional)
            if (wf.edges[i].to == id) return EdgeChoice{i, EdgeChoice::Reason::suggested_id};

    for (size_t i : unconditional)
        if (!best || better(wf.edges[i], *best)) {
            best = &wf.edges[i];
            best_index = i;
        }
    if (best) return EdgeChoice{best_index, EdgeChoice::Reason::unconditional};

    std::string why = "no edge out of stage \"" + std::string(node_id) +
                      "\" matches: outcome=" + (vars.outcome.empty() ? "\"\"" : vars.outcome);
    if (!vars.preferred_label.empty()) why += ", preferred label \"" + vars.preferred_label + "\"";
    if (!suggested_next_ids.empty()) why += ", suggested " + join(suggested_next_ids, ",");
    why += ", and every edge has a condition that does not hold";
    return make_error(why);
}

} // namespace fab::workflow
