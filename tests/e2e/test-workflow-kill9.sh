#!/usr/bin/env bash
# A workflow run survives fabd being SIGKILLed over and over at random points
# (issue 16): one run of command and scripted agent stages; the daemon is
# killed up to 20 times, each time after a random delay, and restarted; the
# run resumes by itself every time and ends as an uninterrupted run does —
# succeeded, every stage completed exactly once and in order (a finished stage
# never runs again), the same files on its branch. Prints ok/FAIL lines, then
# `N passed, N failed`.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir;
# FAB_KILLS (default 20).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

e2e_init wfkill9
[ -x "$FAB_BUILD/scripted/fab-scripted-agent" ] || { fail setup "fab-scripted-agent not built"; finish; }
KILLS=${FAB_KILLS:-20}
project_start

# Each command stage writes its file (idempotent: a re-run writes the same).
{
  echo 'digraph kill9 {'
  echo '  goal = "Survive kills"'
  echo '  model_stylesheet = "* { backend: scripted }"'
  echo '  start [shape=Mdiamond]'
  for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "  s$i [shape=parallelogram, script=\"sleep 0.3; echo $i >out.$i\"]"
  done
  echo '  talk [shape=box, prompt="SCRIPT:say half way"]'
  echo '  exit [shape=Msquare]'
  echo "  start -> s1 -> s2 -> s3 -> talk -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> s10 -> exit"
  echo '}'
} >"$T/kill9.fabro"
order="s1 s2 s3 talk s4 s5 s6 s7 s8 s9 s10"

run_status() { fab run show "$1" --json 2>/dev/null | jq -r '.status // empty'; }
status_is() { [ "$(run_status "$1")" = "$2" ]; }

submit() { timeout 30 "$FAB" run "$T/kill9.fabro" --project web --detach | awk '{print $2}'; }

# The uninterrupted run, for comparison.
ref=$(submit)
if wait_until 60 status_is "$ref" succeeded; then ok reference-run; else fail reference-run "status $(run_status "$ref")" "$FAB_DIR/fab.log"; finish; fi

id=$(submit)
kills=0
for _ in $(seq 1 "$KILLS"); do
  status_is "$id" succeeded && break
  # A random point: 0-0.6 s after the (re)start.
  sleep "0.$((RANDOM % 7))$((RANDOM % 10))"
  daemon_kill9 || { fail kill9 "kill -9 fabd"; break; }
  kills=$((kills + 1))
  fab server start >"$T/restart.out" 2>&1 || { fail restart "" "$T/restart.out" "$FAB_DIR/fab.log"; break; }
done
log "killed fabd $kills times"
if wait_until 60 status_is "$id" succeeded; then
  ok "resumed-after-$kills-kills"
else
  fail "resumed-after-$kills-kills" "status $(run_status "$id")" "$FAB_DIR/fab.log"
fi

# Every stage completed once, in the workflow's order, as in the reference run.
completed() { fab run events "$1" --json | jq -r 'select(.event == "stage.completed") | .properties.node' | tr '\n' ' '; }
want=$(completed "$ref")
got=$(completed "$id")
if [ "$want" = "$order " ] && [ "$got" = "$want" ]; then
  ok each-stage-once-in-order
else
  fail each-stage-once-in-order "reference: $want; killed: $got"
fi

# The same files on both run branches.
repo=$FAB_DIR/projects/web/repo
if [ "$(git -C "$repo" ls-tree -r "fab/run/$ref" | awk '{print $3, $4}')" = \
     "$(git -C "$repo" ls-tree -r "fab/run/$id" | awk '{print $3, $4}')" ] &&
   [ "$(git -C "$repo" show "fab/run/$id:out.10")" = 10 ]; then
  ok same-result
else
  fail same-result "branches differ"
  git -C "$repo" ls-tree -r "fab/run/$id" | head
fi
finish
