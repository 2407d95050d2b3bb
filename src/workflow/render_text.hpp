// The workflow as text (`fab workflow graph`): stages in the order a run
// meets them (breadth first from the start; unreachable ones last), each with
// its kind, label and settings, and its out-edges with label, condition and
// weight. Also the form the TUI's runs view draws.
#pragma once

#include "workflow/model.hpp"

#include <string>

namespace fab::workflow {

std::string render_text(const Workflow& wf);

// Stage ids in that order.
std::vector<std::string> stage_order(const Workflow& wf);

} // namespace fab::workflow
