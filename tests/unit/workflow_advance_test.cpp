// Tests for src/workflow/advance: whole runs of the example workflows driven
// by scripted stage results — the loop back on a failed validation, retries
// with backoff, visit limits, goal gates sending the run to the retry target,
// a failed edge selection ending the run with its reason — and a run resumed
// from its checkpoint JSON deciding exactly as an uninterrupted one.
#include "workflow/advance.hpp"
#include "workflow/load.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::workflow;

namespace {

const std::string kSource = FAB_SOURCE_ROOT;

Workflow example(const std::string& name) {
    Loaded l = load_workflow_file(kSource + "/share/workflows/" + name);
    BOOST_TEST_REQUIRE(l.workflow.has_value());
    return std::move(*l.workflow);
}

Workflow inline_wf(const std::string& text) {
    Loaded l = load_workflow_text(text, "t.fabro", "/");
    BOOST_TEST_REQUIRE(l.workflow.has_value());
    return std::move(*l.workflow);
}

StageResult result(const std::string& outcome) {
    StageResult r;
    r.outcome = outcome;
    return r;
}

// Runs the workflow, answering each stage from `script` (stage → outcomes in
// turn; "success" when it runs out). Returns the stages run, in order.
std::vector<std::string> drive(const Workflow& wf,
                               std::map<std::string, std::vector<std::string>> script, Step& last,
                               RunState& state) {
    std::vector<std::string> ran;
    Step s = begin_run(wf, state);
    for (int guard = 0; s.kind != Step::Kind::done && guard < 100; ++guard) {
        ran.push_back(s.node);
        auto& outs = script[s.node];
        std::string o = outs.empty() ? "success" : outs.front();
        if (!outs.empty()) outs.erase(outs.begin());
        s = advance(wf, state, result(o));
    }
    last = s;
    return ran;
}

} // namespace

BOOST_AUTO_TEST_SUITE(workflow_advance)

BOOST_AUTO_TEST_CASE(a_failed_validation_loops_back_to_implement) {
    auto wf = example("plan-implement-validate.fabro");
    RunState state;
    Step last;
    auto ran = drive(wf, {{"validate", {"fail", "success"}}}, last, state);
    BOOST_TEST((
        ran == std::vector<std::string>{"plan", "implement", "validate", "implement", "validate"}));
    BOOST_TEST((last.status == Step::Status::succeeded));
    BOOST_TEST(state.visits["implement"] == 2);
    BOOST_TEST(state.completed.back() == "exit");
    BOOST_TEST(state.next_node.empty());
}

BOOST_AUTO_TEST_CASE(max_visits_ends_a_loop_that_never_passes) {
    auto wf = example("plan-implement-validate.fabro"); // implement: max_visits=3
    RunState state;
    Step last;
    drive(wf, {{"validate", {"fail", "fail", "fail", "fail"}}}, last, state);
    BOOST_TEST((last.status == Step::Status::failed));
    BOOST_TEST(last.reason.find("stage \"implement\" entered 4 times; its limit is 3") == 0u);
}

BOOST_AUTO_TEST_CASE(retry_outcomes_back_off_then_count_as_fail) {
    auto wf = inline_wf(R"(digraph {
        start [shape=Mdiamond]; exit [shape=Msquare]
        work [prompt=w, max_retries=2, retry_policy=linear]
        start -> work
        work -> exit [condition="outcome=success"]
        work -> exit [condition="outcome=fail", label=gave_up]
    })");
    RunState state;
    Step s = begin_run(wf, state);
    BOOST_TEST(s.node == "work");
    s = advance(wf, state, result("retry"), 0.5);
    BOOST_TEST((s.kind == Step::Kind::retry));
    BOOST_TEST(s.node == "work");
    BOOST_TEST(s.delay.count() == 500);
    s = advance(wf, state, result("retry"), 0.5);
    BOOST_TEST((s.kind == Step::Kind::retry));
    BOOST_TEST(state.retries["work"] == 2);
    s = advance(wf, state, result("retry"), 0.5); // spent: counts as fail
    BOOST_TEST((s.kind == Step::Kind::done));
    BOOST_TEST((s.status == Step::Status::succeeded)); // the fail edge reaches the exit
    BOOST_TEST(state.outcomes["work"] == "fail");
}

BOOST_AUTO_TEST_CASE(an_unmet_goal_gate_sends_the_run_to_the_retry_target) {
    auto wf = example("goal-gate.fabro"); // implement is the gate; retry_target=implement
    RunState state;
    Step s = begin_run(wf, state);
    BOOST_TEST(s.node == "implement");
    s = advance(wf, state, result("fail"));
    BOOST_TEST(s.node == "check");
    s = advance(wf, state, result("fail")); // check -> exit [give up]
    BOOST_TEST((s.kind == Step::Kind::run));
    BOOST_TEST(s.goal_gate_jump);
    BOOST_TEST(s.node == "implement");
    s = advance(wf, state, result("success"));
    s = advance(wf, state, result("success"));
    BOOST_TEST((s.status == Step::Status::succeeded));
}

BOOST_AUTO_TEST_CASE(a_goal_gate_without_a_retry_target_fails_the_run) {
    auto wf = inline_wf(R"(digraph {
        start [shape=Mdiamond]; exit [shape=Msquare]
        work [prompt=w, goal_gate=true]
        start -> work -> exit
    })");
    RunState state;
    Step last;
    drive(wf, {{"work", {"fail"}}}, last, state);
    BOOST_TEST((last.status == Step::Status::failed));
    BOOST_TEST(last.reason.find("goal gate \"work\" ended fail") == 0u);
}

BOOST_AUTO_TEST_CASE(no_matching_edge_fails_the_run_saying_so) {
    auto wf = example("command-routing.fabro");
    RunState state;
    Step s = begin_run(wf, state);
    BOOST_TEST(s.node == "test");
    s = advance(wf, state, result("skipped")); // no edge for it
    BOOST_TEST((s.status == Step::Status::failed));
    BOOST_TEST(s.reason.find("no edge out of stage \"test\"") == 0u);
}

BOOST_AUTO_TEST_CASE(command_output_and_gate_answers_route) {
    auto wf = example("command-routing.fabro");
    RunState state;
    Step s = begin_run(wf, state);
    StageResult crash = result("fail");
    crash.command_output = "running...\nSegmentation fault (core dumped)";
    s = advance(wf, state, crash);
    BOOST_TEST(s.node == "look"); // weight 10 beats the plain fail edge
    StageResult give_up;
    give_up.preferred_label = "[G] Give up";
    s = advance(wf, state, give_up);
    BOOST_TEST((s.status == Step::Status::succeeded));
}

BOOST_AUTO_TEST_CASE(a_resumed_run_decides_as_an_uninterrupted_one) {
    auto wf = example("plan-implement-validate.fabro");
    std::vector<std::string> outcomes = {"success", "success", "fail", "success", "success"};
    // Uninterrupted.
    RunState a;
    Step sa = begin_run(wf, a);
    std::vector<std::string> path_a;
    for (const auto& o : outcomes) {
        path_a.push_back(sa.node);
        sa = advance(wf, a, result(o));
    }
    // Checkpointed after every stage, each step from the JSON of the last.
    RunState b;
    Step sb = begin_run(wf, b);
    std::vector<std::string> path_b;
    for (const auto& o : outcomes) {
        path_b.push_back(sb.node);
        auto restored = RunState::from_json(b.to_json());
        BOOST_TEST_REQUIRE(restored.ok());
        b = *restored;
        sb = advance(wf, b, result(o));
    }
    BOOST_TEST(path_a == path_b);
    BOOST_TEST((a == b));
    BOOST_TEST((sb.status == Step::Status::succeeded));
}

BOOST_AUTO_TEST_CASE(context_updates_reach_later_conditions) {
    auto wf = inline_wf(R"(digraph {
        start [shape=Mdiamond]; exit [shape=Msquare]
        a [prompt=a]; b [prompt=b]; c [prompt=c]
        start -> a -> b
        b -> c [condition="context.needs_c"]
        b -> exit
        c -> exit
    })");
    RunState state;
    Step s = begin_run(wf, state);
    StageResult r;
    r.context_updates = {{"needs_c", "yes"}};
    s = advance(wf, state, r);
    BOOST_TEST(s.node == "b");
    s = advance(wf, state, result("success"));
    BOOST_TEST(s.node == "c");
    BOOST_TEST(state.context["needs_c"] == "yes");
}

BOOST_AUTO_TEST_SUITE_END()
