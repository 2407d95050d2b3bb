#!/usr/bin/env bash
# fab with the real `codex` CLI against tests/e2e/fake-model-server.mjs: a shell tool call,
# a follow-up that resumes the same thread (`codex exec resume`), the daemon SIGKILLed mid-turn
# (twice), an abort during a slow answer and during a long-running command. No deny check:
# codex has no hooks, fab's rules cannot reach it. Prints ok/FAIL/skip lines, then
# `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

BACKEND=codex
P_BASH="FAKE:bash"
USAGE_KIND=tokens
TURN_TIMEOUT=30
ABORT_TOOL=1
slow_prompt() { echo "FAKE:slow $1"; }
SLOW_DONE() { echo "Slow reply done after $1 s."; }

# Watch the host's children from before the follow-up, to see the second CLI's argv.
before_followup() {
  local h; h=$(host_pid_of "$1")
  : >"$T/argv.$1"
  [ -n "$h" ] && watch_children "$h" "$T/argv.$1"
}
# every turn ran in one codex thread: the same thread_id in each thread.started (the agent's
# session_id), one rollout file in CODEX_HOME, and the follow-up was `codex exec resume <thread>`.
same_session() {
  local ids n sid rollouts
  ids=$(jq -r 'select(.src == "out") | .data | fromjson? | select(.type == "thread.started") | .thread_id // "none"' \
          "$FAB_DIR/agents/$1/transcript.jsonl" 2>/dev/null)
  n=$(echo "$ids" | grep -c .)
  sid=$(agent_json "$1" | jq -r '.session_id // empty')
  rollouts=$(find "$CODEX_HOME/sessions" -name "rollout-*$(echo "$ids" | head -1).jsonl" 2>/dev/null | wc -l)
  if [ "$n" -lt 2 ]; then echo "expected a thread.started per turn, found $n"; return 1; fi
  if [ "$(echo "$ids" | sort -u | wc -l)" != 1 ]; then echo "the turns ran in different threads: $(echo $ids)"; return 1; fi
  if [ "$(echo "$ids" | head -1)" != "$sid" ]; then echo "thread $(echo "$ids" | head -1) is not the agent's session_id '$sid'"; return 1; fi
  if [ "$rollouts" != 1 ]; then echo "expected one rollout file for the thread, found $rollouts"; return 1; fi
  [ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null
  if ! grep -Eq " exec( .*)? resume( .*)? $sid( |$)" "$T/argv.$1" 2>/dev/null; then
    echo "the follow-up was not 'codex exec resume … $sid'; host children seen: $(cat "$T/argv.$1" 2>/dev/null | cut -c1-300)"
    return 1
  fi
}

e2e_init codex
start_fake_server
use_codex
make_repo "$T/repo"
allow_rule e2e-touch 'touch:*'
daemon_start || finish
if fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

flow_tool_and_followup
flow_cli_crash_resume
skip codex-deny "codex has no hooks: fab's permission rules cannot stop its commands"
flow_daemon_crash
flow_abort
finish
