#!/usr/bin/env bash
# `fab tui` end to end: the real TUI in a private tmux server (80x24, then 160x48) against a
# real daemon with scripted agents. Keys are typed with send-keys, the screen is read with
# capture-pane; every wait is for an expected screen or state, with a timeout.
#   - the agent list fills as agents start; y allows a pending command (the file appears in
#     the worktree), n denies another (no file, the denial in its history); a question answered
#     in the TUI reaches the agent; a typed message is answered `Echo: …`
#   - CJK and emoji output keep the columns aligned; NO_COLOR=1 draws without colours
#   - x aborts after a confirmation; a daemon restart shows "reconnecting…", then the agents
#   - ? shows every key, P the stored plans, X stops the project's orchestrator
#   - `fab tui --frames 3` exits 0 by itself; q quits; both leave the terminal usable
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on any failure.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib/common.sh"
. "$HERE/lib.sh"

e2e_init tui
for b in fab-tui scripted/fab-scripted-agent; do
  [ -x "$FAB_BUILD/$b" ] || { fail setup "$FAB_BUILD/$b not built"; finish; }
done
make_repo "$T/repo"
daemon_start || finish
if ! fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then
  fail project-add "" "$T/project.out"; finish
fi

WIDE='漢字テスト 🎉 wide ünï'
LONG=$(printf '全角%.0s' $(seq 50)) # 200 columns: wraps in the chat, truncated in the list

# The agent the input line offers to message ("Enter: message <id>"), i.e. the selected one.
selected() { screen | sed -n 's/.*Enter: message \([a-z0-9]*\).*/\1/p' | head -1; }
selected_is_not() { [ "$(selected)" != "$1" ]; }
# select_agent ID: moves the selection (j, from the top with g) until ID is selected.
select_agent() {
  local id=$1 _ cur
  keys g
  for _ in $(seq 30); do
    cur=$(selected)
    [ "$cur" = "$id" ] && return 0
    keys j
    wait_until 3 selected_is_not "$cur" || return 1
  done
  return 1
}
worktree() { agent_json "$1" | jq -r '.worktree // empty'; }
file_in_worktree() { local w; w=$(worktree "$1"); [ -n "$w" ] && [ -e "$w/$2" ]; }
pending_is() { [ "$(agent_json "$1" | jq -r '.pending_permissions // 0')" = "$2" ]; }

# ---------- permissions, question, message at SIZE ----------
flows() {
  local s=$1 cols=$2 rows=$3
  tui_start "$cols" "$rows"
  expect_screen "$s-connected" 15 'connected *$' || return
  local A Y N Q M
  Y=$(create_agent scripted "SCRIPT:bash touch approved-$s.txt")
  N=$(create_agent scripted "SCRIPT:bash touch denied-$s.txt")
  Q=$(create_agent scripted 'SCRIPT:ask Pick a colour|red|blue')
  M=$(create_agent scripted 'SCRIPT:say ready for messages')
  if [ -z "$Y" ] || [ -z "$N" ] || [ -z "$Q" ] || [ -z "$M" ]; then
    fail "$s-create" "fab agent create failed" "$T/create.out"
    return
  fi
  for A in $Y $N $Q $M; do
    wait_screen 15 "$A" || break
  done
  if screen_has "$Y" && screen_has "$N" && screen_has "$Q" && screen_has "$M"; then
    ok "$s-list-fills"
  else
    fail "$s-list-fills" "not every agent ($Y $N $Q $M) is listed" "$(shot "$s-list")"
  fi

  # y on a pending permission: the command runs.
  if ! wait_until 15 pending_is "$Y" 1 || ! select_agent "$Y"; then
    fail "$s-allow" "no pending permission for $Y, or it cannot be selected" "$(shot "$s-allow")"
  elif ! wait_screen 10 "permission for $Y" || ! wait_screen 10 "touch approved-$s.txt"; then
    fail "$s-allow" "no permission prompt for $Y" "$(shot "$s-allow")"
  else
    keys y
    if wait_until 15 file_in_worktree "$Y" "approved-$s.txt" &&
      wait_screen 10 'Ran it\. Result'; then
      ok "$s-allow"
    else
      fail "$s-allow" "approved-$s.txt not created in $(worktree "$Y")" "$(shot "$s-allow")"
    fi
  fi

  # n on another: denied, no file, the denial in its history.
  if ! wait_until 15 pending_is "$N" 1 || ! select_agent "$N"; then
    fail "$s-deny" "no pending permission for $N, or it cannot be selected" "$(shot "$s-deny")"
  elif ! wait_screen 10 "permission for $N"; then
    fail "$s-deny" "no permission prompt for $N" "$(shot "$s-deny")"
  else
    keys n
    if ! wait_until 15 hist_has "$N" '.kind == "tool_result" and (tostring | contains("denied"))'; then
      history_json "$N" "$T/hist.$N"
      fail "$s-deny" "no denial in the history of $N" "$T/hist.$N" "$(shot "$s-deny")"
    elif file_in_worktree "$N" "denied-$s.txt"; then
      fail "$s-deny" "denied-$s.txt exists although denied"
    else
      ok "$s-deny"
    fi
  fi

  # A question: y opens the choices, 2 picks blue, Enter answers.
  if ! wait_until 15 pending_is "$Q" 1 || ! select_agent "$Q"; then
    fail "$s-question" "no pending question for $Q, or it cannot be selected" "$(shot "$s-question")"
  elif ! wait_screen 10 "question from $Q" || ! wait_screen 10 '2\. blue'; then
    fail "$s-question" "no question overlay for $Q" "$(shot "$s-question")"
  else
    keys y
    wait_screen 10 '> 1\. red' || true
    keys 2
    wait_screen 10 '> 2\. blue' || true
    keys Enter
    if wait_until 15 hist_has "$Q" '.kind == "tool_result" and (tostring | contains("=\\\"blue\\\""))'; then
      ok "$s-question"
    else
      history_json "$Q" "$T/hist.$Q"
      fail "$s-question" "the answer blue did not reach $Q" "$T/hist.$Q" "$(shot "$s-question")"
    fi
  fi

  # A typed message: Enter, the text, Enter.
  local msg="hello from tmux $s ü"
  if ! wait_until 15 state_is "$M" idle || ! select_agent "$M"; then
    fail "$s-message" "$M not idle or cannot be selected" "$(shot "$s-message")"
  else
    keys Enter
    if ! wait_screen 10 "to $M>"; then
      fail "$s-message" "Enter did not open the input line" "$(shot "$s-message")"
    else
      type_text "$msg"
      wait_screen 10 "to $M> $msg" || true
      keys Enter
      if wait_screen 15 "Echo: $msg" &&
        wait_until 10 hist_has "$M" ".kind == \"assistant_text\" and .text == \"Echo: $msg\""; then
        ok "$s-message"
      else
        history_json "$M" "$T/hist.$M"
        fail "$s-message" "no Echo: $msg on screen and in the history" "$T/hist.$M" "$(shot "$s-message")"
      fi
    fi
    if screen_has "to $M>"; then # back to the normal mode for the next steps
      keys Escape
      wait_no_screen 10 "to $M>" || true
    fi
  fi
}

flows small 80 24

# ---------- ? help, P plans, X orchestrator (80x24) ----------
keys '?'
if expect_screen small-help 10 '─ Keys ' && expect_screen small-help-tables 5 'Agents and chat'; then
  keys Escape
  expect_screen small-help-closes 10 'connected *$' && wait_no_screen 5 '─ Keys ' || true
fi
keys P
if expect_screen small-plans 10 '─ Plans 0 ' && expect_screen small-plans-empty 10 'no stored plans'; then
  keys Escape
  wait_no_screen 5 '─ Plans ' || true
fi
keys X
expect_screen small-orchestrator-stop 10 'web: orchestrator stopped' || true

# ---------- wide characters (80x24: stacked layout) ----------
W=$(create_agent scripted "SCRIPT:say $WIDE")
L=$(create_agent scripted "SCRIPT:say $LONG")
if [ -z "$W" ] || [ -z "$L" ]; then
  fail create-wide "fab agent create failed" "$T/create.out"
else
  wait_until 15 state_is "$W" idle
  wait_until 15 state_is "$L" idle
  # the answer's own line in the chat (the list shows it as the agent's activity too)
  if ! select_agent "$W"; then
    fail small-wide-text "cannot select $W" "$(shot small-wide)"
  elif expect_screen small-wide-text 10 "^ $WIDE\$" &&
    # and as its activity in the list (its output may come before the daemon announces it)
    expect_screen small-wide-activity 10 "$W task .*$WIDE"; then
    # the list's right column (age or state) stays aligned on every agent row
    f=$(shot small-wide-list)
    if out=$(right_aligned "$f" '^ .{1,3} ?[a-z0-9]{6} task '); then
      ok small-wide-list-aligned
    else
      fail small-wide-list-aligned "$out"
    fi
  fi
  if select_agent "$L" && wait_screen 10 "─ $L task web scripted idle" &&
    wait_no_screen 10 'loading…' && wait_screen 10 '── turn done'; then
    f=$(shot small-long)
    # every part of the wrapped answer (between the init line and the end of the turn) is on
    # screen: 50 times 全角 once the wraps are undone
    n=$(sed -n '/· init:/,/── turn done/p' "$f" | sed '1d;$d' | tr -d ' \n' | grep -o '全角' | wc -l)
    if [ "$n" -eq 50 ] && out=$(right_aligned "$f" '^ .{1,3} ?[a-z0-9]{6} task '); then
      ok small-wide-wrap
    else
      fail small-wide-wrap "全角 $n times in the answer (want 50); ${out:-}" "$f"
    fi
  else
    fail small-wide-wrap "no 全角 on screen" "$(shot small-long)"
  fi
fi

# ---------- q quits and restores the terminal ----------
keys q
if wait_screen 10 '^TUI-EXITED 0$'; then
  ok small-quit
  terminal_usable small-quit-terminal
else
  fail small-quit "q did not end the TUI with status 0" "$(shot small-quit)" "$T/tui.err"
fi

# ---------- --frames 3 ends by itself (what CI runs under sanitizers) ----------
shell_start 80 24
wait_screen 10 '^\$ *$' || true
type_text 'fab tui --frames 3; echo "frames-exit-$?"'
keys Enter
if wait_screen 20 '^frames-exit-0$'; then
  ok frames-exit
  terminal_usable frames-terminal
else
  fail frames-exit "fab tui --frames 3 did not exit 0" "$(shot frames)"
fi

# ---------- 160x48 (side by side) ----------
flows big 160 48

if ! select_agent "$W"; then
  fail big-wide-text "cannot select $W" "$(shot big-wide)"
elif expect_screen big-wide-text 10 "│ $WIDE\$"; then
  f=$(shot big-wide)
  # the column between the list and the chat stays at 64 (2/5 of 160) on every body row
  if out=$(column_at "$f" 64 3 45); then
    ok big-wide-separator
  else
    fail big-wide-separator "$out" "$f"
  fi
  if out=$(right_aligned "$f" '^ .{1,3} ?[a-z0-9]{6} task ' left); then
    ok big-wide-list-aligned
  else
    fail big-wide-list-aligned "$out"
  fi
fi

# colours by default (the positive control), none with NO_COLOR=1
f=$T/esc.colour
screen_esc >"$f"
if [ "$(colour_sgrs "$f")" -gt 0 ]; then
  ok colour-default
else
  fail colour-default "no colour SGR in the capture" "$f"
fi
tui_start 160 48 NO_COLOR=1
if ! expect_screen nocolor-draws 15 'connected *$'; then
  :
elif ! wait_screen 10 "$W"; then
  fail nocolor "the agents are not listed" "$(shot nocolor)"
else
  f=$T/esc.nocolor
  screen_esc >"$f"
  n=$(colour_sgrs "$f")
  if [ "$n" -eq 0 ]; then ok nocolor; else fail nocolor "$n colour SGRs with NO_COLOR=1" "$f"; fi
fi

# x aborts after a confirmation
X=$(create_agent scripted 'SCRIPT:sleep 120')
if [ -z "$X" ] || ! wait_until 15 state_is "$X" running || ! wait_screen 10 "$X" ||
  ! select_agent "$X"; then
  fail abort "$X not running or not selectable" "$(shot abort)"
else
  keys x
  if ! wait_screen 10 "Abort agent $X"; then
    fail abort "x asked nothing" "$(shot abort)"
  else
    keys y
    if wait_until 20 state_is "$X" aborted && wait_screen 10 "$X task web scripted aborted"; then
      ok abort
    else
      fail abort "$X is $(agent_state "$X"), not aborted" "$(shot abort)"
    fi
  fi
fi

# a daemon restart: reconnecting…, then the same agents, and a new one appears (the list comes
# from the new daemon, not from before the restart)
before=$(fab agent list --json | jq -r '.agents[].id' | sort | tr '\n' ' ')
if ! fab server stop >"$T/stop.out" 2>&1; then
  fail restart "fab server stop failed" "$T/stop.out"
elif ! expect_screen restart-reconnecting 15 'reconnecting'; then
  :
else
  daemon_start || finish
  if wait_screen 30 'connected *$' && wait_screen 10 "$X"; then
    missing=''
    for A in $before; do wait_screen 10 "$A" || missing="$missing $A"; done
    if [ -z "$missing" ]; then
      ok restart-same-agents
    else
      fail restart-same-agents "not listed:$missing" "$(shot restart)"
    fi
    Z=$(create_agent scripted 'SCRIPT:say after the restart')
    if [ -n "$Z" ] && wait_screen 15 "$Z .*after the restart"; then
      ok restart-new-agent
    else
      f=$(shot restart-new)
      grep -E "task web|connect" "$f" | cut -c1-80 >"$f.rows"
      fail restart-new-agent "agent ${Z:-?} (state $(agent_state "$Z")) not listed with its \
activity after the restart" "$f.rows"
    fi
  else
    fail restart-same-agents "not connected again" "$(shot restart)" "$T/tui.err"
  fi
fi

keys q
if wait_screen 10 '^TUI-EXITED 0$'; then
  ok big-quit
  terminal_usable big-quit-terminal
else
  fail big-quit "q did not end the TUI with status 0" "$(shot big-quit)" "$T/tui.err"
fi
tui_stop
finish
