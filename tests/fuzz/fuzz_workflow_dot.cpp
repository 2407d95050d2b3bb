// libFuzzer target: a workflow file (DOT) as a user or an agent may write it.
// Loading through cgraph, the source-line search, the stylesheet, validation,
// the text rendering and edge selection out of every stage must give a model
// or errors, never crash or leak; a second load right after must not see
// anything of the first (cgraph's lexer is global).
#include "workflow/edge_select.hpp"
#include "workflow/gate_options.hpp"
#include "workflow/load.hpp"
#include "workflow/render_text.hpp"
#include "workflow/validate.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fab::workflow;
    std::string text(reinterpret_cast<const char*>(data), size);
    Loaded l = load_workflow_text(text, "fuzz.fabro", "/nonexistent-fuzz");
    if (l.workflow) {
        const Workflow& wf = *l.workflow;
        (void)validate(wf);
        (void)render_text(wf);
        ConditionVars vars;
        vars.outcome = "success";
        vars.preferred_label = "Approve";
        for (const auto& n : wf.nodes) {
            (void)select_edge(wf, n.id, vars, {"exit"});
            (void)gate_options(wf, n.id);
        }
    }
    Loaded after = load_workflow_text("digraph { a -> b }", "clean.fabro", "/");
    if (!after.workflow || after.workflow->nodes.size() != 2 || !after.errors.empty()) std::abort();
    return 0;
}
