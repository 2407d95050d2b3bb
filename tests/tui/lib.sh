# shellcheck shell=bash
# Drives `fab tui` inside a private tmux server, as a person would: type with send-keys, read
# the screen with capture-pane. Source it after tests/e2e/lib/common.sh.
#
#   tui_start COLS ROWS [VAR=VAL...] [-- ARGS...]
#                                 a private tmux server (-S $T/tmux.sock, -f /dev/null)
#                                 running `fab tui` with that env and those arguments
#   shell_start COLS ROWS         the same with a plain bash (no line editing)
#   pane_var NAME / screen_esc    a tmux pane variable (alternate_on…) / the screen with SGRs
#   keys KEY...                   tmux send-keys (names like Enter, Tab, C-c; -l for literal text)
#   type_text TEXT                literal text
#   screen                        the visible pane as text
#   wait_screen TIMEOUT REGEX     polls the screen until REGEX (grep -E) matches; 1 on timeout
#   wait_no_screen TIMEOUT REGEX  until REGEX no longer matches
#   tui_alive                     the TUI process is still running in its pane
#   tui_stop                      kills the tmux server (also done by the cleanup trap)
#   right_aligned / column_at / colour_sgrs   layout and colour checks on a saved screen
#   terminal_usable NAME          after the TUI ended: the pane's shell works, modes restored
# Screens of failed waits are kept in $T/screen.*.txt and shown by `fail`.

TMUX_SOCK=''

# The socket lives in the test's temp dir, so that removing $T leaves nothing behind.
tmux_() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }

tui_cleanup() {
  local rc=$?
  [ -n "$TMUX_SOCK" ] && tmux_ kill-server >/dev/null 2>&1
  (exit $rc)
  e2e_cleanup
}

# tui_start COLS ROWS [VAR=VALUE...] [-- TUI-ARGS...]: `fab tui` in a private tmux server, with
# the extra environment. When the TUI exits, the pane prints `TUI-EXITED <status>` and runs a
# bash without line editing: it only works if the TUI left the terminal in cooked mode.
tui_start() {
  local cols=$1 rows=$2; shift 2
  local envs=() args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; args=("$@"); break; fi
    envs+=("$1"); shift
  done
  # shellcheck disable=SC2016 # expanded by that sh
  tui_session "$cols" "$rows" env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 "${envs[@]}" \
    sh -c '"$0" tui "$@" 2>"$TUI_ERR"; echo "TUI-EXITED $?"
           exec bash --norc --noprofile --noediting -i' "$FAB" "${args[@]}"
}

# shell_start COLS ROWS: a bash without line editing in a private tmux server (type commands
# with type_text + keys Enter).
shell_start() {
  tui_session "$1" "$2" env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    bash --norc --noprofile --noediting -i
}

tui_session() {
  local cols=$1 rows=$2; shift 2
  command -v tmux >/dev/null || { fail setup "tmux not installed"; finish; }
  tui_stop
  TMUX_SOCK=$T/tmux.sock
  trap tui_cleanup EXIT
  # The tmux server inherits this shell's environment (FAB_DIR, HOME, PATH of the test).
  export TUI_ERR=$T/tui.err PS1='$ '
  # several words: tmux runs them as argv, without a shell
  tmux_ new-session -d -s t -x "$cols" -y "$rows" "$@" ||
    { fail setup "tmux new-session failed"; finish; }
  tmux_ set-option -t t -g remain-on-exit on >/dev/null 2>&1
}

# pane_var NAME: a tmux format variable of the pane (alternate_on, cursor_flag, pane_width…).
pane_var() { tmux_ display-message -p -t t "#{$1}" 2>/dev/null; }
# screen_esc: the visible pane with its colours and attributes as escape sequences.
screen_esc() { tmux_ capture-pane -t t -p -e 2>/dev/null; }

# tui_stop: kills the tmux server (and so the pane's processes, with SIGHUP) and waits until it
# is gone, so that the next tui_start gets a fresh server on the same socket.
tui_stop() {
  [ -n "$TMUX_SOCK" ] || return 0
  tmux_ kill-server >/dev/null 2>&1
  wait_until 5 eval '! tmux_ list-sessions >/dev/null 2>&1'
  rm -f "$TMUX_SOCK"
  TMUX_SOCK=''
  return 0
}
keys() { tmux_ send-keys -t t "$@"; }
type_text() { tmux_ send-keys -t t -l "$1"; }
screen() { tmux_ capture-pane -t t -p 2>/dev/null; }
screen_has() { screen | grep -Eq -- "$1"; }
screen_lacks() { ! screen_has "$1"; }

# shot NAME: saves the screen to $T/screen.<n>.NAME.txt and prints the path.
shot() {
  # numbered by the files already there: shot usually runs in a $(…) subshell
  local n; n=$(find "$T" -maxdepth 1 -name 'screen.*' | wc -l)
  local f=$T/screen.$((n + 1)).$1.txt
  # without the blank lines at the bottom: fail shows the file's tail
  screen | awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ }' >"$f"
  echo "$f"
}

wait_screen() { wait_until "$1" screen_has "$2"; }
wait_no_screen() { wait_until "$1" screen_lacks "$2"; }

# expect_screen NAME TIMEOUT REGEX: ok NAME, or fail NAME with the screen.
expect_screen() {
  if wait_screen "$2" "$3"; then ok "$1"; return 0; fi
  fail "$1" "no /$3/ on screen within $2 s" "$(shot "$1")" "$T/tui.err"
  return 1
}

tui_alive() { screen_lacks '^TUI-EXITED'; }

# ---------- layout checks (display widths by the C library's wcwidth, through wc -L) ----------
dwidth() { printf '%s' "$1" | LC_ALL=C.UTF-8 wc -L; }

# right_aligned FILE REGEX [left]: the lines of FILE matching REGEX (at least 2) end at the
# same display column (with `left`: their part before the first │); else prints them with
# their widths and returns 1.
right_aligned() {
  local line ends='' n=0 out=''
  while IFS= read -r line; do
    [ "${3:-}" = left ] && line=${line%%│*}
    line=${line%"${line##*[! ]}"}
    ends="$ends $(dwidth "$line")"
    out="$out$(dwidth "$line"): $line"$'\n'
    n=$((n + 1))
  done < <(grep -E -- "$2" "$1")
  # shellcheck disable=SC2086 # one word a width
  if [ "$n" -ge 2 ] && [ "$(printf '%s\n' $ends | sort -u | wc -l)" -eq 1 ]; then return 0; fi
  printf 'lines matching /%s/ end at different columns (or fewer than 2):\n%s' "$2" "$out"
  return 1
}

# column_at FILE COL FIRST LAST: lines FIRST..LAST (1-based) of FILE have their first │ at
# display column COL (0-based); else prints the offending lines and returns 1.
column_at() {
  local i=0 line bad=0 pre
  while IFS= read -r line; do
    i=$((i + 1))
    [ "$i" -lt "$3" ] && continue
    [ "$i" -gt "$4" ] && break
    pre=${line%%│*}
    if [ "$pre" = "$line" ] || [ "$(dwidth "$pre")" -ne "$2" ]; then
      echo "line $i: no │ at column $2: $line"
      bad=1
    fi
  done <"$1"
  return $bad
}

# colour_sgrs FILE: how many colour SGR sequences (30-37, 38, 40-47, 48, 90-97, 100-107) a
# capture with escapes (screen_esc) holds.
colour_sgrs() {
  grep -oE $'\e\\[[0-9;:]*m' "$1" | tr -d '\033[m' | tr ';:' '\n' |
    grep -cE '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'
}

# terminal_usable NAME: ok NAME if the TUI left the terminal usable: the alternate screen is
# off, the pane's bash (no line editing) runs a typed command and stty reports canonical input
# with echo and CR -> NL, as before the TUI.
terminal_usable() {
  local n=$1
  if [ "$(pane_var alternate_on)" != 0 ]; then
    fail "$n" "still on the alternate screen" "$(shot "$n")"
    return
  fi
  # shellcheck disable=SC2016 # expanded by the pane's shell
  type_text 'echo "tty-$(stty -a | grep -owE -- "-?(icanon|echo|icrnl)" | sort | tr "\n" " ")end"'
  keys Enter
  if ! wait_screen 10 '^tty-.*end$'; then
    fail "$n" "the shell after the TUI did not answer" "$(shot "$n")" "$T/tui.err"
  elif ! screen | grep -q '^tty-echo icanon icrnl end$'; then
    fail "$n" "terminal modes not restored: $(screen | grep '^tty-')" "$(shot "$n")"
  else
    ok "$n"
  fi
}
