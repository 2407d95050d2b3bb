// Which edge a run follows out of a finished stage. In this order:
//   1. edges whose condition holds: the highest weight, then the smallest
//      target id;
//   2. an unconditional edge whose label is the stage's preferred label
//      (case, blanks and an accelerator like "[A] " ignored);
//   3. an unconditional edge to the first of the suggested next ids that
//      has one;
//   4. unconditional edges: the highest weight, then the smallest target id.
// An edge whose condition fails is never taken by 2–4. None → an error that
// says which stage and what it reported (the run fails with it).
#pragma once

#include "util/result.hpp"
#include "workflow/condition.hpp"
#include "workflow/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fab::workflow {

struct EdgeChoice {
    enum class Reason { condition, preferred_label, suggested_id, unconditional };
    size_t edge = 0; // index into Workflow::edges
    Reason reason = Reason::unconditional;
};

std::string_view reason_name(EdgeChoice::Reason r);

// `vars` carries outcome and preferred_label (and what conditions read).
Result<EdgeChoice> select_edge(const Workflow& wf, std::string_view node_id,
                               const ConditionVars& vars,
                               const std::vector<std::string>& suggested_next_ids = {});

// A label as compared with a preferred label: "[A] Approve " → "approve".
std::string normalize_label(std::string_view label);

} // namespace fab::workflow
