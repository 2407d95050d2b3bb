#include "workflow/model.hpp"

#include <array>
#include <utility>

namespace fab::workflow {

namespace {

struct KindInfo {
    StageKind kind;
    std::string_view name, shape;
};

constexpr std::array<KindInfo, 9> kKinds = {{
    {StageKind::start, "start", "Mdiamond"},
    {StageKind::exit, "exit", "Msquare"},
    {StageKind::agent, "agent", "box"},
    {StageKind::prompt, "prompt", "tab"},
    {StageKind::command, "command", "parallelogram"},
    {StageKind::human, "human", "hexagon"},
    {StageKind::conditional, "conditional", "diamond"},
    {StageKind::fan_out, "fan_out", "component"},
    {StageKind::fan_in, "fan_in", "tripleoctagon"},
}};

const std::vector<size_t> kNoEdges;

} // namespace

std::string_view kind_name(StageKind k) {
    for (const auto& i : kKinds)
        if (i.kind == k) return i.name;
    return "?";
}

std::string_view shape_of(StageKind k) {
    for (const auto& i : kKinds)
        if (i.kind == k) return i.shape;
    return "?";
}

std::optional<StageKind> kind_from_type(std::string_view type) {
    for (const auto& i : kKinds)
        if (i.name == type) return i.kind;
    return std::nullopt;
}

std::optional<StageKind> kind_from_shape(std::string_view shape) {
    for (const auto& i : kKinds)
        if (i.shape == shape) return i.kind;
    return std::nullopt;
}

std::string Diagnostic::str() const {
    if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
    return file + ": " + message;
}

std::string Node::attr(std::string_view name, std::string fallback) const {
    auto it = attrs.find(name);
    return it == attrs.end() ? fallback : it->second;
}

std::string Workflow::graph_attr(std::string_view key, std::string fallback) const {
    auto it = graph_attrs.find(key);
    return it == graph_attrs.end() ? fallback : it->second;
}

int Workflow::graph_attr_line(std::string_view key) const {
    auto it = graph_attr_lines.find(key);
    return it == graph_attr_lines.end() ? graph_line : it->second;
}

const Node* Workflow::node(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : &nodes[it->second];
}

const std::vector<size_t>& Workflow::out_edges(std::string_view id) const {
    auto it = out_.find(std::string(id));
    return it == out_.end() ? kNoEdges : it->second;
}

const std::vector<size_t>& Workflow::in_edges(std::string_view id) const {
    auto it = in_.find(std::string(id));
    return it == in_.end() ? kNoEdges : it->second;
}

const Node* Workflow::start() const {
    for (const auto& n : nodes)
        if (n.kind == StageKind::start) return &n;
    return nullptr;
}

const Node* Workflow::exit() const {
    for (const auto& n : nodes)
        if (n.kind == StageKind::exit) return &n;
    return nullptr;
}

void Workflow::index() {
    by_id_.clear();
    out_.clear();
    in_.clear();
    for (size_t i = 0; i < nodes.size(); ++i) by_id_.emplace(nodes[i].id, i);
    for (size_t i = 0; i < edges.size(); ++i) {
        out_[edges[i].from].push_back(i);
        in_[edges[i].to].push_back(i);
    }
}

} // namespace fab::workflow
