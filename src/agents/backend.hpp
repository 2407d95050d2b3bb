// Agent CLI adapters behind one interface: how to start the CLI, how to
// send it a message, how to interrupt it, and how to parse what it prints.
// Each backend is pure (no I/O): the agent host does the spawning.
#pragma once

#include "agents/chat.hpp"
#include "util/result.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fab {

// Everything a backend needs to build a command line.
struct AgentParams {
    std::string agent_id;
    std::string project;
    std::string kind = "task"; // task | plan | manager | director
    std::string worktree;      // the CLI's cwd
    std::string fab_bin;       // absolute path of `fab` (for hooks)
    std::string socket_path;   // FAB_SOCKET_PATH for the agent
    std::string fab_dir;       // FAB_DIR for the agent
    std::string session_id;    // claude: --session-id (new) / --resume (resume); codex: thread id
    bool resume = false;       // continue an existing session / thread
    std::string permission_mode =
        "default";                    // claude: default | plan; codex: plan → read-only sandbox
    std::string model;                // "" = CLI default
    std::string append_system_prompt; // claude only
    std::string program; // override of the CLI binary ("" = backend default, found in PATH)
    // codex: directories besides the worktree its sandbox lets it write (the
    // worktree's git metadata: .git/worktrees/<name>, objects, refs, logs).
    // Filled by the agent host, which reads the worktree's .git pointer.
    std::vector<std::string> writable_roots;
};

// What a backend whose stdin protocol names a session and a turn (codex
// app-server: JSON-RPC with threadId/turnId) needs to format a line. Kept by
// the agent host from what the parser has seen.
struct SessionState {
    std::string session_id; // claude session / codex thread id
    std::string turn_id;    // codex: the running turn ("" = none)
    bool turn_running = false;
    const AgentParams* params = nullptr; // the agent's (codex: its sandbox for each turn)
};

struct LaunchSpec {
    std::vector<std::string> argv;
    std::vector<std::string> env; // KEY=VALUE added to (or replacing in) the host's environment
    bool stdin_pipe = true;       // false: stdin is /dev/null (codex)
};

// Parses one backend's output, line by line. Stateful: claude reports
// process-total cost (per turn = difference), codex cumulative usage per
// thread (per turn = difference).
class OutputParser {
  public:
    // codex: the turn in progress, as the last turn/started said ("" = none).
    virtual std::string turn_id() const { return {}; }
    // The model the CLI says it runs ("" = not said yet): prices its usage.
    virtual std::string model() const { return {}; }
    virtual ~OutputParser() = default;
    // Appends zero or more entries for one output line. Never throws: an
    // unparsable line becomes an `error` entry quoting (a bounded part of) it.
    virtual void parse_line(std::string_view line, std::vector<ChatEntry>& out) = 0;
    // Codex: the usage totals already seen for the thread (restored after a
    // daemon restart or resume so per-turn figures stay right).
    virtual void set_usage_baseline(const Usage&) {}
    virtual Usage usage_baseline() const { return {}; }
};

class Backend {
  public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;            // "claude", "codex", "scripted"
    virtual std::string default_program() const = 0; // "claude", "codex", "fab-scripted-agent"

    // true: one long-lived process, messages on stdin (claude, scripted).
    // false: one process per turn (codex); `first_message` goes on its argv.
    virtual bool persistent() const = 0;

    // persistent: start the CLI (no message yet). per-turn: the command for
    // one turn carrying `message` (`exec` for the first, `exec resume` after).
    virtual Result<LaunchSpec> launch(const AgentParams& p, const std::string& message) const = 0;

    // true: fab's PreToolUse hook decides every tool call by the rules
    // before any permission request (claude). false (codex): nothing ran the
    // rules yet, so the daemon evaluates them on each permission request,
    // and the host denies requests when no daemon is there to decide.
    virtual bool has_hooks() const { return true; }
    // true (claude): usage figures restart with each CLI process, so a new
    // process needs a new parser. false (codex): they run on per thread,
    // across processes (a resumed thread's totals include earlier turns).
    virtual bool usage_per_process() const { return true; }

    // persistent only: lines written to stdin right after the start, before
    // any message (codex: initialize, then thread/start or thread/resume).
    // While handshake() is true, messages wait for a `session_ready` entry.
    virtual std::string startup_lines(const AgentParams& p) const {
        (void)p;
        return {};
    }
    virtual bool handshake() const { return false; }

    // persistent only: the stdin line(s) that deliver a user message / an interrupt.
    virtual std::string format_input(const std::string& text, const SessionState& s) const {
        (void)text;
        (void)s;
        return {};
    }
    virtual std::string interrupt_line(const std::string& request_id, const SessionState& s) const {
        (void)request_id;
        (void)s;
        return {};
    }
    // persistent only: the answer to a permission request (allow: updated_input
    // is what runs; deny: message reaches the model).
    virtual std::string permission_response(const std::string& request_id, bool allow,
                                            const nlohmann::json& updated_input,
                                            const std::string& message,
                                            const SessionState& s) const {
        (void)request_id;
        (void)allow;
        (void)updated_input;
        (void)message;
        (void)s;
        return {};
    }
    // The answer to a request the CLI made that fab does not handle (a
    // `control_request` system entry), so the CLI does not wait for ever;
    // "" = none needed.
    virtual std::string unsupported_request_response(const std::string& request_id) const {
        (void)request_id;
        return {};
    }

    virtual std::unique_ptr<OutputParser> make_parser() const = 0;
};

// "claude", "codex" or "scripted"; nullptr for anything else.
std::unique_ptr<Backend> make_backend(std::string_view name);

} // namespace fab
