#!/usr/bin/env bash
# A project's manager with the real `codex` CLI (app-server) against
# tests/e2e/fake-model-server.mjs: codex asks fab before every command (approval policy
# "untrusted"), and a manager's commands are held to [manager] allowed-patterns (default
# `fab:*`), as a claude manager's are through the hook: a fab command runs without asking
# anyone, while any other command — even `touch` in its own directory, which codex's sandbox
# alone would have let run — is denied, never runs, and the model reads why.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
TURN_TIMEOUT=60 # a loaded CI machine starts codex slowly
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

e2e_init manager-codex
start_fake_server
use_codex
make_repo "$T/repo"
daemon_start || finish
if fab project add "$T/repo" --name web --agent-backend codex >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

# ---- start: the manager's first turn (its role prompt) ends, it waits for the user
fab manager start web --json >"$T/start.out" 2>&1
ID=$(jq -r '.agent.id // empty' <"$T/start.out" 2>/dev/null)
if [ -n "$ID" ] && [ "$(agent_json "$ID" | jq -r '.kind')" = manager ] &&
   [ "$(agent_json "$ID" | jq -r '.backend')" = codex ] &&
   wait_until $((TURN_TIMEOUT * 2)) state_is "$ID" idle; then
  ok manager-started
else
  fail manager-started "no idle codex manager (state $(agent_state "${ID:-none}"))" "$T/start.out" "$FAB_DIR/fab.log"
  finish
fi
WT=$(worktree_of "$ID")

# ---- a fab command runs, decided by the allowlist (nobody is asked)
fab agent send "$ID" 'FAKE:bash fab issue create "Filed by the codex manager" --project web' >"$T/send1.out" 2>&1
# (--slurp: jq 1.6 -e exits 0 on empty input, as when fab fails.)
filed() {
  fab issue list --project web --json 2>/dev/null |
    jq -e -s 'length == 1 and (.[0].tickets | map(.title) | index("Filed by the codex manager") != null)' >/dev/null
}
if wait_until "$TURN_TIMEOUT" filed &&
   grep -q "agent=$ID tool=Bash decision=allow rule=\"manager allowed-patterns\"" "$FAB_DIR/permissions.log"; then
  ok fab-command-allowed-by-the-allowlist
else
  fail fab-command-allowed-by-the-allowlist "no ticket, or not decided by [manager] allowed-patterns" "$(hist "$ID")" "$FAB_DIR/permissions.log"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# ---- anything else is denied, never runs, and the model reads why
fab agent send "$ID" "FAKE:bash touch manager-was-here.txt" >"$T/send2.out" 2>&1
if wait_until "$TURN_TIMEOUT" text_seen "$ID" "may only run commands matching [manager] allowed-patterns" &&
   [ -n "$WT" ] && [ ! -e "$WT/manager-was-here.txt" ] &&
   grep -q "agent=$ID tool=Bash decision=deny rule=\"manager allowed-patterns\"" "$FAB_DIR/permissions.log"; then
  ok other-command-denied
else
  fail other-command-denied "the touch ran, or the model did not read the allowlist's reason" "$(hist "$ID")" "$FAB_DIR/permissions.log"
fi

fab manager stop web >/dev/null 2>&1
wait_until 30 state_is "$ID" aborted done idle failed
finish
