// The command table. Adding a command: one entry here, one handler, a man
// page section and the completions (tests/docs fails until all agree).
#include "cli/command.hpp"
#include "cli/handlers.hpp"
#include "cli/tui_flags.hpp"

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
    {"http", 0, "[HOST:]PORT",
     "also serve the HTTP API there (loopback only; e.g. 127.0.0.1:3000)"},
    {"max-concurrent-runs", 0, "N", "runs active at once, 1-1000 (default: [server] or 5)"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kServe[] = {
    {"http", 0, "[HOST:]PORT", "where the HTTP API listens (default: 127.0.0.1:3000)"},
    {"max-concurrent-runs", 0, "N", "runs active at once, 1-1000 (default: [server] or 5)"},
    {"log-level", 0, "LEVEL", "debug, info, warn or error (default: info)"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRunSubmit[] = {
    {"project", 'p', "NAME", "the project the run works on (required)"},
    {"workflow", 0, "NAME", "task (default) or a workflow's name (.fab/workflows/, config)"},
    {"backend", 0, "BACKEND", "claude, codex or scripted (default: the project's)"},
    {"model", 0, "MODEL", "the model the agent runs (default: the project's)"},
    {"wait", 'w', nullptr,
     "wait until the run has succeeded or failed; exit 1 unless it succeeded"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRunList[] = {
    {"status", 0, "STATUS", "only runs in these statuses (comma-separated)"},
    {"project", 'p', "NAME", "only runs of this project"},
    {"limit", 0, "N", "at most N runs, 1-100 (default: 20)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRunEvents[] = {
    {"since", 0, "SEQ", "only events after this sequence number"},
    {"json", 0, nullptr, "print machine-readable JSON, one event per line"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRunAttach[] = {
    {"since", 0, "SEQ",
     "start after this sequence number (resume where a previous attach stopped)"},
    {"json", 0, nullptr, "print machine-readable JSON, one event per line"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRunAnswer[] = {
    {"option", 0, "KEY", "choose this option (multiple_choice, yes_no, confirmation)"},
    {"options", 0, "KEYS", "choose these options, comma-separated (multi_select)"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRunFile[] = {
    {"project", 'p', "NAME", "the project the run works on (default: the daemon's only one)"},
    {"goal", 'g', "TEXT", "the goal (default: the workflow's goal attribute)"},
    {"input", 'i', "KEY=VALUE", "a value for {{ inputs.KEY }} (repeatable)"},
    {"backend", 0, "BACKEND",
     "claude, codex or scripted (default: the stage's, else the project's)"},
    {"model", 0, "MODEL", "the model of agent stages without one"},
    {"detach", 'd', nullptr, "queue the run and return at once (print its id)"},
    {"json", 0, nullptr, "follow with one JSON event per line"},
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
    {"force", 'f', nullptr, "stop its agents, save unmerged work in $FAB_DIR/attic, then delete"},
    {"keep-files", 0, nullptr, "unregister only; keep $FAB_DIR/projects/NAME"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Flag kPermissionsInit[] = {
    {"force", 'f', nullptr, "replace an existing global permissions.ini"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kConfigImport[] = {
    {"force", 'f', nullptr, "merge into existing config.ini / permissions.ini (comments kept)"},
    {"dry-run", 'n', nullptr, "print what would be written, write nothing"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kWorkflowGraph[] = {
    {"svg", 0, nullptr, "print SVG laid out by Graphviz instead of text"},
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
    {"model", 0, "MODEL", "the model the CLI uses (default: the project's coding-model or model)"},
    {"prompt", 0, "TEXT", "the first message to the agent"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAgentAbort[] = {
    {"force", 'f', nullptr, "kill the agent's process tree at once instead of interrupting it"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAgentRm[] = {
    {"force", 'f', nullptr,
     "save uncommitted or unmerged work in $FAB_DIR/attic, then remove (default: refuse)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kGc[] = {
    {"dry-run", 'n', nullptr, "list what would be reclaimed, remove nothing"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kBranchCleanup[] = {
    {"project", 0, "NAME", "only this project's branches"},
    {"dry-run", 'n', nullptr, "print what would be removed, remove nothing"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAgentPlan[] = {
    {"project", 0, "NAME", "the project to plan for (default: $FAB_PROJECT)"},
    {"backend", 0, "BACKEND", "claude, codex or scripted (default: the project's planner-backend)"},
    {"model", 0, "MODEL", "the model the CLI uses (default: the project's planner-model or model)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kPlanList[] = {
    {"project", 0, "NAME", "only plans of this project"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kPlanWrite[] = {
    {"title", 0, "TEXT", "the plan's title (default: its first heading)"},
    {"project", 0, "NAME", "the project, when not run inside a fab agent"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kPlanTickets[] = {
    {"project", 0, "NAME", "the project whose tickets get them (default: the plan's project)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kPlanRun[] = {
    {"project", 0, "NAME", "the project to work in (default: the plan's project)"},
    {"backend", 0, "BACKEND", "claude, codex or scripted (default: the project's coding-backend)"},
    {"model", 0, "MODEL", "the model the CLI uses (default: the project's coding-model or model)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kRoleStart[] = {
    {"model", 0, "MODEL", "the model for a new session (default: the config's model)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kProjectStartStop[] = {
    {"all", 'a', nullptr, "every registered project"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kClaims[] = {
    {"project", 0, "NAME", "only this project's claims"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kAttach[] = {
    {"agent", 0, "ID", "only this agent"},
    {"since", 0, "OFFSET",
     "first replay each agent's records from this transcript offset (0: from the start)"},
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

constexpr Flag kIssueList[] = {
    {"status", 0, "S", "only tickets with this status: open, in_progress, closed or blocked"},
    {"project", 0, "NAME", "the project (default: $FAB_PROJECT, the agent's, or the only one)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kIssue[] = {
    {"project", 0, "NAME", "the project (default: $FAB_PROJECT, the agent's, or the only one)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kIssueCreate[] = {
    {"type", 0, "T", "task, bug, feature, chore or epic (default: task)"},
    {"priority", 0, "N", "0 (highest), 1 or 2 (default: 2)"},
    {"deps", 0, "IDS", "comma-separated tickets that must be closed first"},
    {"parent", 0, "ID", "the parent ticket (an epic)"},
    {"labels", 0, "LIST", "comma-separated labels"},
    {"description", 0, "TEXT", "the ticket's description (- reads stdin)"},
    {"project", 0, "NAME", "the project (default: $FAB_PROJECT, the agent's, or the only one)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kIssueUpdate[] = {
    {"status", 0, "S", "open, in_progress, closed or blocked"},
    {"title", 0, "TEXT", "a new title"},
    {"type", 0, "T", "task, bug, feature, chore or epic"},
    {"priority", 0, "N", "0 (highest), 1 or 2"},
    {"deps", 0, "IDS", "comma-separated tickets that must be closed first (replaces the list)"},
    {"parent", 0, "ID", "the parent ticket (an epic)"},
    {"labels", 0, "LIST", "comma-separated labels (replaces the list)"},
    {"description", 0, "TEXT",
     "a new description; the Plan and Notes sections stay (- reads stdin)"},
    {"project", 0, "NAME", "the project (default: $FAB_PROJECT, the agent's, or the only one)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kIssueBody[] = {
    {"body", 0, "TEXT", "the text (- reads stdin)"},
    {"project", 0, "NAME", "the project (default: $FAB_PROJECT, the agent's, or the only one)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kIssueCommit[] = {
    {"message", 0, "M", "the commit message (default: \"tickets: update\")"},
    {"project", 0, "NAME", "the project (default: $FAB_PROJECT, the agent's, or the only one)"},
    {"json", 0, nullptr, "print machine-readable JSON"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Flag kTokenKeygen[] = {
    {"dir", 0, "DIR", "where to write the key pair (default: fab's config directory)"},
    {"force", 0, nullptr, "replace an existing pair (the old files are kept as *.old)"},
    {"help", 'h', nullptr, "show help for this command"},
};
constexpr Flag kTokenIssue[] = {
    {"sub", 0, "NAME", "the subject: a user in the server's allowed-users (required)"},
    {"ttl", 0, "TIME", "how long the token is valid: 90s, 15m, 1h, 7d (default: 1h)"},
    {"key", 0, "PATH", "the private key (default: jwt-ed25519.pem in fab's config directory)"},
    {"issuer", 0, "ISS", "the iss claim; must match the server's jwt-issuer (default: fab)"},
    {"help", 'h', nullptr, "show help for this command"},
};

constexpr Command kCommands[] = {
    {"help", "[command...]", "show help for fab or for a command", kNone, cmd_help, 0, -1},
    {"version", "", "print the versions of fab and of the running daemon", kJson, cmd_version},
    {"status", "", "show the daemon, projects, agents, usage and recent work", kStatus, cmd_status},
    {"tui", "", "open the terminal interface", kTuiFlags, cmd_tui},

    {"server start", "", "start the daemon in the background", kServerStart, cmd_server_start},
    {"server stop", "", "stop the daemon gracefully", kNone, cmd_server_stop},
    {"server restart", "", "stop the daemon, then start it again", kServerStart,
     cmd_server_restart},
    {"server run", "", "run the daemon in the foreground (for systemd and debugging)", kServerStart,
     cmd_server_run},
    {"serve", "", "run the daemon in the foreground with the HTTP API (server run --http)", kServe,
     cmd_serve},

    {"run", "<file>",
     "run a workflow (DOT file) on the daemon and follow it; exit status = its outcome", kRunFile,
     cmd_run_file, 1, 1},
    {"run submit", "<goal...>", "queue a run: a goal for a project, carried out by an agent",
     kRunSubmit, cmd_run_submit, 1, -1},
    {"run list", "", "list runs, newest first", kRunList, cmd_run_list},
    {"run show", "<id>", "show one run", kJson, cmd_run_show, 1, 1},
    {"run cancel", "<id>", "cancel a run (its agent is stopped)", kJson, cmd_run_cancel, 1, 1},
    {"run pause", "<id>", "pause a run at its next turn boundary", kJson, cmd_run_pause, 1, 1},
    {"run unpause", "<id>", "resume a paused run", kJson, cmd_run_unpause, 1, 1},
    {"run events", "<id>", "print a run's events", kRunEvents, cmd_run_events, 1, 1},
    {"run attach", "<id>", "follow a run's events until it ends", kRunAttach, cmd_run_attach, 1, 1},
    {"run questions", "<id>", "list the questions a run waits on", kJson, cmd_run_questions, 1, 1},
    {"run answer", "<id> <question> [answer...]", "answer a run's question", kRunAnswer,
     cmd_run_answer, 2, -1},

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
    {"project start", "[name]",
     "start the project's orchestrator: agents for ready tickets, up to max-agents",
     kProjectStartStop, cmd_project_start, 0, 1},
    {"project stop", "[name]", "stop starting agents for the project (running agents go on)",
     kProjectStartStop, cmd_project_stop, 0, 1},

    {"token keygen", "", "write an Ed25519 key pair for signing the server's JWTs", kTokenKeygen,
     cmd_remote},
    {"token issue", "", "print a JWT for a user of the HTTP server, signed with the private key",
     kTokenIssue, cmd_remote},

    {"config import", "[path]",
     "turn the Go fab's config.toml and permissions.toml into config.ini and permissions.ini",
     kConfigImport, cmd_config_import, 0, 1},

    {"permissions init", "", "install the default rules as the global permissions.ini",
     kPermissionsInit, cmd_permissions_init},
    {"permissions check", "<tool> <input-json>", "show which rule decides a tool call, and why",
     kPermissionsCheck, cmd_permissions_check, 2, 2},
    {"workflow validate", "<file>...", "check workflow files; each error names file:line", kNone,
     cmd_workflow_validate, 1, -1},
    {"workflow graph", "<file>", "print a workflow's stages and edges as text, or as SVG",
     kWorkflowGraph, cmd_workflow_graph, 1, 1},
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
    {"agent rm", "<id>...",
     "remove ended agents: worktree, branch, transcript and record (refuses to lose work)",
     kAgentRm, cmd_agent_rm, 1, -1},
    {"agent describe", "<text...>", "set what this agent is doing (from inside an agent)", kNone,
     cmd_agent_describe, 1, -1},
    {"agent history", "<id>", "print everything an agent said and did", kJson, cmd_agent_history, 1,
     1},
    {"agent claim", "<ticket-id>",
     "take a ticket so no other agent works on it (from inside an agent)", kNone, cmd_agent_claim,
     1, 1},
    {"claims", "", "list the tickets agents hold", kClaims, cmd_claims},
    {"agent done", "",
     "merge this agent's branch into main and end the agent (from inside an agent)", kJson,
     cmd_agent_done},
    {"branch cleanup", "", "remove fab/ branches already merged into main whose agent has ended",
     kBranchCleanup, cmd_branch_cleanup},
    {"pr check", "[agent-id]",
     "poll agents' pull requests now: merged ends the agent, review comments reach it", kJson,
     cmd_pr_check, 0, 1},
    {"gc", "",
     "reclaim disk: agents past agent-retention, orphaned transcripts and worktrees, merged "
     "branches",
     kGc, cmd_gc},
    {"attach", "[project...]", "follow the output of every agent live", kAttach, cmd_attach, 0, -1},

    {"issue list", "", "list the project's tickets (.tickets/ in its repository)", kIssueList,
     cmd_issue_list},
    {"issue show", "<id>", "print a ticket with its description, plan and notes", kIssue,
     cmd_issue_show, 1, 1},
    {"issue ready", "", "list tickets ready for work: open, dependencies closed, not claimed",
     kIssue, cmd_issue_ready},
    {"issue create", "<title...>", "create a ticket and print its id", kIssueCreate,
     cmd_issue_create, 1, -1},
    {"issue update", "<id>", "change a ticket's fields (other keys and text are kept)",
     kIssueUpdate, cmd_issue_update, 1, 1},
    {"issue close", "<id>", "mark a ticket closed", kIssue, cmd_issue_close, 1, 1},
    {"issue comment", "<id>", "add a dated note to a ticket", kIssueBody, cmd_issue_comment, 1, 1},
    {"issue plan", "<id>", "set a ticket's Plan section (replaced when it exists)", kIssueBody,
     cmd_issue_plan, 1, 1},
    {"issue commit", "", "commit ticket changes (and push them to origin from the project's clone)",
     kIssueCommit, cmd_issue_commit},

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

    {"agent plan", "<prompt...>", "start a planner: an agent in plan mode that writes a plan",
     kAgentPlan, cmd_agent_plan, 1, -1},
    {"agent plan list", "", "list planner agents", kAgentList, cmd_agent_plan_list},
    {"agent plan stop", "<id>", "stop a planner", kAgentAbort, cmd_agent_plan_stop, 1, 1},
    {"agent plan send", "<id> <text...>",
     "send a message to a planner (resumes a failed planner's session)", kNone, cmd_agent_plan_send,
     2, -1},
    {"agent plan history", "<id>", "print everything a planner said and did", kJson,
     cmd_agent_plan_history, 1, 1},
    {"plan write", "", "store the plan on stdin (from inside an agent: as its plan)", kPlanWrite,
     cmd_plan_write},
    {"plan list", "", "list stored plans, newest first", kPlanList, cmd_plan_list},
    {"plan read", "<id>", "print a stored plan", kJson, cmd_plan_read, 1, 1},
    {"plan tickets", "<id>",
     "turn a stored plan into tickets: an epic, and one ticket per top-level step", kPlanTickets,
     cmd_plan_tickets, 1, 1},
    {"plan run", "<id>", "start a task agent that carries out a stored plan", kPlanRun,
     cmd_plan_run, 1, 1},
    {"manager start", "<project>",
     "start the project's manager agent (or return the running one; resumes its session)",
     kRoleStart, cmd_manager_start, 1, 1},
    {"manager stop", "<project>", "stop the project's manager agent", kNone, cmd_manager_stop, 1,
     1},
    {"manager status", "<project>", "show the project's manager agent", kJson, cmd_manager_status,
     1, 1},
    {"manager clear", "<project>", "stop the manager and start it with a fresh session", kRoleStart,
     cmd_manager_clear, 1, 1},
    {"manager send", "<project> <text...>",
     "send a message to the project's manager agent (resumes its session)", kNone, cmd_manager_send,
     2, -1},
    {"manager history", "<project>", "print everything the project's manager said and did", kJson,
     cmd_manager_history, 1, 1},
    {"director start", "",
     "start the director agent (or return the running one; resumes its session)", kRoleStart,
     cmd_director_start},
    {"director stop", "", "stop the director agent", kNone, cmd_director_stop},
    {"director status", "", "show the director agent", kJson, cmd_director_status},
    {"director clear", "", "stop the director and start it with a fresh session", kRoleStart,
     cmd_director_clear},
    {"director send", "<text...>", "send a message to the director agent (resumes its session)",
     kNone, cmd_director_send, 1, -1},
    {"director history", "", "print everything the director said and did", kJson,
     cmd_director_history},

    {"__complete", "<projects|agents>", "print names for shell completion", kNone, cmd_complete, 1,
     1, true},
};

} // namespace

std::span<const Command> commands() {
    return kCommands;
}

} // namespace fab::cli
