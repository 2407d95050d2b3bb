// The workflow model: what a DOT workflow file means once loaded (stages,
// edges, graph settings), each piece with the source line it came from so
// that every error can name `file:line`. Plain data, no cgraph: the loader
// (load.hpp) fills it, everything else (validation, stylesheet, edge
// selection, the engine) reads it.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fab::workflow {

enum class StageKind {
    start,       // Mdiamond
    exit,        // Msquare
    agent,       // box: multi-turn agent with tools
    prompt,      // tab: one answer, no tools
    command,     // parallelogram: `script`, outcome from its exit code
    human,       // hexagon: a question whose options are the out-edge labels
    conditional, // diamond: routes on conditions only
    fan_out,     // component: parallel branches
    fan_in,      // tripleoctagon: joins them
};

// "agent", "human", … (the names `type=` accepts).
std::string_view kind_name(StageKind k);
std::optional<StageKind> kind_from_type(std::string_view type);
std::optional<StageKind> kind_from_shape(std::string_view shape);
std::string_view shape_of(StageKind k);

// One problem found while loading or validating, located in the source.
struct Diagnostic {
    std::string file;
    int line = 0; // 1-based; 0 when no line applies (an unreadable file)
    std::string message;

    // "file:line: message" (or "file: message" without a line).
    std::string str() const;
};

struct Node {
    std::string id;
    StageKind kind = StageKind::agent;
    int line = 0;
    // Every attribute with a value (DOT strings unescaped, stylesheet applied
    // where the file set nothing), by name: the engine reads what it needs.
    std::map<std::string, std::string, std::less<>> attrs;
    std::vector<std::string> classes; // `class=` words plus enclosing clusters

    std::string label;       // display name (`label`, else the id)
    std::string prompt;      // the prompt text (read from the file for `@file`)
    std::string prompt_file; // absolute path when `prompt=@file`, else empty
    bool prompt_file_missing = false;

    std::string attr(std::string_view name, std::string fallback = {}) const;
    bool has(std::string_view name) const { return attrs.find(name) != attrs.end(); }
};

struct Edge {
    std::string from, to;
    int line = 0;
    std::string label;
    std::string condition; // empty: unconditional
    int weight = 0;
    bool freeform = false; // a human gate's free-text answer
    std::map<std::string, std::string, std::less<>> attrs;
};

struct Workflow {
    std::string file; // as given (used in diagnostics)
    std::string dir;  // absolute directory of the file (`@file` is relative to it)
    std::string name; // the digraph's name
    // Graph attributes (unescaped) and where each was set.
    std::map<std::string, std::string, std::less<>> graph_attrs;
    std::map<std::string, int, std::less<>> graph_attr_lines;
    int graph_line = 1; // the `digraph` keyword
    std::vector<Node> nodes;
    std::vector<Edge> edges;

    std::string goal() const { return graph_attr("goal"); }
    std::string graph_attr(std::string_view key, std::string fallback = {}) const;
    int graph_attr_line(std::string_view key) const;

    const Node* node(std::string_view id) const;
    // Indices into `edges`, in file order.
    const std::vector<size_t>& out_edges(std::string_view id) const;
    const std::vector<size_t>& in_edges(std::string_view id) const;
    // The first node of that kind (validation checks there is exactly one).
    const Node* start() const;
    const Node* exit() const;

    // Rebuilds the id and adjacency indexes; the loader calls it once.
    void index();

  private:
    std::unordered_map<std::string, size_t> by_id_;
    std::unordered_map<std::string, std::vector<size_t>> out_, in_;
};

} // namespace fab::workflow
