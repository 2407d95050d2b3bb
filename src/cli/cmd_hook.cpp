// fab hook <event>: what Claude Code runs for each hook of a fab agent.
//
// PreToolUse runs before every tool call, so it is the fast path: the rules
// are evaluated here, in this process, and a decisive allow or deny is
// printed without contacting the daemon. Only when no rule decides (pass, or
// no rule matched) is the daemon told about the call; the hook then answers
// `ask`, and Claude's `can_use_tool` request carries the decision through the
// agent host to the daemon and a human, so no hook process waits minutes for
// a person.
//
// Fail closed. Claude lets a tool run when a hook exits non-zero with no
// output (other than exit 2), so every failure here prints a deny, and an
// unexpected exception additionally exits 2: a broken fab must never mean
// "allowed".
//
// Stop, StopFailure and SessionEnd are forwarded to the daemon (errors
// ignored, nothing printed); PermissionRequest is answered on the stdio path,
// so the hook prints nothing.
#include "cli/handlers.hpp"
#include "client/connection.hpp"
#include "config/config.hpp"
#include "protocol/messages.hpp"
#include "rules/decision_log.hpp"
#include "rules/evaluate.hpp"
#include "rules/tool_decision.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/socket.h>
#include <unistd.h>

namespace fab::cli {

namespace {

constexpr int kDaemonTimeoutMs = 2000;
constexpr size_t kMaxInput = 64u << 20; // Write inputs carry whole files

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool read_stdin(std::string& out) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) return true;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > kMaxInput) return false;
    }
}

// Prints the PreToolUse answer. Returns false when stdout failed, in which
// case the caller exits 2 so that the tool is blocked anyway.
bool print_decision(const std::string& decision, const std::string& reason) {
    Json j = {{"hookSpecificOutput",
               {{"hookEventName", "PreToolUse"},
                {"permissionDecision", decision},
                {"permissionDecisionReason", reason}}}};
    std::string line = dump_json(j) + "\n";
    return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
           std::fflush(stdout) == 0;
}

struct PreToolUse {
    const Invocation& inv;
    std::string agent, tool, subject;

    // Logs, prints and returns the exit code.
    int answer(const std::string& decision, const std::string& rule, const std::string& reason) {
        rules::append_decision_log(inv.paths.fab_dir + "/permissions.log",
                                   {agent, tool, decision, rule, subject});
        if (print_decision(decision, reason)) return Exit::ok;
        std::fprintf(stderr, "fab hook: could not write the decision; blocking the call\n");
        return Exit::usage; // 2: Claude blocks the tool
    }
    int deny(const std::string& reason, const std::string& rule = "") {
        return answer("deny", rule, reason);
    }

    // No rule decided: tell the daemon (it records the pending call for the
    // human) and answer ask. The daemon may also answer itself.
    int to_daemon(const Json& in, const rules::ToolVerdict& d) {
        // One budget for connect and request: a stopped daemon whose listen
        // backlog is full must not hold the tool call either.
        int64_t deadline = monotonic_ms() + kDaemonTimeoutMs;
        ConnectError failure{};
        auto c = Connection::open(inv.paths.socket, &failure, kDaemonTimeoutMs / 2);
        if (!c && failure == ConnectError::busy)
            return deny("fab daemon is not responding; no human can approve this call (" +
                        c.error() + "). Ask the user to check it: fab status");
        if (!c)
            return deny("fab daemon is not reachable; no human can approve this call (" +
                        c.error() + "). Ask the user to run: fab server start");
        // A wedged daemon must not hold the tool call: bound the send too.
        timeval tv{kDaemonTimeoutMs / 1000, 0};
        ::setsockopt(c->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        Json payload = {
            {"event", "PreToolUse"},
            {"agent_id", agent},
            {"tool_name", tool},
            {"tool_input", in.contains("tool_input") ? in.at("tool_input") : Json::object()},
            {"tool_use_id", in.value("tool_use_id", "")}};
        if (d.matched) payload["rule"] = d.rule;
        auto r = c->request(msg::kHookEvent, payload,
                            static_cast<int>(std::max<int64_t>(deadline - monotonic_ms(), 1)));
        if (!r) {
            if (r.error().rfind("unknown agent", 0) == 0)
                return deny("unknown fab agent " + agent + ": " + r.error());
            return deny("fab daemon refused the call: " + r.error());
        }
        std::string decision = r->is_object() ? r->value("decision", "ask") : "ask";
        std::string why = r->is_object() ? r->value("reason", "") : "";
        if (decision == "allow" || decision == "deny")
            return answer(decision, "daemon", why.empty() ? "fab daemon: " + decision : why);
        std::string reason = d.matched
                                 ? "fab rule \"" + d.rule + "\": " + d.reason + "; a human decides"
                                 : "fab: no rule matched; a human decides";
        return answer("ask", d.matched ? d.rule : "", reason);
    }

    int run() {
        std::string raw;
        bool read_ok = read_stdin(raw);
        agent = env("FAB_AGENT_ID");
        if (agent.empty())
            return deny("fab hook: this agent was not started by fab (FAB_AGENT_ID is not set)");
        if (!read_ok) return deny("fab hook: could not read the hook input on stdin");
        Json in = Json::parse(raw, nullptr, false);
        if (in.is_discarded() || !in.is_object())
            return deny("fab hook: the hook input on stdin is not a JSON object");
        auto name = in.find("tool_name");
        if (name == in.end() || !name->is_string() || name->get<std::string>().empty())
            return deny("fab hook: the hook input has no tool_name");
        tool = name->get<std::string>();
        Json input = in.contains("tool_input") ? in["tool_input"] : Json::object();
        subject = rules::primary_value(tool, input);

        rules::ToolCall call;
        call.agent_kind = env("FAB_AGENT_KIND");
        call.project = env("FAB_PROJECT");
        // Only fab says where the worktree is: the hook input's cwd follows
        // the agent's `cd`, so it never stands in for an unset FAB_WORKTREE
        // (worktree patterns then match nothing). It is where relative Bash
        // arguments start, though.
        call.worktree = env("FAB_WORKTREE");
        auto cwd = in.find("cwd");
        if (cwd != in.end() && cwd->is_string()) call.cwd = cwd->get<std::string>();
        call.home = env("HOME");
        call.tool = tool;
        call.input = input;
        auto d = rules::decide_tool_call(inv.paths, call);
        if (d.decision != "pass") return answer(d.decision, d.rule, d.reason);
        return to_daemon(in, d);
    }
};

// Stop, StopFailure, SessionEnd: the daemon learns about it; nothing the
// daemon says changes what Claude does next, so errors are ignored.
void notify(const Invocation& inv, const std::string& event, const char* field) {
    std::string raw;
    std::string agent = env("FAB_AGENT_ID");
    if (!read_stdin(raw) || agent.empty()) return;
    Json in = Json::parse(raw, nullptr, false);
    if (!in.is_object()) return;
    Json payload = {{"event", event}, {"agent_id", agent}};
    auto it = in.find(field);
    payload[field] = it != in.end() ? *it : Json("");
    auto c = Connection::open(inv.paths.socket, nullptr, kDaemonTimeoutMs / 2);
    if (!c) return;
    timeval tv{kDaemonTimeoutMs / 1000, 0};
    ::setsockopt(c->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    (void)c->request(msg::kHookEvent, payload, kDaemonTimeoutMs);
}

// Claude reads the decision from our stdout. With fd 1 closed or read-only
// (main put /dev/null there) no answer can reach it, and a death by SIGPIPE
// would read as "hook failed, run the tool": exit 2 blocks it instead.
bool stdout_unusable(const Invocation& inv) {
    std::signal(SIGPIPE, SIG_IGN); // a closed reader gives EPIPE, and exit 2
    if (inv.stdout_ok) return false;
    std::string ignored;
    read_stdin(ignored); // the writer must not see EPIPE
    std::fprintf(stderr, "fab hook: stdout is closed or not writable, so no decision can be "
                         "given; blocking the call\n");
    return true;
}

} // namespace

int cmd_hook(Invocation& inv) {
    const std::string& event = inv.args[0];
    try {
        if (event == "PreToolUse" && stdout_unusable(inv)) return Exit::usage;
        if (event == "PreToolUse") return PreToolUse{inv, {}, {}, {}}.run();
        if (event == "Stop")
            notify(inv, event, "last_assistant_message");
        else if (event == "StopFailure")
            notify(inv, event, "error");
        else if (event == "SessionEnd")
            notify(inv, event, "reason");
        else if (event == "PermissionRequest") {
            std::string ignored;
            read_stdin(ignored); // the writer must not see EPIPE
        } else {
            return fail("hook: unknown event \"" + event +
                            "\" (PreToolUse, PermissionRequest, Stop, StopFailure, SessionEnd)",
                        Exit::usage);
        }
        return Exit::ok;
    } catch (const std::exception& e) {
        if (event == "PreToolUse")
            print_decision("deny", std::string("fab hook failed: ") + e.what());
        std::fprintf(stderr, "fab hook: %s\n", e.what());
        // 2 blocks the tool even if the deny was not printed; for Stop it
        // would keep the model going, so the other events exit 0.
        return event == "PreToolUse" ? Exit::usage : Exit::ok;
    }
}

int cmd_hook_unconfigured(Invocation& inv, const std::string& why) {
    const std::string& event = inv.args.empty() ? std::string() : inv.args[0];
    if (event == "PreToolUse" && stdout_unusable(inv)) return Exit::usage;
    std::string ignored;
    read_stdin(ignored);
    if (event != "PreToolUse") return Exit::ok;
    if (print_decision("deny", "fab hook: " + why)) return Exit::ok;
    return Exit::usage;
}

} // namespace fab::cli
