#!/usr/bin/env bash
# fab's daemon path with the scripted backend (build/scripted/fab-scripted-agent, a stand-in for
# claude driven by SCRIPT: directives): a tool call allowed by a rule, a follow-up in the same
# session, a denied command, a daemon SIGKILLed mid-turn, an abort. Fast (no model server).
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on any failure.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

# Defaults of lib/flows.sh: USAGE_KIND=cost, ABORT_TOOL=1, DENY_RULE, SLOW_DONE, and
# same_session: every turn ran in one claude-style session (the same session_id in the init
# line of each turn, the agent's).
BACKEND=scripted
P_BASH="SCRIPT:bash"
TURN_TIMEOUT=15
slow_prompt() { printf 'SCRIPT:say Working\nSCRIPT:sleep %s\nSCRIPT:say Slow reply done after %s s.' "$1" "$1"; }

e2e_init scripted
[ -x "$FAB_BUILD/scripted/fab-scripted-agent" ] || { fail setup "$FAB_BUILD/scripted/fab-scripted-agent not built"; finish; }
flows_setup
run_flows
