// Reading DOT text with cgraph, safely: cgraph has one global lexer and one
// global error handler, so every use holds lock_cgraph(); the text is fed
// through a channel that is drained after the first graph, so nothing of one
// file is left in the lexer for the next, and a second graph or trailing
// garbage is reported. Errors come back with their line (cgraph counts them).
#pragma once

#include "workflow/model.hpp"

#include <graphviz/cgraph.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

struct GraphCloser {
    void operator()(Agraph_t* g) const { agclose(g); }
};
using GraphPtr = std::unique_ptr<Agraph_t, GraphCloser>;

struct ReadResult {
    GraphPtr graph; // null when the text holds no (valid) graph
    std::vector<Diagnostic> errors;
};

// Hold it around read_graph() and every use of the graph.
std::unique_lock<std::mutex> lock_cgraph();

ReadResult read_graph(std::string_view text, const std::string& file);

} // namespace fab::workflow
