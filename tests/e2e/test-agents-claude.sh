#!/usr/bin/env bash
# fab with the real `claude` CLI against tests/e2e/fake-model-server.mjs: a tool call allowed by
# a rule (hook), a follow-up in the same session, a command denied by a rule (the model hears
# why), the daemon SIGKILLed mid-turn (twice), an abort during a slow answer and during a
# long-running Bash tool. Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

BACKEND=claude
P_BASH="FAKE:bash"
USAGE_KIND=cost
TURN_TIMEOUT=30
ABORT_TOOL=1
DENY_RULE=e2e-no-forbidden-$$
slow_prompt() { echo "FAKE:slow $1"; }
SLOW_DONE() { echo "Slow reply done after $1 s."; }
same_session() { claude_same_session "$1"; }

e2e_init claude
start_fake_server
use_claude
make_repo "$T/repo"
deny_rule "$DENY_RULE" 'touch forbidden.txt'
allow_rule e2e-touch 'touch:*'
allow_rule e2e-sleep 'sleep:*'
daemon_start || finish
if fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

flow_tool_and_followup
flow_cli_crash_resume
flow_deny
flow_daemon_crash
flow_abort
finish
