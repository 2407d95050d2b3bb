#!/usr/bin/env bash
# A fab planner with the real `codex` CLI (app-server) against tests/e2e/fake-model-server.mjs:
# its sandbox is read-only (a command that writes in its worktree fails), but it may reach
# fab.sock, so it stores its plan with `fab plan write`, as a claude planner does. Prints ok/FAIL lines, then
# `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

e2e_init planner-codex
start_fake_server
use_codex
make_repo "$T/repo"
daemon_start || finish
if fab project add "$T/repo" --name web --planner-backend codex >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

if fab agent plan --project web --json "FAKE:bash touch planned.txt" >"$T/plan.out" 2>&1; then
  ID=$(jq -r '.id // empty' <"$T/plan.out")
fi
if [ -n "${ID:-}" ] && [ "$(agent_json "$ID" | jq -r '.backend')" = codex ]; then ok planner-started
else fail planner-started "fab agent plan failed" "$T/plan.out" "$FAB_DIR/fab.log"; finish; fi
WT=$(worktree_of "$ID")

if wait_until "$TURN_TIMEOUT" text_seen "$ID" "Ran it. Result:" && [ ! -e "$WT/planned.txt" ]; then
  ok read-only-sandbox-refuses-the-write
else
  fail read-only-sandbox-refuses-the-write "planned.txt exists or the turn never ended" "$(hist "$ID")"
fi
if jq -e '.params.permission_mode == "plan"' "$FAB_DIR/agents/$ID/spec.json" >/dev/null 2>&1; then
  ok planner-spec-in-plan-mode
else
  fail planner-spec-in-plan-mode "" "$FAB_DIR/agents/$ID/spec.json"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# The plan, through the read-only sandbox to fab.sock: `fab plan write` found by name.
fab agent send "$ID" "FAKE:bash fab plan write <<'PLAN'
# Codex plan

1. Look
2. Leap
PLAN" >"$T/send.out" 2>&1
plan_stored() {
  fab plan read "$ID" --json 2>/dev/null |
    jq -e '.source != "final message" and (.body | contains("1. Look\n2. Leap"))' >/dev/null
}
if wait_until "$TURN_TIMEOUT" plan_stored; then ok plan-written-with-fab-plan-write
else fail plan-written-with-fab-plan-write "no plan stored" "$(hist "$ID")" "$FAB_DIR/fab.log"; fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

fab agent plan stop "$ID" >/dev/null 2>&1
wait_until 30 state_is "$ID" aborted done idle failed
finish
