// The command table. Adding a command: one entry here, one handler, a man
// page section and the completions (tests/docs fails until all agree).
#include "cli/command.hpp"
#include "cli/handlers.hpp"

namespace fab::cli {

namespace {

constexpr Flag kNone[] = {{"help", 'h', nullptr, "show help for this command"}};
constexpr Flag kJson[] = {
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kStatus[] = {
    {"all", 'a', nullptr, "also show stopped projects and recent daemon events"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kServerStart[] = {
    {"log-level", 0, "LEVEL", "debug, info, warn or error (default: info)"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kProjectAdd[] = {
    {"name", 0, "NAME", "project name (default: the repository's directory name)"},
    {"max-agents", 0, "N", "agents that may work at once, 1-100"},
    {"autostart", 0, nullptr, "start the project's orchestrator with the daemon"},
    {"issue-backend", 0, "BACKEND", "tk, github or linear"},
    {"agent-backend", 0, "BACKEND", "claude or codex"},
    {"planner-backend", 0, "BACKEND", "claude or codex, for planner agents"},
    {"coding-backend", 0, "BACKEND", "claude or codex, for task agents"},
    {"merge-strategy", 0, "STRATEGY", "direct or pull-request"},
    {"permissions-checker", 0, "CHECKER", "manual or llm"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kProjectRemove[] = {
    {"force", 'f', nullptr, "remove even when the clone has uncommitted changes"},
    {"keep-files", 0, nullptr, "unregister only; keep $FAB_DIR/projects/NAME"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Flag kPermissionsInit[] = {
    {"force", 'f', nullptr, "replace an existing global permissions.ini"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kPermissionsCheck[] = {
    {"project", 0, "NAME", "also try the project's rules first (default: $FAB_PROJECT)"},
    {"worktree", 0, "DIR", "the worktree /-patterns refer to (default: $FAB_WORKTREE or .)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Flag kAgentList[] = {
    {"project", 0, "NAME", "only agents of this project"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAgentCreate[] = {
    {"project", 0, "NAME", "the project whose repository the agent works in (required)"},
    {"backend", 0, "BACKEND", "claude, codex or scripted (default: the project's coding-backend)"},
    {"prompt", 0, "TEXT", "the first message to the agent"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAgentAbort[] = {
    {"force", 'f', nullptr, "kill the agent's process tree at once instead of interrupting it"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAttach[] = {
    {"agent", 0, "ID", "only this agent"},
    {"json", 0, nullptr, "print every event as a JSON line"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Flag kPermissionAllow[] = {
    {"always", 0, nullptr,
     "also add a rule to the project that allows this exact call from now on"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kPermissionDeny[] = {
    {"reason", 0, "TEXT", "why (the agent's model reads it)"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Command kCommands[] = {
    {"help", "[command...]", "show help for fab or for a command", kNone, cmd_help, 0, -1},
    {"version", "", "print the versions of fab and of the running daemon", kJson, cmd_version},
    {"status", "", "show the daemon, projects, agents, usage and recent work", kStatus, cmd_status},
    {"tui", "", "open the terminal interface", kNone, cmd_tui},

    {"server start", "", "start the daemon in the background", kServerStart, cmd_server_start},
    {"server stop", "", "stop the daemon gracefully", kNone, cmd_server_stop},
    {"server restart", "", "stop the daemon, then start it again", kServerStart,
     cmd_server_restart},
    {"server run", "", "run the daemon in the foreground (for systemd and debugging)", kServerStart,
     cmd_server_run},

    {"project add", "<path-or-url>", "clone a repository and register it as a project", kProjectAdd,
     cmd_project_add, 1, 1},
    {"project list", "", "list the registered projects", kJson, cmd_project_list},
    {"project remove", "<name>", "unregister a project and delete fab's clone of it",
     kProjectRemove, cmd_project_remove, 1, 1},
    {"project config show", "[name]", "show a project's effective settings", kJson,
     cmd_project_config_show, 0, 1},
    {"project config get", "<name> <key>", "print one setting of a project", kNone,
     cmd_project_config_get, 2, 2},
    {"project config set", "<name> <key> <value>",
     "change one setting (validated, written atomically, comments kept)", kNone,
     cmd_project_config_set, 3, 3},

    {"permissions init", "", "install the default rules as the global permissions.ini",
     kPermissionsInit, cmd_permissions_init},
    {"permissions check", "<tool> <input-json>", "show which rule decides a tool call, and why",
     kPermissionsCheck, cmd_permissions_check, 2, 2},
    {"hook", "<event>",
     "answer a Claude Code hook of a fab agent (run by Claude Code, not by hand)", kNone, cmd_hook,
     1, 1},

    {"agent list", "", "list agents with their state, usage and what they are doing", kAgentList,
     cmd_agent_list},
    {"agent create", "", "start an agent in a new worktree of a project", kAgentCreate,
     cmd_agent_create},
    {"agent send", "<id> <text...>",
     "send a message to an agent (resumes a failed agent's session)", kNone, cmd_agent_send, 2, -1},
    {"agent abort", "<id>", "stop an agent: interrupt, then terminate, then kill", kAgentAbort,
     cmd_agent_abort, 1, 1},
    {"agent describe", "<text...>", "set what this agent is doing (from inside an agent)", kNone,
     cmd_agent_describe, 1, -1},
    {"agent history", "<id>", "print everything an agent said and did", kJson, cmd_agent_history, 1,
     1},
    {"attach", "[project...]", "follow the output of every agent live", kAttach, cmd_attach, 0, -1},

    {"permission list", "", "list tool calls waiting for a human decision", kJson,
     cmd_permission_list},
    {"permission allow", "<id>", "let a waiting tool call run", kPermissionAllow,
     cmd_permission_allow, 1, 1},
    {"permission deny", "<id>", "refuse a waiting tool call", kPermissionDeny, cmd_permission_deny,
     1, 1},
    {"question list", "", "list agents' questions waiting for an answer", kJson, cmd_question_list},
    {"question answer", "<id> <choice|text...>",
     "answer a question: an option's number or label, or free text", kNone, cmd_question_answer, 2,
     -1},

    {"__complete", "<projects|agents>", "print names for shell completion", kNone, cmd_complete, 1,
     1, true},
};

} // namespace

std::span<const Command> commands() {
    return kCommands;
}

} // namespace fab::cli
