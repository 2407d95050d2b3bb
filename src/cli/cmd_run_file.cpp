// fab run FILE: validate a workflow (fab-workflow, which links cgraph), queue
// it on the local daemon with its DOT source, and follow the run's events on
// the terminal until it ends: stage progress, the current stage's chat, and
// human gates asked here (numbered options; EOF or an unknown answer is never
// an approval). The exit status is the run's outcome. Ctrl-C detaches: the
// run goes on in the daemon.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/tty_text.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <unistd.h>

namespace fab::cli {

namespace {

std::atomic<bool> g_interrupted{false}; // set by SIGINT: detach

void on_sigint(int) {
    g_interrupted = true;
}

// Exit status of a detached follow (Ctrl-C): the run's outcome is unknown.
constexpr int kDetached = 130;

int validate_file(const std::string& path) {
    RunSpec spec;
    spec.argv = {sibling_program("fab-workflow"), "validate", "--", path};
    spec.timeout_ms = 60000;
    auto r = run_process(spec);
    if (!r) return fail("cannot run fab-workflow: " + r.error());
    if (r->ok()) return Exit::ok;
    std::fputs(r->out.c_str(), stderr);
    std::fputs(r->err.c_str(), stderr);
    return Exit::failure;
}

Result<Json> parse_inputs(const std::string& flag) {
    Json inputs = Json::object();
    for (const auto& kv : split(flag, '\n')) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            return make_error("--input takes KEY=VALUE, not \"" + kv + "\"");
        inputs[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return inputs;
}

// The project: --project, else the daemon's only one.
Result<std::string> pick_project(const Invocation& inv, int& rc) {
    if (inv.has("project")) return inv.flag("project");
    auto r = call_daemon(inv, "project.list", Json::object(), rc);
    if (!r) return make_error("");
    const Json& list = r->contains("projects") ? (*r)["projects"] : *r;
    if (list.is_array() && list.size() == 1 && list[0].is_object())
        return list[0].value("name", "");
    return make_error("run needs -p/--project NAME (the daemon has " +
                      std::to_string(list.is_array() ? list.size() : 0) + " projects)");
}

// One event as a terminal line ("" = not shown).
std::string event_line(const Json& e) {
    std::string name = e.value("event", "");
    const Json& p = e.contains("properties") ? e["properties"] : Json::object();
    std::string node = p.value("node", "");
    auto safe = [](const std::string& s) { return tty_safe(s, 1, false); };
    if (name == "stage.started")
        return "▶ " + node + " (" + p.value("kind", "") + ")" +
               (p.value("attempt", 1) > 1 ? " attempt " + std::to_string(p.value("attempt", 1))
                                          : "");
    if (name == "stage.completed") return "✓ " + node + ": " + p.value("outcome", "");
    if (name == "stage.failed")
        return "✗ " + node + ": " + p.value("outcome", "") +
               (p.contains("error") ? " (" + safe(p.value("error", "")) + ")" : "");
    if (name == "stage.retrying")
        return "↻ " + node + ": retry in " + std::to_string(p.value("delay_ms", 0)) + " ms";
    if (name == "stage.interrupted")
        return "! " + node + ": interrupted (" + p.value("why", "") + ")";
    if (name == "edge.selected")
        return "  → " + p.value("to", "") +
               (p.value("label", "").empty() ? "" : " [" + safe(p.value("label", "")) + "]");
    if (name == "agent.message") {
        std::string t = safe(p.value("text", ""));
        if (t.size() > 400) t = t.substr(0, 400) + "…";
        return "  │ " + t;
    }
    if (name == "run.completed") return "run succeeded";
    if (name == "run.failed") return "run failed: " + safe(p.value("error", p.value("reason", "")));
    if (name == "run.cancelled") return "run cancelled";
    return {};
}

// Reads one line from stdin, waiting at most `ms`; nullopt on EOF, "" on
// timeout with no line yet (partial input is kept in `buf`).
std::optional<std::string> read_line(std::string& buf, int ms, bool& eof) {
    struct pollfd p = {0, POLLIN, 0};
    if (eof || ::poll(&p, 1, ms) <= 0) return std::string();
    char chunk[512];
    ssize_t n = ::read(0, chunk, sizeof chunk);
    if (n <= 0) {
        eof = true;
        return std::nullopt;
    }
    buf.append(chunk, static_cast<size_t>(n));
    auto nl = buf.find('\n');
    if (nl == std::string::npos) return std::string();
    std::string line = buf.substr(0, nl);
    buf.erase(0, nl + 1);
    return line.empty() ? std::string(" ") : line; // an empty line is not "no line"
}

void print_gate(const Json& q) {
    std::printf("? %s\n", tty_safe(q.value("text", ""), 1, false).c_str());
    int i = 0;
    for (const auto& o : q.value("options", Json::array()))
        std::printf("  %d) [%s] %s%s\n", ++i, o.value("key", "").c_str(),
                    tty_safe(o.value("label", ""), 1, false).c_str(),
                    o.value("freeform", false) ? " (type your text)" : "");
    std::printf("answer (number, key or text): ");
    std::fflush(stdout);
}

// The answer body for a typed line: a number or key picks an option; other
// text goes to the freeform option (the daemon refuses it when there is none).
Json gate_answer(const Json& q, const std::string& line) {
    std::string t(trim(line));
    const Json& opts = q["options"];
    if (auto n = parse_int(t); n && *n >= 1 && static_cast<size_t>(*n) <= opts.size()) {
        const Json& o = opts[static_cast<size_t>(*n - 1)];
        if (!o.value("freeform", false)) return {{"selected_option_key", o.value("key", "")}};
    }
    return {{"value", t}};
}

} // namespace

int cmd_run_file(Invocation& inv) {
    std::string path = absolute_path(inv.args[0]);
    if (int rc = validate_file(path); rc != Exit::ok) return rc;
    auto source = read_file(path);
    if (!source) return fail(source.error());
    Json inputs = Json::object();
    if (inv.has("input")) {
        auto in = parse_inputs(inv.flag("input"));
        if (!in) return fail(in.error(), Exit::usage);
        inputs = *in;
    }
    int rc = Exit::ok;
    auto project = pick_project(inv, rc);
    if (!project) return project.error().empty() ? rc : fail(project.error(), Exit::usage);
    Json payload = {
        {"project", *project}, {"workflow", *source}, {"workflow_file", path}, {"inputs", inputs}};
    for (const char* k : {"goal", "backend", "model"})
        if (inv.has(k)) payload[k] = inv.flag(k);
    auto r = call_daemon(inv, "run.submit", payload, rc);
    if (!r) return rc;
    std::string id = r->value("id", "");
    if (inv.has("detach")) {
        std::printf("run %s %s\n", id.c_str(), r->value("status", "").c_str());
        return Exit::ok;
    }
    std::printf("run %s: %s (Ctrl-C detaches; the run goes on)\n", id.c_str(), path.c_str());
    std::fflush(stdout);

    struct sigaction sa = {};
    sa.sa_handler = on_sigint;
    ::sigaction(SIGINT, &sa, nullptr);
    int64_t since = 0;
    std::string asked, buf; // the gate question on screen; typed input
    Json gate;
    bool eof = false;
    for (;;) {
        if (g_interrupted) {
            std::printf("\ndetached from run %s; it goes on (fab run show %s)\n", id.c_str(),
                        id.c_str());
            return kDetached;
        }
        auto ev = call_daemon(inv, "run.events", {{"id", id}, {"since_seq", since}}, rc);
        if (!ev) return rc;
        for (const auto& e : (*ev)["data"]) {
            since = std::max<int64_t>(since, e.value("seq", int64_t{0}));
            if (inv.has("json")) {
                std::printf("%s\n", dump_json(e).c_str());
            } else if (std::string line = event_line(e); !line.empty()) {
                std::printf("%s\n", line.c_str());
            }
            std::string name = e.value("event", "");
            if (name == "interview.started") {
                gate = e["properties"].value("question", Json::object());
                asked.clear();
            } else if (name == "interview.completed") {
                gate = nullptr;
                asked.clear();
            }
            if (name == "run.completed") return Exit::ok;
            if (name == "run.failed" || name == "run.cancelled") return Exit::failure;
        }
        std::fflush(stdout);
        // A waiting gate: asked here once; stdin at EOF never answers.
        if (gate.is_object() && !gate.empty() && !eof) {
            if (asked != gate.value("id", "")) {
                asked = gate.value("id", "");
                print_gate(gate);
            }
            auto line = read_line(buf, 200, eof);
            if (!line) {
                std::printf("\n(stdin closed: not answered; the run waits for an answer from "
                            "the TUI or HTTP)\n");
                continue;
            }
            if (line->empty()) continue;
            auto a = call_daemon(
                inv, "run.answer",
                {{"id", id}, {"question", asked}, {"answer", gate_answer(gate, *line)}}, rc);
            if (!a) {
                print_gate(gate); // refused (printed): ask again
                rc = Exit::ok;
            }
            continue;
        }
        ::usleep(200 * 1000);
    }
}

} // namespace fab::cli
