#include "workflow/validate.hpp"

#include "util/strings.hpp"
#include "workflow/condition.hpp"
#include "workflow/gate_options.hpp"
#include "workflow/load.hpp"
#include "workflow/retry.hpp"
#include "workflow/templates.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace fab::workflow {

namespace {

class Checker {
  public:
    explicit Checker(const Workflow& wf) : wf_(wf) {}

    std::vector<Diagnostic> run() {
        start_and_exit();
        reachability();
        for (const auto& n : wf_.nodes) stage(n);
        for (const auto& e : wf_.edges) edge(e);
        graph_attributes();
        return std::move(out_);
    }

  private:
    void error(int line, std::string msg) {
        out_.push_back(Diagnostic{wf_.file, line, std::move(msg)});
    }

    static std::string q(const std::string& s) { return "\"" + s + "\""; }
    std::string edge_name(const Edge& e) const { return "edge " + e.from + " -> " + e.to; }

    void start_and_exit() {
        for (auto [kind, what, shape] : {std::tuple{StageKind::start, "start", "Mdiamond"},
                                         std::tuple{StageKind::exit, "exit", "Msquare"}}) {
            const Node* first = nullptr;
            for (const auto& n : wf_.nodes) {
                if (n.kind != kind) continue;
                if (!first) {
                    first = &n;
                    continue;
                }
                error(n.line, std::string("a second ") + what + " stage " + q(n.id) +
                                  " (the first is " + q(first->id) + " at line " +
                                  std::to_string(first->line) + "); a workflow has exactly one");
            }
            if (!first)
                error(wf_.graph_line, std::string("no ") + what + " stage (a node with shape=" +
                                          shape + " or type=" + what + ")");
        }
        for (const auto& e : wf_.edges) {
            const Node* to = wf_.node(e.to);
            const Node* from = wf_.node(e.from);
            if (to && to->kind == StageKind::start)
                error(e.line, edge_name(e) + " goes into the start stage; nothing may");
            if (from && from->kind == StageKind::exit)
                error(e.line, edge_name(e) + " leaves the exit stage; nothing may");
        }
    }

    void reachability() {
        const Node* start = wf_.start();
        const Node* exit = wf_.exit();
        std::set<std::string> from_start, to_exit;
        auto walk = [&](const std::string& first, bool forward, std::set<std::string>& seen) {
            std::deque<std::string> todo{first};
            seen.insert(first);
            while (!todo.empty()) {
                std::string id = todo.front();
                todo.pop_front();
                for (size_t i : forward ? wf_.out_edges(id) : wf_.in_edges(id)) {
                    const std::string& next = forward ? wf_.edges[i].to : wf_.edges[i].from;
                    if (seen.insert(next).second) todo.push_back(next);
                }
            }
        };
        if (start) walk(start->id, true, from_start);
        if (exit) walk(exit->id, false, to_exit);
        for (const auto& n : wf_.nodes) {
            if (start && !from_start.contains(n.id))
                error(n.line,
                      "stage " + q(n.id) + " cannot be reached from the start " + q(start->id));
            if (n.kind == StageKind::exit) continue;
            if (wf_.out_edges(n.id).empty())
                error(n.line, "stage " + q(n.id) +
                                  " has no out-edge; every stage but the exit needs a way on");
            else if (exit && !to_exit.contains(n.id))
                error(n.line, "stage " + q(n.id) + " cannot reach the exit " + q(exit->id));
        }
    }

    void count_attr(int line, const std::string& who, const std::string& name,
                    const std::string& value, int64_t min) {
        auto v = parse_int(value);
        if (!v || *v < min)
            error(line, who + ": " + name + "=" + q(value) +
                            " is not a whole number >= " + std::to_string(min));
    }

    void bool_attr(int line, const std::string& who, const std::string& name,
                   const std::string& value) {
        if (!parse_bool(value))
            error(line, who + ": " + name + "=" + q(value) + " is not true or false");
    }

    void retry_target(int line, const std::string& who, const std::string& name,
                      const std::string& value) {
        if (value.empty()) return;
        if (!wf_.node(value)) error(line, who + ": " + name + "=" + q(value) + " names no stage");
    }

    void stage(const Node& n) {
        std::string who = "stage " + q(n.id);
        bool needs_prompt = n.kind == StageKind::agent || n.kind == StageKind::prompt;
        if (n.prompt_file_missing)
            error(n.line, who + ": prompt file " + n.prompt_file +
                              " not found (or not a regular file of at most 1 MiB)");
        else if (needs_prompt && trim(n.prompt).empty())
            error(n.line, who + ": an " + std::string(kind_name(n.kind)) +
                              " stage needs a prompt (prompt=\"…\" or prompt=\"@file.md\")");
        if (!n.prompt.empty())
            if (auto p = check_template(n.prompt)) error(n.line, who + ": prompt: " + p->message);
        if (n.kind == StageKind::command && trim(n.attr("script")).empty())
            error(n.line, who + ": a command stage needs script=\"…\"");

        for (const char* k : {"max_retries", "max_visits", "max_parallel"})
            if (n.has(k))
                count_attr(n.line, who, k, n.attr(k),
                           std::string_view(k) == "max_parallel" ? 1 : 0);
        for (const char* k : {"goal_gate", "allow_partial"})
            if (n.has(k)) bool_attr(n.line, who, k, n.attr(k));
        if (n.has("timeout") && !parse_timeout_ms(n.attr("timeout")))
            error(n.line, who + ": timeout=" + q(n.attr("timeout")) +
                              " is not a duration (90, 30s, 5m, 2h, 500ms)");
        if (n.has("retry_policy") && !retry_policy_from(n.attr("retry_policy")))
            error(n.line, who + ": retry_policy=" + q(n.attr("retry_policy")) +
                              " is not none, standard, aggressive, linear or patient");
        if (n.has("backend")) {
            auto b = n.attr("backend");
            if (b != "claude" && b != "codex" && b != "scripted")
                error(n.line, who + ": backend=" + q(b) + " is not claude, codex or scripted");
        }
        if (n.has("reasoning_effort")) {
            auto r = n.attr("reasoning_effort");
            if (r != "minimal" && r != "low" && r != "medium" && r != "high" && r != "xhigh")
                error(n.line, who + ": reasoning_effort=" + q(r) +
                                  " is not minimal, low, medium, high or xhigh");
        }
        if (n.has("join_policy")) {
            auto j = n.attr("join_policy");
            if (j != "wait_all" && j != "first_success")
                error(n.line, who + ": join_policy=" + q(j) + " is not wait_all or first_success");
        }
        retry_target(n.line, who, "retry_target", n.attr("retry_target"));
        retry_target(n.line, who, "fallback_retry_target", n.attr("fallback_retry_target"));

        if (n.kind == StageKind::human) {
            auto options = gate_options(wf_, n.id);
            std::map<std::string, std::string> keys;
            int freeform = 0;
            for (const auto& o : options) {
                freeform += o.freeform ? 1 : 0;
                if (o.key.empty()) continue;
                auto [it, fresh] = keys.emplace(o.key, o.label);
                if (!fresh)
                    error(wf_.edges[o.edge].line, who + ": options " + q(it->second) + " and " +
                                                      q(o.label) + " share the key " + o.key);
            }
            if (freeform > 1)
                error(n.line, who + ": more than one freeform edge; a gate takes text once");
        }
        if (n.kind == StageKind::fan_out && wf_.out_edges(n.id).size() < 2)
            error(n.line, who + ": a fan-out needs two branches or more (it has " +
                              std::to_string(wf_.out_edges(n.id).size()) + ")");
    }

    void edge(const Edge& e) {
        std::string who = edge_name(e);
        if (!e.condition.empty()) {
            ConditionError err;
            if (!Condition::parse(e.condition, err))
                error(e.line, who + ": condition " + q(e.condition) + ": " + err.str());
        }
        if (auto it = e.attrs.find("weight"); it != e.attrs.end() && !parse_int(it->second))
            error(e.line, who + ": weight=" + q(it->second) + " is not a whole number");
        if (auto it = e.attrs.find("freeform"); it != e.attrs.end()) {
            bool_attr(e.line, who, "freeform", it->second);
            const Node* from = wf_.node(e.from);
            if (from && from->kind != StageKind::human && parse_bool(it->second).value_or(false))
                error(e.line, who + ": freeform=true is only for edges out of a human gate");
        }
    }

    void graph_attributes() {
        for (const char* k : {"default_max_retries", "max_node_visits"})
            if (auto v = wf_.graph_attr(k); !v.empty())
                count_attr(wf_.graph_attr_line(k), "graph", k, v, 0);
        for (const char* k : {"retry_target", "fallback_retry_target"})
            retry_target(wf_.graph_attr_line(k), "graph", k, wf_.graph_attr(k));
        if (auto g = wf_.goal(); !g.empty())
            if (g.find("{{") != std::string::npos)
                error(wf_.graph_attr_line("goal"), "graph: goal cannot hold a template");
    }

    const Workflow& wf_;
    std::vector<Diagnostic> out_;
};

} // namespace

std::vector<Diagnostic> validate(const Workflow& wf) {
    return Checker(wf).run();
}

std::vector<Diagnostic> check_workflow_file(const std::string& path,
                                            std::optional<Workflow>* loaded) {
    Loaded l = load_workflow_file(path);
    std::vector<Diagnostic> all = std::move(l.errors);
    if (l.workflow) {
        auto more = validate(*l.workflow);
        all.insert(all.end(), more.begin(), more.end());
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    if (loaded) *loaded = std::move(l.workflow);
    return all;
}

std::optional<int64_t> parse_timeout_ms(std::string_view s) {
    s = trim(s);
    struct Unit {
        std::string_view suffix;
        int64_t ms;
    };
    for (Unit u : {Unit{"ms", 1}, Unit{"s", 1000}, Unit{"m", 60'000}, Unit{"h", 3'600'000}}) {
        if (s.size() > u.suffix.size() && s.ends_with(u.suffix)) {
            auto n = parse_int(s.substr(0, s.size() - u.suffix.size()));
            if (!n || *n < 0 || *n > 7 * 24 * 3'600'000 / u.ms) return std::nullopt;
            return *n * u.ms;
        }
    }
    auto n = parse_int(s);
    if (!n || *n < 0 || *n > 7 * 24 * 3600) return std::nullopt;
    return *n * 1000;
}

} // namespace fab::workflow
