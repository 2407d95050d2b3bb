#include "workflow/render_text.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace fab::workflow {

namespace {

// One line per stage: shown on a terminal, so control bytes and newlines in
// labels are flattened.
std::string one_line(std::string_view s, size_t max = 60) {
    std::string out;
    for (char c : s) {
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
        out += c;
    }
    if (out.size() > max) out = out.substr(0, max - 3) + "...";
    return out;
}

} // namespace

std::vector<std::string> stage_order(const Workflow& wf) {
    std::vector<std::string> order;
    std::set<std::string> seen;
    std::deque<std::string> todo;
    if (const Node* s = wf.start()) {
        todo.push_back(s->id);
        seen.insert(s->id);
    }
    while (!todo.empty()) {
        std::string id = todo.front();
        todo.pop_front();
        order.push_back(id);
        for (size_t i : wf.out_edges(id))
            if (seen.insert(wf.edges[i].to).second) todo.push_back(wf.edges[i].to);
    }
    for (const auto& n : wf.nodes)
        if (seen.insert(n.id).second) order.push_back(n.id);
    return order;
}

std::string render_text(const Workflow& wf) {
    std::string out = "workflow " + (wf.name.empty() ? std::string("(unnamed)") : wf.name) + " — " +
                      std::to_string(wf.nodes.size()) + " stages, " +
                      std::to_string(wf.edges.size()) + " edges\n";
    if (!wf.goal().empty()) out += "goal: " + one_line(wf.goal(), 200) + "\n";
    size_t width = 0;
    for (const auto& n : wf.nodes) width = std::max(width, n.id.size());
    width = std::min<size_t>(width, 32);
    for (const auto& id : stage_order(wf)) {
        const Node* n = wf.node(id);
        if (!n) continue;
        std::string line = "\n" + one_line(n->id, 200);
        line += std::string(width > n->id.size() ? width - n->id.size() : 0, ' ');
        std::string kind(kind_name(n->kind));
        line += "  " + kind + std::string(kind.size() < 11 ? 11 - kind.size() : 0, ' ');
        if (n->label != n->id) line += "  \"" + one_line(n->label) + "\"";
        for (const char* k : {"backend", "model", "reasoning_effort", "max_retries", "retry_policy",
                              "timeout", "goal_gate", "join_policy", "max_parallel"})
            if (n->has(k)) line += "  " + std::string(k) + "=" + one_line(n->attr(k), 40);
        if (n->kind == StageKind::command) line += "  script: " + one_line(n->attr("script"));
        out += line + "\n";
        for (size_t i : wf.out_edges(id)) {
            const Edge& e = wf.edges[i];
            std::string el = "    -> " + one_line(e.to, 200);
            if (!e.label.empty()) el += "  [" + one_line(e.label) + "]";
            if (!e.condition.empty()) el += "  if " + one_line(e.condition, 120);
            if (e.weight) el += "  weight " + std::to_string(e.weight);
            if (e.freeform) el += "  (free text)";
            out += el + "\n";
        }
    }
    return out;
}

} // namespace fab::workflow
