#!/usr/bin/env bash
# A project's manager with the real `claude` CLI against tests/e2e/fake-model-server.mjs: its
# Bash is held to [manager] allowed-patterns (default `fab:*`), so a fab command runs without
# asking anyone while any other command is denied with a reason the model reads and never runs;
# the manager outlives a daemon restart (same agent, same claude session); stop + start resumes
# that session; `clear` starts a fresh one.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
TURN_TIMEOUT=60 # a loaded CI machine starts node slowly
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

e2e_init manager-claude
start_fake_server
use_claude
make_repo "$T/repo"
daemon_start || finish
if fab project add "$T/repo" --name web >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

# tool_result_has ID TEXT: a tool result of ID contains TEXT.
tool_result_has() {
  local f; f=$(hist "$1")
  has_entry "$f" ".kind == \"tool_result\" and ((.text // \"\") | contains(\"$2\"))"
}
manager_json() { fab manager status web --json 2>/dev/null; }

# ---- start: the manager's first turn (its role prompt) ends, it waits for the user
fab manager start web --json >"$T/start.out" 2>&1
ID=$(jq -r '.agent.id // empty' <"$T/start.out" 2>/dev/null)
if [ -n "$ID" ] && [ "$(agent_json "$ID" | jq -r '.kind')" = manager ] &&
   [ "$(agent_json "$ID" | jq -r '.backend')" = claude ] &&
   wait_until $((TURN_TIMEOUT * 2)) state_is "$ID" idle; then
  ok manager-started
else
  fail manager-started "no idle claude manager (state $(agent_state "${ID:-none}"))" "$T/start.out" "$FAB_DIR/fab.log"
  finish
fi
SESSION=$(agent_json "$ID" | jq -r '.session_id // empty')

# ---- a fab command runs, decided by the allowlist (nobody is asked)
fab agent send "$ID" 'FAKE:bash fab issue create "Filed by the manager" --project web' >"$T/send1.out" 2>&1
# (jq 1.6 -e exits 0 on empty input: check that there is some.)
filed() {
  local out
  out=$(fab issue list --project web --json 2>/dev/null) && [ -n "$out" ] &&
    jq -e '.tickets | map(.title) | index("Filed by the manager") != null' <<<"$out" >/dev/null
}
if wait_until "$TURN_TIMEOUT" filed; then ok fab-command-runs
else fail fab-command-runs "no ticket from the manager's fab command" "$(hist "$ID")" "$FAB_DIR/permissions.log"; fi
if grep -q "manager allowed-patterns" "$FAB_DIR/permissions.log" 2>/dev/null &&
   [ -z "$(fab permission list --json 2>/dev/null | jq -r '.requests[]?.id')" ]; then
  ok allowed-by-the-allowlist
else
  fail allowed-by-the-allowlist "not decided by [manager] allowed-patterns" "$FAB_DIR/permissions.log"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# ---- anything else is denied, never runs, and the model reads why
fab agent send "$ID" "FAKE:bash touch $T/outside.txt" >"$T/send2.out" 2>&1
if wait_until "$TURN_TIMEOUT" tool_result_has "$ID" "may only run commands matching [manager] allowed-patterns" &&
   [ ! -e "$T/outside.txt" ]; then
  ok other-command-denied
else
  fail other-command-denied "the command ran or the model was not told" "$(hist "$ID")" "$FAB_DIR/permissions.log"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# ---- a daemon restart: the same manager, the same claude session, history kept
fab server restart >"$T/restart.out" 2>&1
if [ "$(manager_json | jq -r '.agent.id // empty')" = "$ID" ] && tool_result_has "$ID" "allowed-patterns"; then
  ok same-manager-after-restart
else
  fail same-manager-after-restart "" "$T/restart.out" "$FAB_DIR/fab.log"
fi
fab agent send "$ID" 'FAKE:bash fab issue list --project web' >"$T/send3.out" 2>&1
if wait_until "$TURN_TIMEOUT" tool_result_has "$ID" "Filed by the manager" &&
   wait_until "$TURN_TIMEOUT" state_is "$ID" idle && why=$(claude_same_session "$ID"); then
  ok same-session-after-restart
else
  fail same-session-after-restart "${why:-no answer after the restart}" "$(hist "$ID")"
fi

# ---- stop + start: the session is resumed
fab manager stop web >"$T/stop.out" 2>&1
wait_until 30 state_is "$ID" aborted
fab manager start web --json >"$T/start2.out" 2>&1
if [ "$(jq -r '.resumed' <"$T/start2.out" 2>/dev/null)" = true ] &&
   [ "$(jq -r '.agent.session_id' <"$T/start2.out")" = "$SESSION" ]; then
  ok stop-start-resumes-the-session
else
  fail stop-start-resumes-the-session "" "$T/start2.out"
fi
ID2=$(jq -r '.agent.id // empty' <"$T/start2.out" 2>/dev/null)
wait_until $((TURN_TIMEOUT * 2)) state_is "$ID2" idle

# ---- clear: a fresh session
fab manager clear web --json >"$T/clear.out" 2>&1
FRESH=$(jq -r '.agent.session_id // empty' <"$T/clear.out" 2>/dev/null)
if [ -n "$FRESH" ] && [ "$FRESH" != "$SESSION" ] && [ "$(jq -r '.previous' <"$T/clear.out")" = "$ID2" ]; then
  ok clear-starts-fresh
else
  fail clear-starts-fresh "" "$T/clear.out"
fi
fab manager stop web >/dev/null 2>&1
finish
