// Workflow load, validation and planning time (issue 16: validate and plan a
// 500-node workflow in <= 50 ms). Generates a workflow of N stages (agents
// with prompts and classes, a command every 10th stage routing back on
// failure, a human gate every 50th, a stylesheet), then times, over RUNS
// repetitions: loading it with cgraph (with the source-line index),
// validating it, and planning a run — walking from the start to the exit by
// edge selection with every stage succeeding. Prints the medians and p90s.
//
// Usage: bench-workflow [--nodes N] [--runs RUNS] [--write FILE]
#include "workflow/edge_select.hpp"
#include "workflow/load.hpp"
#include "workflow/validate.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using namespace fab::workflow;
using Clock = std::chrono::steady_clock;

namespace {

std::string generate(int n) {
    std::string s = "digraph generated {\n"
                    "  goal = \"Exercise the loader\"\n"
                    "  default_max_retries = 2\n"
                    "  model_stylesheet = \"* { backend: scripted } box { model: m1 } "
                    ".heavy { reasoning_effort: high } #s7 { model: special }\"\n"
                    "  start [shape=Mdiamond]\n  exit [shape=Msquare]\n";
    std::string prev = "start";
    std::string last_agent;
    for (int i = 0; i < n - 2; ++i) {
        std::string id = "s" + std::to_string(i);
        if (i % 50 == 49) {
            s += "  " + id + " [shape=hexagon, label=\"Gate " + std::to_string(i) + "\"]\n";
            s += "  " + prev + " -> " + id + "\n";
            s += "  " + id + " -> " + last_agent + " [label=\"[R] Revise\"]\n";
            s += "  " + id + " -> NEXT" + std::to_string(i) + " [label=\"[A] Approve\"]\n";
        } else if (i % 10 == 9) {
            s += "  " + id + " [shape=parallelogram, script=\"make test-" + std::to_string(i) +
                 "\"]\n";
            s += "  " + prev + " -> " + id + "\n";
            s += "  " + id + " -> " + last_agent +
                 " [condition=\"outcome=fail && internal.node_visit_count < 3\", weight=2]\n";
            s += "  " + id + " -> NEXT" + std::to_string(i) + " [condition=\"outcome=success\"]\n";
            s += "  " + id + " -> exit [condition=\"outcome=fail\"]\n";
        } else {
            s += "  " + id + " [shape=box, class=\"" + (i % 3 ? "light" : "heavy") +
                 "\", prompt=\"Step " + std::to_string(i) + " of {{ goal }}\"]\n";
            if (prev != "start" || i == 0) s += "  " + prev + " -> " + id + "\n";
            last_agent = id;
        }
        prev = id;
    }
    s += "  " + prev + " -> exit\n}\n";
    // Edges out of gates and commands named the stage after them.
    for (int i = 0; i < n - 2; ++i) {
        std::string tag = "NEXT" + std::to_string(i);
        std::string next = i + 1 < n - 2 ? "s" + std::to_string(i + 1) : "exit";
        for (size_t at = s.find(tag + " "); at != std::string::npos; at = s.find(tag + " ", at))
            s.replace(at, tag.size(), next);
    }
    return s;
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

struct Stats {
    std::vector<double> v;
    double median() {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    }
    double p90() {
        std::sort(v.begin(), v.end());
        return v[std::min(v.size() - 1, v.size() * 9 / 10)];
    }
};

} // namespace

int main(int argc, char** argv) {
    int nodes = 500, runs = 50;
    const char* write = nullptr;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--nodes"))
            nodes = std::max(10, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--runs"))
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--write"))
            write = argv[i + 1];
    }
    std::string text = generate(nodes);
    if (write) std::ofstream(write) << text;

    Stats load, check, plan, total;
    size_t steps = 0, edges = 0, errors = 0;
    for (int r = 0; r < runs; ++r) {
        auto t0 = Clock::now();
        Loaded l = load_workflow_text(text, "generated.fabro", "/");
        auto t1 = Clock::now();
        if (!l.workflow) {
            std::fprintf(stderr, "bench-workflow: the generated workflow does not load: %s\n",
                         l.errors.empty() ? "?" : l.errors[0].str().c_str());
            return 1;
        }
        auto diags = validate(*l.workflow);
        auto t2 = Clock::now();
        // Plan: every stage succeeds; gates take their preferred "Approve".
        const Workflow& wf = *l.workflow;
        ConditionVars vars;
        vars.outcome = "success";
        vars.preferred_label = "Approve";
        std::string at = wf.start()->id;
        steps = 0;
        while (at != wf.exit()->id && steps < 10 * wf.nodes.size()) {
            auto e = select_edge(wf, at, vars);
            if (!e) {
                std::fprintf(stderr, "bench-workflow: plan stuck at %s: %s\n", at.c_str(),
                             e.error().c_str());
                return 1;
            }
            at = wf.edges[e->edge].to;
            ++steps;
        }
        auto t3 = Clock::now();
        load.v.push_back(ms(t1 - t0));
        check.v.push_back(ms(t2 - t1));
        plan.v.push_back(ms(t3 - t2));
        total.v.push_back(ms(t3 - t0));
        edges = wf.edges.size();
        errors = diags.size();
    }
    std::printf("workflow of %d stages, %zu edges, %zu bytes; %d runs; %zu validation errors; "
                "plan: %zu steps start -> exit\n",
                nodes, edges, text.size(), runs, errors, steps);
    std::printf("  load (cgraph + lines + stylesheet)  median %7.2f ms  p90 %7.2f ms\n",
                load.median(), load.p90());
    std::printf("  validate                            median %7.2f ms  p90 %7.2f ms\n",
                check.median(), check.p90());
    std::printf("  plan (edge selection to the exit)   median %7.2f ms  p90 %7.2f ms\n",
                plan.median(), plan.p90());
    double t = total.median();
    std::printf("  validate and plan, in all           median %7.2f ms  p90 %7.2f ms  "
                "(target <= 50 ms: %s)\n",
                t, total.p90(), t <= 50 ? "met" : "MISSED");
    return errors == 0 ? 0 : 1;
}
