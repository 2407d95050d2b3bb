# shellcheck shell=bash
# Shared setup for the e2e tests of fab (tests/e2e/test-*.sh). Source it, don't run it.
#
#   . "$(dirname "$0")/lib/common.sh"
#   e2e_init NAME                 temp dirs, isolated HOME/FAB_DIR/…, cleanup trap, counters
#   start_fake_server             tests/e2e/fake-model-server.mjs on a free port → $PORT
#   use_claude / use_codex        the env the daemon (and so its agents) needs for that CLI
#   make_repo DIR                 a git repository with one commit
#   daemon_start / daemon_stop / daemon_kill9
#   allow_rule NAME PATTERN / deny_rule NAME PATTERN   → $FAB_DIR/config/permissions.ini
#   wait_until TIMEOUT CMD...     poll CMD every 0.1 s until it succeeds (1 on timeout)
#   ok NAME / fail NAME WHY [FILE...]   counters; fail shows the tail of each FILE
#   finish                        prints `N passed, N failed`, exits 1 on any failure
#
# Everything lives under one temp dir ($T, short: host socket paths must stay < 108 bytes).
# The cleanup trap stops the daemon, SIGKILLs every process whose environment holds this
# test's FAB_DIR (agent hosts and CLIs outlive the daemon by design), stops the fake server
# and removes $T (kept with FAB_E2E_KEEP=1).
#
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin),
#      FAB_E2E_KEEP=1 to keep the temp dir, FAB_E2E_VERBOSE=1 to echo each step.

set -u

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
E2E_REPO=$(cd "$E2E_HERE/../.." && pwd)
FAB_BUILD=${FAB_BUILD:-$E2E_REPO/build}
FAB_NPM_BIN=${FAB_NPM_BIN:-$E2E_REPO/.deps/npm/node_modules/.bin}
FAB_BUILD=$(cd "$FAB_BUILD" 2>/dev/null && pwd || echo "$FAB_BUILD")
FAB_NPM_BIN=$(cd "$FAB_NPM_BIN" 2>/dev/null && pwd || echo "$FAB_NPM_BIN")
E2E_KEEP=${FAB_E2E_KEEP:-0}
E2E_VERBOSE=${FAB_E2E_VERBOSE:-0}

# Nothing from the caller's setup may leak in: model keys, a parent Claude Code/Codex session,
# or the caller's own fab (FAB_DIR, FAB_AGENT_ID, FAB_SOCKET_PATH…).
for _v in $(env | sed -n 's/^\(ANTHROPIC_[A-Za-z0-9_]*\|CLAUDE[A-Za-z0-9_]*\|CODEX_[A-Za-z0-9_]*\|OPENAI_[A-Za-z0-9_]*\|FAB_[A-Za-z0-9_]*\)=.*/\1/p'); do
  case $_v in FAB_BUILD|FAB_NPM_BIN|FAB_E2E_*) ;; *) unset "$_v" ;; esac
done
unset _v

PASS=0 FAIL=0
T='' SERVER_PID='' PORT=''
E2E_NAME=e2e

log() { [ "$E2E_VERBOSE" = 1 ] && echo "# [$E2E_NAME ${SECONDS}s] $*" >&2; return 0; }
ok() { echo "ok $1"; PASS=$((PASS + 1)); }
# fail NAME WHY [FILE...]: the tail of each FILE is shown under the line.
fail() {
  local name=$1 why=${2:-}; shift 2 2>/dev/null || shift $#
  echo "FAIL $name${why:+: $why}"; FAIL=$((FAIL + 1))
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    echo "    --- $f (tail)"
    # A transcript record shows its time and source before its (cut) data.
    tail -n 12 "$f" | jq -Rr 'fromjson? // . | if type == "object" and has("data")
        then "\(.ts) \(.src) \(.data | tostring)" else tostring end' 2>/dev/null |
      cut -c1-300 | sed 's/^/    | /'
  done
}
skip() { echo "skip $1${2:+: $2}"; }

finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ] && exit 0
  exit 1
}

# wait_until TIMEOUT CMD...: runs CMD every 0.1 s until it succeeds; 1 after TIMEOUT seconds.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout)) n=0
  # SECONDS has a 1 s granularity: count iterations too, so that a short timeout is honoured.
  local max=$((timeout * 10 + 1))
  while :; do
    "$@" && return 0
    n=$((n + 1))
    [ "$n" -ge "$max" ] && return 1
    [ "$SECONDS" -gt "$deadline" ] && return 1
    sleep 0.1
  done
}

# ---------- processes of this test ----------
# pids whose environment holds FAB_DIR=<this test's FAB_DIR>; bash builtins only (no children
# of ours show up half-way through the scan), never this shell.
fab_pids() {
  local p pid kv
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] && continue
    [ "$pid" = "${BASHPID:-$$}" ] && continue
    [ -r "$p/environ" ] || continue
    while IFS= read -r -d '' kv; do
      if [ "$kv" = "FAB_DIR=$FAB_DIR" ]; then echo "$pid"; break; fi
    done 2>/dev/null <"$p/environ"
  done
}

# pids whose environment holds FAB_AGENT_ID=<id> (and this FAB_DIR), their command lines in
# $T/procs.<id> for messages.
agent_pids() {
  local id=$1 p pid kv mine agent
  : >"$T/procs.$id"
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] && continue
    [ -r "$p/environ" ] || continue
    mine=0 agent=0
    while IFS= read -r -d '' kv; do
      [ "$kv" = "FAB_DIR=$FAB_DIR" ] && mine=1
      [ "$kv" = "FAB_AGENT_ID=$id" ] && agent=1
    done 2>/dev/null <"$p/environ"
    if [ "$mine$agent" = 11 ]; then
      echo "$pid"
      { printf '%s ' "$pid"; tr '\0' ' ' 2>/dev/null <"$p/cmdline"; echo; } >>"$T/procs.$id"
    fi
  done
}
no_agent_pids() { [ -z "$(agent_pids "$1")" ]; }

e2e_cleanup() {
  local rc=$?
  set +e
  exec 7>&- 2>/dev/null                 # the fake server exits when its stdin closes
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ -n "${FAB_DIR:-}" ]; then
    if [ -S "$FAB_DIR/fab.sock" ]; then timeout 10 "$FAB" server stop >/dev/null 2>&1; fi
    local pids _
    for _ in 1 2 3 4 5; do
      pids=$(fab_pids)
      [ -z "$pids" ] && break
      log "cleanup: killing $(echo $pids)"
      kill -9 $pids 2>/dev/null
      sleep 0.2
    done
  fi
  if [ -n "$T" ] && [ -d "$T" ]; then
    if [ "$E2E_KEEP" = 1 ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
  fi
  exit $rc
}

# e2e_init NAME: temp dirs and an isolated environment; installs the cleanup trap.
e2e_init() {
  E2E_NAME=$1
  local b
  for b in "$FAB_BUILD/fab" "$FAB_BUILD/fabd"; do
    [ -x "$b" ] || { echo "FAIL setup: $b not found (set FAB_BUILD)"; echo "0 passed, 1 failed"; exit 1; }
  done
  T=$(mktemp -d /tmp/fabe-XXXXXX)
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  export FAB_DIR=$T/fab HOME=$T/home XDG_CONFIG_HOME=$T/home/.config
  export PATH=$FAB_BUILD:$FAB_BUILD/scripted:$FAB_NPM_BIN:$PATH
  export GIT_AUTHOR_NAME=fab-e2e GIT_AUTHOR_EMAIL=e2e@fab.invalid
  export GIT_COMMITTER_NAME=fab-e2e GIT_COMMITTER_EMAIL=e2e@fab.invalid
  mkdir -p "$HOME" "$XDG_CONFIG_HOME"
  FAB=$FAB_BUILD/fab
  log "temp dir $T"
}

fab() { "$FAB" "$@"; }

# ---------- fake model server ----------
. "$E2E_HERE/lib/fake-server.sh"
start_fake_server() {
  if ! fake_server_start "$T"; then
    echo "FAIL setup: fake model server did not start"; cat "$T/server.err"
    FAIL=$((FAIL + 1)); finish
  fi
  log "fake model server on port $PORT"
}

# The env the daemon hands down to claude agents.
use_claude() {
  [ -x "$FAB_NPM_BIN/claude" ] || { echo "FAIL setup: $FAB_NPM_BIN/claude not found (set FAB_NPM_BIN)"; FAIL=$((FAIL + 1)); finish; }
  export ANTHROPIC_BASE_URL=http://127.0.0.1:$PORT ANTHROPIC_API_KEY=test
  export CLAUDE_CONFIG_DIR=$T/claude-config CLAUDE_CODE_MAX_RETRIES=1
  mkdir -p "$CLAUDE_CONFIG_DIR"
}

# The env and CODEX_HOME/config.toml codex agents need (AGENT-CLIS.md §2.1).
use_codex() {
  [ -x "$FAB_NPM_BIN/codex" ] || { echo "FAIL setup: $FAB_NPM_BIN/codex not found (set FAB_NPM_BIN)"; FAIL=$((FAIL + 1)); finish; }
  export CODEX_HOME=$T/codex-home FAKE_OPENAI_API_KEY=test
  write_codex_config "$CODEX_HOME" "$PORT"
}

# ---------- repository, daemon, rules ----------
make_repo() {
  mkdir -p "$1" && git -C "$1" init -q -b main . &&
    echo "e2e" >"$1/README" && git -C "$1" add README && git -C "$1" commit -q -m init
}

daemon_start() {
  if ! fab server start >"$T/server-start.out" 2>&1; then
    fail daemon-start "fab server start failed" "$T/server-start.out" "$FAB_DIR/fab.log"
    return 1
  fi
  wait_until 10 test -S "$FAB_DIR/fab.sock"
}
daemon_stop() { fab server stop >/dev/null 2>&1; }
daemon_pid() { cat "$FAB_DIR/fab.pid" 2>/dev/null; }
# daemon_kill9: SIGKILL the daemon and wait until it is gone.
daemon_kill9() {
  local pid; pid=$(daemon_pid)
  [ -n "$pid" ] || return 1
  kill -9 "$pid" || return 1
  wait_until 10 eval "! kill -0 $pid 2>/dev/null"
}

# allow_rule NAME PATTERN [TOOL] / deny_rule NAME PATTERN [TOOL]: appended to the global
# permissions.ini (first match wins, in file order). The model sees a deny rule's name.
allow_rule() {
  mkdir -p "$FAB_DIR/config"
  printf '[rule "%s"]\ntool = %s\naction = allow\npattern = %s\n\n' "$1" "${3:-Bash}" "$2" >>"$FAB_DIR/config/permissions.ini"
}
deny_rule() {
  mkdir -p "$FAB_DIR/config"
  printf '[rule "%s"]\ntool = %s\naction = deny\npattern = %s\n\n' "$1" "${3:-Bash}" "$2" >>"$FAB_DIR/config/permissions.ini"
}

# ---------- agents ----------
# create_agent BACKEND PROMPT: prints the new agent's id (empty on failure; output in $T/create.out).
create_agent() {
  local out=$T/create.out
  if ! fab agent create --project web --backend "$1" --prompt "$2" --json >"$out" 2>&1; then
    cat "$out" >&2
    return 1
  fi
  jq -r '.id // empty' <"$out" 2>/dev/null | head -1
}

# agent_json ID: the agent's object from `fab agent list --json`.
agent_json() { fab agent list --json 2>/dev/null | jq -c --arg id "$1" '.agents[] | select(.id == $id)'; }
agent_state() { agent_json "$1" | jq -r '.state // empty'; }
state_is() { # state_is ID STATE...
  local id=$1 s; shift
  s=$(agent_state "$id")
  local want
  for want in "$@"; do [ "$s" = "$want" ] && return 0; done
  return 1
}

# history_json ID FILE: `fab agent history --json` into FILE.
history_json() { fab agent history "$1" --json >"$2" 2>&1; }

# hist_has ID JQ-FILTER: some record of the history has an entry for which FILTER (over an
# entry, with .offset/.src/.data of its record as $rec) is true.
hist_has() {
  fab agent history "$1" --json 2>/dev/null |
    jq -e --slurp "[.[] | . as \$rec | (.entries // [])[] | select($2)] | length > 0" >/dev/null 2>&1
}
# turn_results ID: the number of turn_result entries so far.
turn_results() {
  fab agent history "$1" --json 2>/dev/null |
    jq -s '[.[] | (.entries // [])[] | select(.kind == "turn_result")] | length' 2>/dev/null || echo 0
}
turn_results_at_least() { [ "$(turn_results "$1")" -ge "$2" ]; }
