#include "workflow/advance.hpp"

#include "util/strings.hpp"
#include "workflow/edge_select.hpp"
#include "workflow/retry.hpp"

namespace fab::workflow {

namespace {

Step done(RunState& state, Step::Status status, std::string reason = {}) {
    state.next_node.clear();
    Step s;
    s.kind = Step::Kind::done;
    s.status = status;
    s.reason = std::move(reason);
    return s;
}

int retries_allowed(const Workflow& wf, const Node& n) {
    if (auto v = parse_int(n.attr("max_retries"))) return static_cast<int>(*v);
    if (auto v = parse_int(wf.graph_attr("default_max_retries"))) return static_cast<int>(*v);
    if (auto p = retry_policy_from(n.attr("retry_policy"))) return retry_attempts(*p) - 1;
    return 0;
}

RetryPolicy policy_of(const Node& n) {
    return retry_policy_from(n.attr("retry_policy")).value_or(RetryPolicy::standard);
}

bool good(const std::string& outcome) {
    return outcome == "success" || outcome == "partial_success";
}

// Enters `id`: counts the visit and checks the limits. nullopt when allowed.
std::optional<Step> enter(const Workflow& wf, RunState& state, const std::string& id) {
    const Node* n = wf.node(id);
    if (!n) return done(state, Step::Status::failed, "no stage \"" + id + "\" in the workflow");
    int visits = ++state.visits[id];
    auto limit = parse_int(n->attr("max_visits"));
    if (!limit) limit = parse_int(wf.graph_attr("max_node_visits"));
    if (limit && *limit > 0 && visits > *limit)
        return done(state, Step::Status::failed,
                    "stage \"" + id + "\" entered " + std::to_string(visits) +
                        " times; its limit is " + std::to_string(*limit));
    state.next_node = id;
    return std::nullopt;
}

// The exit is reached: every goal gate passed must have succeeded.
Step at_exit(const Workflow& wf, RunState& state) {
    const Node* exit = wf.exit();
    for (const auto& n : wf.nodes) {
        if (!parse_bool(n.attr("goal_gate")).value_or(false)) continue;
        auto it = state.outcomes.find(n.id);
        if (it == state.outcomes.end() || good(it->second)) continue;
        std::string target;
        for (const std::string& t :
             {n.attr("retry_target"), n.attr("fallback_retry_target"),
              wf.graph_attr("retry_target"), wf.graph_attr("fallback_retry_target")})
            if (!t.empty() && wf.node(t)) {
                target = t;
                break;
            }
        if (target.empty())
            return done(state, Step::Status::failed,
                        "goal gate \"" + n.id + "\" ended " + it->second +
                            " and there is no retry target");
        state.current_node = exit ? exit->id : state.current_node;
        if (auto stop = enter(wf, state, target)) return *stop;
        Step s;
        s.kind = Step::Kind::run;
        s.node = target;
        s.goal_gate_jump = true;
        return s;
    }
    if (exit) state.completed.push_back(exit->id);
    return done(state, Step::Status::succeeded);
}

} // namespace

Step begin_run(const Workflow& wf, RunState& state) {
    state = RunState{};
    const Node* start = wf.start();
    if (!start) return done(state, Step::Status::failed, "the workflow has no start stage");
    state.visits[start->id] = 1;
    state.next_node = start->id;
    return advance(wf, state, StageResult{}, 0.5);
}

Step advance(const Workflow& wf, RunState& state, const StageResult& result, double jitter) {
    const std::string id = state.next_node;
    const Node* n = wf.node(id);
    if (!n) return done(state, Step::Status::failed, "no stage \"" + id + "\" in the workflow");
    state.current_node = id;
    std::string outcome = result.outcome.empty() ? "success" : result.outcome;

    if (outcome == "retry") {
        int used = state.retries[id];
        if (used < retries_allowed(wf, *n)) {
            state.retries[id] = used + 1;
            Step s;
            s.kind = Step::Kind::retry;
            s.node = id;
            s.delay = retry_delay(policy_of(*n), used + 1, jitter);
            return s;
        }
        outcome = parse_bool(n->attr("allow_partial")).value_or(false) ? "partial_success" : "fail";
    }
    state.outcomes[id] = outcome;
    for (const auto& [k, v] : result.context_updates) state.context[k] = v;
    state.completed.push_back(id);

    if (n->kind == StageKind::exit) return at_exit(wf, state);

    ConditionVars vars;
    vars.outcome = outcome;
    vars.preferred_label = result.preferred_label;
    vars.command_output = result.command_output;
    vars.node_visit_count = state.visits[id];
    vars.context.insert(state.context.begin(), state.context.end());
    vars.human_gate = result.human_gate;
    auto choice = select_edge(wf, id, vars, result.suggested_next_ids);
    if (!choice) return done(state, Step::Status::failed, choice.error());
    const std::string& next = wf.edges[choice->edge].to;
    const Node* target = wf.node(next);
    if (target && target->kind == StageKind::exit) {
        state.visits[next]++;
        return at_exit(wf, state);
    }
    if (auto stop = enter(wf, state, next)) return *stop;
    Step s;
    s.kind = Step::Kind::run;
    s.node = next;
    s.edge = choice->edge;
    return s;
}

} // namespace fab::workflow
