// Handlers of the command table, one file per command group.
#pragma once

#include "cli/command.hpp"

#include <string>
#include <vector>

namespace fab::cli {

// cmd_misc.cpp
int cmd_help(Invocation&);
int cmd_version(Invocation&);
int cmd_complete(Invocation&);
int cmd_tui(Invocation&);

// cmd_remote.cpp: runs the command in the sibling `fab-remote` (OpenSSL, libcurl)
int cmd_remote(Invocation&);
// `fab --server-url URL <words…>`: runs the command against a fab server
// (fab-remote's bridge). Returns only on failure.
int exec_remote(const std::vector<std::string>& words);

// cmd_server.cpp
int cmd_server_start(Invocation&);
int cmd_server_stop(Invocation&);
int cmd_server_restart(Invocation&);
int cmd_server_run(Invocation&);
int cmd_serve(Invocation&);
// cmd_run.cpp
int cmd_run_submit(Invocation&);
int cmd_run_list(Invocation&);
int cmd_run_show(Invocation&);
int cmd_run_cancel(Invocation&);
int cmd_run_pause(Invocation&);
int cmd_run_unpause(Invocation&);
int cmd_run_events(Invocation&);
int cmd_run_attach(Invocation&);
int cmd_run_questions(Invocation&);
int cmd_run_answer(Invocation&);
// cmd_run_file.cpp
int cmd_run_file(Invocation&);

// cmd_agent.cpp
int cmd_agent_list(Invocation&);
int cmd_agent_create(Invocation&);
int cmd_agent_send(Invocation&);
int cmd_agent_abort(Invocation&);
int cmd_agent_rm(Invocation&);
int cmd_agent_describe(Invocation&);
int cmd_agent_history(Invocation&);
// The bodies of agent send / history, for the families that name an agent
// another way (manager send <project>, agent plan send <id>).
int send_to_agent(Invocation&, const std::string& id, const std::string& text);
int print_agent_history(Invocation&, const std::string& id);

// cmd_merge.cpp
int cmd_agent_done(Invocation&);
int cmd_branch_cleanup(Invocation&);
int cmd_gc(Invocation&);
int cmd_pr_check(Invocation&);

// cmd_plan.cpp
int cmd_agent_plan(Invocation&);
int cmd_agent_plan_list(Invocation&);
int cmd_agent_plan_stop(Invocation&);
int cmd_agent_plan_send(Invocation&);
int cmd_agent_plan_history(Invocation&);
int cmd_plan_write(Invocation&);
int cmd_plan_list(Invocation&);
int cmd_plan_read(Invocation&);
int cmd_plan_tickets(Invocation&);
int cmd_plan_run(Invocation&);

// cmd_manager.cpp
int cmd_manager_start(Invocation&);
int cmd_manager_stop(Invocation&);
int cmd_manager_status(Invocation&);
int cmd_manager_clear(Invocation&);
int cmd_manager_send(Invocation&);
int cmd_manager_history(Invocation&);
int cmd_director_start(Invocation&);
int cmd_director_stop(Invocation&);
int cmd_director_status(Invocation&);
int cmd_director_clear(Invocation&);
int cmd_director_send(Invocation&);
int cmd_director_history(Invocation&);

// cmd_issue.cpp
int cmd_issue_list(Invocation&);
int cmd_issue_show(Invocation&);
int cmd_issue_ready(Invocation&);
int cmd_issue_create(Invocation&);
int cmd_issue_update(Invocation&);
int cmd_issue_close(Invocation&);
int cmd_issue_comment(Invocation&);
int cmd_issue_plan(Invocation&);
int cmd_issue_commit(Invocation&);

// cmd_orchestrator.cpp
int cmd_project_start(Invocation&);
int cmd_project_stop(Invocation&);
int cmd_agent_claim(Invocation&);
int cmd_claims(Invocation&);

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

// cmd_config.cpp
int cmd_config_import(Invocation&);

// cmd_permissions.cpp
int cmd_permissions_init(Invocation&);
int cmd_permissions_check(Invocation&);

// cmd_workflow.cpp
int cmd_workflow_validate(Invocation&);
int cmd_workflow_graph(Invocation&);

// cmd_hook.cpp
int cmd_hook(Invocation&);
// For main(): the hook when resolve_paths() failed (FAB_DIR too long, no
// HOME). A plain exit 1 would let Claude run the tool, so PreToolUse still
// prints a deny carrying `why`; the other events exit 0.
int cmd_hook_unconfigured(Invocation&, const std::string& why);

} // namespace fab::cli
