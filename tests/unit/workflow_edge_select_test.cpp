// Tests for src/workflow/edge_select, gate_options and stage_answer: the
// order of edge selection (conditions by weight then target id, preferred
// label, suggested ids, unconditional), the error when nothing matches, human
// gate options with accelerators, and the routing JSON at the end of an answer.
#include "workflow/edge_select.hpp"
#include "workflow/gate_options.hpp"
#include "workflow/load.hpp"
#include "workflow/stage_answer.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::workflow;

namespace {

Workflow load_ok(const std::string& text) {
    Loaded l = load_workflow_text(text, "wf.fabro", "/");
    BOOST_TEST_REQUIRE(l.workflow.has_value());
    return std::move(*l.workflow);
}

std::string pick(const Workflow& wf, const std::string& from, const ConditionVars& v,
                 const std::vector<std::string>& suggested = {},
                 EdgeChoice::Reason* reason = nullptr) {
    auto r = select_edge(wf, from, v, suggested);
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? std::string() : r.error()));
    if (reason) *reason = r->reason;
    return wf.edges[r->edge].to;
}

ConditionVars outcome(const std::string& o, const std::string& label = {}) {
    ConditionVars v;
    v.outcome = o;
    v.preferred_label = label;
    return v;
}

const char* kRouting = R"(digraph {
    s -> zeta  [condition="outcome=fail"]
    s -> alpha [condition="outcome=fail"]
    s -> heavy [condition="outcome=fail && context.big", weight=5]
    s -> fixit [label="[F] Fix it"]
    s -> later [label="Later"]
    s -> main  [weight=2]
})";

} // namespace

BOOST_AUTO_TEST_SUITE(workflow_edge_select)

BOOST_AUTO_TEST_CASE(matching_conditions_win_by_weight_then_target_id) {
    auto wf = load_ok(kRouting);
    EdgeChoice::Reason why{};
    BOOST_TEST(pick(wf, "s", outcome("fail"), {}, &why) == "alpha"); // alpha < zeta
    BOOST_TEST((why == EdgeChoice::Reason::condition));
    auto v = outcome("fail", "Later");
    v.context["big"] = "yes";
    BOOST_TEST(pick(wf, "s", v) == "heavy"); // weight 5 beats the label too
}

BOOST_AUTO_TEST_CASE(then_the_preferred_label_then_suggested_ids) {
    auto wf = load_ok(kRouting);
    EdgeChoice::Reason why{};
    BOOST_TEST(pick(wf, "s", outcome("success", " fix IT "), {}, &why) == "fixit");
    BOOST_TEST((why == EdgeChoice::Reason::preferred_label));
    BOOST_TEST(pick(wf, "s", outcome("success", "[L] later")) == "later");
    BOOST_TEST(pick(wf, "s", outcome("success"), {"nowhere", "later", "fixit"}, &why) == "later");
    BOOST_TEST((why == EdgeChoice::Reason::suggested_id));
    // A suggestion that only a failing conditional edge reaches is not taken.
    BOOST_TEST(pick(wf, "s", outcome("success"), {"zeta"}, &why) == "main");
    BOOST_TEST((why == EdgeChoice::Reason::unconditional));
}

BOOST_AUTO_TEST_CASE(unconditional_edges_by_weight_then_target_id) {
    auto wf = load_ok("digraph { s -> c; s -> b; s -> a [weight=-1] }");
    BOOST_TEST(pick(wf, "s", outcome("success")) == "b");
}

BOOST_AUTO_TEST_CASE(no_matching_edge_is_an_error_saying_so) {
    auto wf = load_ok(
        R"(digraph { s -> a [condition="outcome=success"]; s -> b [condition="outcome=fail"] })");
    auto r = select_edge(wf, "s", outcome("retry", "Again"));
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().find("no edge out of stage \"s\" matches") == 0u);
    BOOST_TEST(r.error().find("outcome=retry") != std::string::npos);
    BOOST_TEST(r.error().find("Again") != std::string::npos);
    auto none = select_edge(wf, "a", outcome("success"));
    BOOST_TEST(!none.ok());
}

BOOST_AUTO_TEST_CASE(gate_options_take_accelerators_from_labels) {
    auto wf = load_ok(R"(digraph {
        g -> a [label="[A] Approve"]
        g -> b [label="R) Revise"]
        g -> c [label="X - Reject"]
        g -> d [label="Defer"]
        g -> e [label="Comment", freeform=true]
        g -> f [label="Cancel"]
    })");
    auto o = gate_options(wf, "g");
    BOOST_TEST_REQUIRE(o.size() == 6u);
    BOOST_TEST(o[0].key == "A");
    BOOST_TEST(o[0].label == "Approve");
    BOOST_TEST(o[1].key == "R");
    BOOST_TEST(o[1].label == "Revise");
    BOOST_TEST(o[2].key == "X");
    BOOST_TEST(o[2].label == "Reject");
    BOOST_TEST(o[3].key == "D");  // first letter, unique
    BOOST_TEST(o[4].key.empty()); // "C" is shared by Comment and Cancel
    BOOST_TEST(o[4].freeform);
    BOOST_TEST(o[5].key.empty());
    BOOST_TEST(*match_gate_answer(o, "a") == 0u);
    BOOST_TEST(*match_gate_answer(o, " 2 ") == 1u);
    BOOST_TEST(*match_gate_answer(o, "reject") == 2u);
    BOOST_TEST(*match_gate_answer(o, "Cancel") == 5u);
    BOOST_TEST(!match_gate_answer(o, "").has_value()); // EOF is never approval
    BOOST_TEST(!match_gate_answer(o, "7").has_value());
    BOOST_TEST(!match_gate_answer(o, "yes").has_value());
}

BOOST_AUTO_TEST_CASE(split_accelerator_leaves_plain_labels_alone) {
    BOOST_TEST(split_accelerator("Approve").key.empty());
    BOOST_TEST(split_accelerator("Approve").label == "Approve");
    BOOST_TEST(split_accelerator("[Y] Yes").key == "Y");
    BOOST_TEST(split_accelerator("b) back").key == "B");
    BOOST_TEST(split_accelerator("Go - now").key.empty()); // "Go - " has a 2-letter key
    BOOST_TEST(split_accelerator("Go - now").label == "Go - now");
    BOOST_TEST(split_accelerator("state-of-the-art").key.empty());
    BOOST_TEST(normalize_label("[A]  Approve ") == "approve");
}

BOOST_AUTO_TEST_CASE(stage_answers_route_with_a_trailing_json_object) {
    auto r = parse_stage_answer(R"(I fixed it. Tests: {"not": "this"} fine.
```json
{"outcome": "partial_success", "preferred_next_label": "Review",
 "suggested_next_ids": ["review", "exit"],
 "context_updates": {"tests": "3 failed", "count": 3, "ok": false}}
```)");
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? std::string() : r.error()));
    BOOST_TEST_REQUIRE(r->has_value());
    const StageAnswer& a = **r;
    BOOST_TEST(a.outcome == "partial_success");
    BOOST_TEST(a.preferred_next_label == "Review");
    BOOST_TEST((a.suggested_next_ids == std::vector<std::string>{"review", "exit"}));
    BOOST_TEST(a.context_updates.at("tests") == "3 failed");
    BOOST_TEST(a.context_updates.at("count") == "3");
    BOOST_TEST(a.context_updates.at("ok") == "false");
}

BOOST_AUTO_TEST_CASE(answers_without_routing_and_bad_routing) {
    BOOST_TEST(!parse_stage_answer("Done, all good.")->has_value());
    BOOST_TEST(!parse_stage_answer("The config is {\"a\": 1}")->has_value()); // not ours
    BOOST_TEST(!parse_stage_answer("ends with } but no object")->has_value());
    auto bad = parse_stage_answer(R"(x {"outcome": "great"})");
    BOOST_TEST(!bad.ok());
    BOOST_TEST(bad.error().find("unknown outcome") == 0u);
    BOOST_TEST(!parse_stage_answer(R"({"suggested_next_ids": "a"})").ok());
    BOOST_TEST(!parse_stage_answer(R"({"outcome": 1})").ok());
    BOOST_TEST(!parse_stage_answer(R"({"context_updates": []})").ok());
    auto nested =
        parse_stage_answer(R"({"outcome": "success", "context_updates": {"a": {"b": 1}}})");
    BOOST_TEST_REQUIRE(nested.ok());
    BOOST_TEST((*nested)->context_updates.at("a") == "{\"b\":1}");
}

BOOST_AUTO_TEST_SUITE_END()
