#!/usr/bin/env bash
# fab's daemon path with the scripted backend (build/scripted/fab-scripted-agent, a stand-in for
# claude driven by SCRIPT: directives): a tool call allowed by a rule, a follow-up in the same
# session, a denied command, a daemon SIGKILLed mid-turn, an abort. Fast (no model server).
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on any failure.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

BACKEND=scripted
P_BASH="SCRIPT:bash"
USAGE_KIND=cost
TURN_TIMEOUT=15
ABORT_TOOL=1
DENY_RULE=e2e-no-forbidden-$$
slow_prompt() { printf 'SCRIPT:say Working\nSCRIPT:sleep %s\nSCRIPT:say Slow reply done after %s s.' "$1" "$1"; }
SLOW_DONE() { echo "Slow reply done after $1 s."; }
# every turn of the agent ran in one claude-style session: the same session_id in the init
# line of each turn, and it is the agent's session_id
same_session() { claude_same_session "$1"; }

e2e_init scripted
[ -x "$FAB_BUILD/scripted/fab-scripted-agent" ] || { fail setup "$FAB_BUILD/scripted/fab-scripted-agent not built"; finish; }
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
