// Handlers of the command table, one file per command group.
#pragma once

#include "cli/command.hpp"

namespace fab::cli {

// cmd_misc.cpp
int cmd_help(Invocation&);
int cmd_version(Invocation&);
int cmd_complete(Invocation&);
int cmd_tui(Invocation&);

// cmd_server.cpp
int cmd_server_start(Invocation&);
int cmd_server_stop(Invocation&);
int cmd_server_restart(Invocation&);
int cmd_server_run(Invocation&);

// cmd_agent.cpp
int cmd_agent_list(Invocation&);
int cmd_agent_create(Invocation&);
int cmd_agent_send(Invocation&);
int cmd_agent_abort(Invocation&);
int cmd_agent_describe(Invocation&);
int cmd_agent_history(Invocation&);

// cmd_permission.cpp
int cmd_permission_list(Invocation&);
int cmd_permission_allow(Invocation&);
int cmd_permission_deny(Invocation&);
int cmd_question_list(Invocation&);
int cmd_question_answer(Invocation&);

// cmd_attach.cpp
int cmd_attach(Invocation&);

// cmd_status.cpp
int cmd_status(Invocation&);

// cmd_project.cpp
int cmd_project_add(Invocation&);
int cmd_project_list(Invocation&);
int cmd_project_remove(Invocation&);
int cmd_project_config_show(Invocation&);
int cmd_project_config_get(Invocation&);
int cmd_project_config_set(Invocation&);

// cmd_permissions.cpp
int cmd_permissions_init(Invocation&);
int cmd_permissions_check(Invocation&);

// cmd_hook.cpp
int cmd_hook(Invocation&);
// For main(): the hook when resolve_paths() failed (FAB_DIR too long, no
// HOME). A plain exit 1 would let Claude run the tool, so PreToolUse still
// prints a deny carrying `why`; the other events exit 0.
int cmd_hook_unconfigured(Invocation&, const std::string& why);

} // namespace fab::cli
