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

// cmd_status.cpp
int cmd_status(Invocation&);

// cmd_project.cpp
int cmd_project_add(Invocation&);
int cmd_project_list(Invocation&);
int cmd_project_remove(Invocation&);
int cmd_project_config_show(Invocation&);
int cmd_project_config_get(Invocation&);
int cmd_project_config_set(Invocation&);

} // namespace fab::cli
