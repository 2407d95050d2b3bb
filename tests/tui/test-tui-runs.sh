#!/usr/bin/env bash
# `fab tui` runs page end to end (server mode's runs in the TUI): the real TUI in a private tmux
# server (100x30) against a real daemon with scripted agents doing runs (queued over the socket
# with `fab run submit`). Every wait is for an expected screen or state, with a timeout.
#   - R lists the runs with status, stage and age; a run submitted while the page is shown
#     appears by itself, and its status follows the run (queued -> running -> succeeded)
#   - Enter shows a run's events (run.submitted ... run.completed), new events arrive live
#   - Esc goes back to the runs, Esc again to the agents; ? lists the runs keys
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on any failure.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib/common.sh"
. "$HERE/lib.sh"

e2e_init tui-runs
for b in fab-tui scripted/fab-scripted-agent; do
  [ -x "$FAB_BUILD/$b" ] || { fail setup "$FAB_BUILD/$b not built"; finish; }
done
make_repo "$T/repo"
allow_rule all-bash ':*'
if ! fab server start --max-concurrent-runs 1 >"$T/server-start.out" 2>&1; then
  fail daemon-start "fab server start failed" "$T/server-start.out"; finish
fi
wait_until 10 test -S "$FAB_DIR/fab.sock" || { fail daemon-start "no socket"; finish; }
if ! fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then
  fail project-add "" "$T/project.out"; finish
fi

submit() { # submit GOAL: prints the run id
  fab run submit -p web --backend scripted --json "$1" 2>>"$T/submit.err" | jq -r '.id // empty'
}
run_status() { fab run show "$1" --json 2>/dev/null | jq -r '.status // empty'; }
status_is() { [ "$(run_status "$1")" = "$2" ]; }

# One run that waits on a question (it holds the one slot), one queued behind it.
R1=$(submit 'SCRIPT:ask Go on?|yes|no
SCRIPT:say first run done
SCRIPT:bash fab agent done')
R2=$(submit 'SCRIPT:say second run
SCRIPT:bash fab agent done')
if [ -z "$R1" ] || [ -z "$R2" ]; then fail submit "fab run submit failed" "$T/submit.err"; finish; fi
wait_until 30 status_is "$R1" blocked || fail setup "$R1 is $(run_status "$R1"), not blocked"

tui_start 100 30
expect_screen connected 15 'connected *$' || finish
keys R
if wait_screen 10 'Runs 2' && wait_screen 5 "$R1 +blocked" && wait_screen 5 "$R2 +queued"; then
  ok runs-listed
else
  fail runs-listed "R does not list both runs with their status" "$(shot runs-list)"
fi
if screen_has "$R1 +blocked +[^ ]+ +[0-9]+[smhd] +web: SCRIPT:ask"; then
  ok runs-columns
else
  fail runs-columns "no id, status, stage, age, project and goal on $R1's row" "$(shot runs-columns)"
fi

# A run submitted while the page is shown appears by itself.
R3=$(submit 'SCRIPT:say third')
if wait_screen 10 'Runs 3' && wait_screen 5 "$R3 +queued"; then
  ok runs-live-new
else
  fail runs-live-new "$R3 did not appear" "$(shot runs-live)"
fi

# The first run (the last row: newest first) and its events.
for _ in 1 2 3; do keys j; done
if wait_screen 5 "> $R1"; then
  keys Enter
  if wait_screen 10 "Run $R1: blocked" && wait_screen 5 ' run\.submitted' && wait_screen 5 ' run\.blocked'; then
    ok run-events
  else
    fail run-events "Enter does not show $R1's events" "$(shot run-events)"
  fi
  # Answered elsewhere: the events go on live, and the status follows.
  QID=$(fab run questions "$R1" --json | jq -r '.data[0].id // empty')
  if [ -n "$QID" ] && fab run answer "$R1" "$QID" --option 1 >"$T/answer.out" 2>&1; then
    if wait_screen 60 ' run\.completed' && wait_screen 10 "Run $R1: succeeded"; then
      ok run-events-live
    else
      fail run-events-live "no live run.completed for $R1 ($(run_status "$R1"))" "$(shot run-live)"
    fi
  else
    fail run-events-live "could not answer $R1's question" "$T/answer.out"
  fi
  keys Escape
  if wait_screen 5 'Runs 3' && wait_screen 30 "$R2 +(running|succeeded)"; then
    ok runs-back-and-status
  else
    fail runs-back-and-status "Esc did not return to the runs, or $R2 did not start" "$(shot runs-back)"
  fi
else
  fail run-events "$R1 cannot be selected" "$(shot runs-select)"
fi

keys Escape
if wait_no_screen 5 'Runs 3' && wait_screen 5 'Agents'; then
  ok runs-close
else
  fail runs-close "Esc did not return to the agents" "$(shot runs-close)"
fi
keys '?'
if wait_screen 5 'R +the runs \(server mode\)'; then ok runs-help; else fail runs-help "? lacks the runs keys" "$(shot runs-help)"; fi
keys q
keys q
if wait_screen 10 '^TUI-EXITED 0$'; then
  ok quit
else
  fail quit "q did not end the TUI" "$(shot quit)" "$T/tui.err"
fi
tui_stop
finish
