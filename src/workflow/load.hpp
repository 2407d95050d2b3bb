// Loads a workflow file with Graphviz cgraph into the model (model.hpp):
// digraph only, one graph per file; shapes (or `type=`) give stage kinds,
// strings are unescaped (dot_string.hpp), `prompt=@file.md` is read relative
// to the workflow, clusters add a class, `model_stylesheet` is applied, and
// every node and edge gets its source line (source_lines.hpp).
//
// cgraph is not reentrant (one global lexer and error handler): loads are
// serialised by a mutex, so the loader may run on any thread.
#pragma once

#include "workflow/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

// Bigger files are refused before cgraph sees them.
constexpr size_t kMaxWorkflowBytes = 1 << 20;

struct Loaded {
    std::optional<Workflow> workflow; // nullopt when the file could not be parsed
    std::vector<Diagnostic> errors;   // fatal or not: validation adds its own
};

// `file` names the workflow in diagnostics; `dir` is where `@file`s are found.
Loaded load_workflow_text(std::string_view text, const std::string& file, const std::string& dir);

Loaded load_workflow_file(const std::string& path);

} // namespace fab::workflow
