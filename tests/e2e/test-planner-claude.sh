#!/usr/bin/env bash
# A fab planner with the real `claude` CLI against tests/e2e/fake-model-server.mjs: it runs
# in plan mode, its Write attempt is refused (nothing lands in its worktree), a plan it saves
# with `fab plan write` (a quoted here-document, allowed for planners without asking) is
# stored, and so is the plan it presents with ExitPlanMode; `fab plan read` gives them back.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
TURN_TIMEOUT=60 # a loaded CI machine starts node slowly
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

e2e_init planner-claude
start_fake_server
use_claude
make_repo "$T/repo"
daemon_start || finish
if fab project add "$T/repo" --name web >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

# ---- a planner in plan mode
if fab agent plan --project web --json "FAKE:write notes.txt the planner was here" >"$T/plan.out" 2>&1; then
  ID=$(jq -r '.id // empty' <"$T/plan.out")
fi
if [ -n "${ID:-}" ] && [ "$(agent_json "$ID" | jq -r '.kind')" = plan ] &&
   [ "$(agent_json "$ID" | jq -r '.backend')" = claude ]; then
  ok planner-started
else
  fail planner-started "fab agent plan failed" "$T/plan.out" "$FAB_DIR/fab.log"
  finish
fi
WT=$(worktree_of "$ID")

# Every init line of the planner's claude, as "permissionMode" values, one per line.
init_modes() {
  jq -r 'select(.src == "out") | .data | select(contains("\"subtype\":\"init\"")) | fromjson? |
         .permissionMode // "(none)"' "$FAB_DIR/agents/$ID/transcript.jsonl" 2>&1
}
in_plan_mode() { init_modes | grep -qx plan; }

write_refused() {
  local f; f=$(hist "$ID")
  has_entry "$f" '.kind == "tool_result" and .is_error == true' && text_seen "$ID" "Result:"
}
# The first turn includes claude's start, which twice took 40-60 s on a fresh CI
# machine (a second locally): wait for it longer than for a turn.
if wait_until $((TURN_TIMEOUT * 2)) write_refused && [ ! -e "$WT/notes.txt" ]; then
  ok write-refused
else
  fail write-refused "the Write went through or never ended (worktree $WT)" "$(hist "$ID")"
fi
# Checked once the turn has ended, so that a slow start cannot be mistaken for a wrong mode.
start_ms=$(jq -rs '(map(select(.src == "host" and (.data | contains("cli_started"))))[0].ts) as $a |
  (map(select(.src == "out" and (.data | contains("\"subtype\":\"init\""))))[0].ts) as $b |
  if $a and $b then $b - $a else "?" end' "$FAB_DIR/agents/$ID/transcript.jsonl" 2>/dev/null)
echo "   (claude took ${start_ms:-?} ms from its start to its init line)"
if in_plan_mode; then ok claude-runs-in-plan-mode
else
  fail claude-runs-in-plan-mode "init lines carry permissionMode: $(init_modes | tr '\n' ' ')" \
    "$FAB_DIR/agents/$ID/transcript.jsonl"
fi
f=$(hist "$ID")
if has_entry "$f" '.kind == "tool_result" and ((.text // "") | contains("a planner does not change files"))'; then
  ok refusal-names-fab-plan-write
else
  fail refusal-names-fab-plan-write "the model was not told how to save its plan" "$f"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# ---- fab plan write with a quoted here-document: allowed for a planner, stored
HEREDOC_PLAN=$'FAKE:bash fab plan write <<\'PLAN\'\n# Heredoc plan\n\n1. Read the code\n2. Change it\nPLAN'
fab agent send "$ID" "$HEREDOC_PLAN" >"$T/send1.out" 2>&1
plan_source_is() { [ "$(fab plan read "$ID" --json 2>/dev/null | jq -r '.source')" = "$1" ]; }
if wait_until "$TURN_TIMEOUT" plan_source_is "fab plan write" &&
   [ "$(fab plan read "$ID")" = $'# Heredoc plan\n\n1. Read the code\n2. Change it' ]; then
  ok plan-write-stored
else
  fail plan-write-stored "no plan from fab plan write" "$(hist "$ID")" "$FAB_DIR/permissions.log"
fi
if grep -q "planner" "$FAB_DIR/permissions.log" 2>/dev/null; then
  ok plan-write-allowed-by-the-hook
else
  fail plan-write-allowed-by-the-hook "the hook did not decide it" "$FAB_DIR/permissions.log"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# ---- ExitPlanMode: its plan is stored as the planner's plan
fab agent send "$ID" $'FAKE:plan # Final plan\n\n1. Step one\n2. Step two' >"$T/send2.out" 2>&1
if wait_until "$TURN_TIMEOUT" plan_source_is ExitPlanMode &&
   fab plan read "$ID" | grep -q '^2. Step two$'; then
  ok exit-plan-mode-stored
else
  fail exit-plan-mode-stored "no plan from ExitPlanMode" "$(hist "$ID")" "$FAB_DIR/fab.log"
fi
if head -1 "$FAB_DIR/plans/$ID.md" | grep -qx -- '---' && grep -qx "project: web" "$FAB_DIR/plans/$ID.md" &&
   grep -qx "title: Final plan" "$FAB_DIR/plans/$ID.md"; then
  ok plan-file-front-matter
else
  fail plan-file-front-matter "" "$FAB_DIR/plans/$ID.md"
fi
# (jq 1.6 -e exits 0 on empty input: check that there is some.)
plans=$(fab plan list --project web --json)
if [ -n "$plans" ] && jq -e --arg id "$ID" '.plans | map(.id) | index($id) != null' <<<"$plans" >/dev/null; then
  ok plan-listed
else
  fail plan-listed
fi

# ExitPlanMode waits for a human; stopping the planner ends it and keeps the plan.
fab agent plan stop "$ID" >/dev/null 2>&1
if wait_until 30 state_is "$ID" aborted && [ -f "$FAB_DIR/plans/$ID.md" ]; then ok planner-stopped
else fail planner-stopped "state $(agent_state "$ID")"; fi
finish
