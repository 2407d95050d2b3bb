// A human gate's options: one per out-edge, its label shown, its accelerator
// key taken from the label ("[A] Approve", "A) Approve", "A - Approve"; else
// the label's first letter when no other option has it). An edge with
// `freeform=true` is the option that takes free text.
#pragma once

#include "workflow/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

struct Accelerated {
    std::string key;   // "A", or empty when the label has none
    std::string label; // the label without the accelerator
};
Accelerated split_accelerator(std::string_view label);

struct GateOption {
    std::string key;   // accelerator ("A"), empty when none is unique
    std::string label; // shown text
    std::string to;    // target stage
    size_t edge = 0;   // index into Workflow::edges
    bool freeform = false;
};

std::vector<GateOption> gate_options(const Workflow& wf, std::string_view node_id);

// The option an answer picks: its 1-based number, its key or its label (case
// ignored). nullopt when none: EOF or garbage is never an approval.
std::optional<size_t> match_gate_answer(const std::vector<GateOption>& options,
                                        std::string_view answer);

} // namespace fab::workflow
