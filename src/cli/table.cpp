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

    {"__complete", "<projects|agents>", "print names for shell completion", kNone, cmd_complete, 1,
     1, true},
};

} // namespace

std::span<const Command> commands() {
    return kCommands;
}

} // namespace fab::cli
