#!/usr/bin/env bash
# `make demo` without a terminal: scripts/demo with FAB_DEMO_NO_TUI=1 sets up its daemon, sample
# repository and scripted agents; this test plays the user through the CLI (answers each
# question, approves each permission) and checks that every ticket is claimed, closed and merged
# into the sample's origin in dependency order, then that ending the demo leaves nothing behind.
# Prints ok/FAIL lines, then `N passed, N failed`.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"

e2e_init demo
for b in fab-tui fab-host scripted/fab-scripted-agent; do
  [ -x "$FAB_BUILD/$b" ] || { fail setup "$FAB_BUILD/$b not built"; finish; }
done

FAB_DEMO_NO_TUI=1 setsid "$E2E_REPO/scripts/demo" "$FAB_BUILD" >"$T/demo.out" 2>&1 &
DEMO_PID=$!
demo_ready() { grep -q '^demo: ready' "$T/demo.out"; }
if wait_until 60 demo_ready; then ok demo-starts; else fail demo-starts "no 'demo: ready'" "$T/demo.out"; kill -TERM -- -$DEMO_PID 2>/dev/null; finish; fi
DEMO_FAB_DIR=$(sed -n 's/^FAB_DIR=//p' "$T/demo.out")
ORIGIN=$(sed -n 's/^ORIGIN=//p' "$T/demo.out")
dfab() { FAB_DIR=$DEMO_FAB_DIR "$FAB" "$@"; }

if dfab status | grep -q 'demo.*running'; then ok demo-project-running; else fail demo-project-running "" ; fi

# Play the user until all four tickets are merged (or time runs out).
merged_all() { [ "$(git -C "$ORIGIN" log --oneline main 2>/dev/null | grep -c '^[0-9a-f]* Close demo-')" -ge 4 ]; }
answer_everything() {
  local id
  for id in $(dfab question list --json 2>/dev/null | jq -r '.questions[]?.id'); do dfab question answer "$id" 1 >/dev/null 2>&1; done
  for id in $(dfab permission list --json 2>/dev/null | jq -r '(.permissions // .requests // [])[]?.id'); do dfab permission allow "$id" >/dev/null 2>&1; done
  merged_all
}
if wait_until 150 answer_everything; then ok demo-all-tickets-merged-into-origin; else
  dfab status >"$T/status.out" 2>&1; git -C "$ORIGIN" log --oneline >"$T/origin.log" 2>&1
  fail demo-all-tickets-merged-into-origin "" "$T/status.out" "$T/origin.log" "$DEMO_FAB_DIR/fab.log"
fi
# demo-b2c1 depends on demo-a1f0: its work lands after it.
order=$(git -C "$ORIGIN" log --reverse --format=%s main | grep -n '^demo-\(a1f0\|b2c1\):' | cut -d: -f2 | tr '\n' ' ')
if [ "$order" = "demo-a1f0 demo-b2c1 " ]; then ok demo-dependency-order; else fail demo-dependency-order "got '$order'"; fi
if [ -z "$(git -C "$ORIGIN" log --merges --oneline main)" ]; then ok demo-linear-history; else fail demo-linear-history ""; fi
closed=$(git -C "$ORIGIN" show main:.tickets/demo-d4e3.md 2>/dev/null | sed -n 's/^status: *//p')
if [ "$closed" = closed ]; then ok demo-ticket-closed-on-main; else fail demo-ticket-closed-on-main "status '$closed'"; fi

# Ending the demo (what quitting the TUI does) stops everything and removes its temp dir.
demo_tmp=${DEMO_FAB_DIR%/fab}
kill -TERM "$DEMO_PID"
wait "$DEMO_PID" 2>/dev/null
demo_procs() {
  local p kv
  for p in /proc/[0-9]*; do
    [ -r "$p/environ" ] || continue
    while IFS= read -r -d '' kv; do
      [ "$kv" = "FAB_DIR=$DEMO_FAB_DIR" ] && { echo "${p#/proc/}"; break; }
    done 2>/dev/null <"$p/environ"
  done
}
gone() { [ -z "$(demo_procs)" ] && [ ! -e "$demo_tmp" ]; }
if wait_until 20 gone; then ok demo-cleans-up; else fail demo-cleans-up "left: $(demo_procs | tr '\n' ' ') $(ls -d "$demo_tmp" 2>/dev/null)"; fi
finish
