#!/usr/bin/env bash
# A fab planner with the real `codex` CLI against tests/e2e/fake-model-server.mjs: it runs
# with `--sandbox read-only`, so a command that writes in its worktree fails (codex has no
# hooks: the sandbox is the only guard). The sandbox also refuses the Unix socket that
# `fab plan write` needs (EPERM, measured with codex 0.169.0), so a codex planner's plan is
# the final answer of its latest turn; `fab plan read` gives it back. Prints ok/FAIL lines,
# then `N passed, N failed`; exits 1 on failure.
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
if grep -q -- '--sandbox read-only' "$FAB_DIR/agents/$ID/host.log" 2>/dev/null ||
   grep -q 'read-only' "$FAB_DIR/agents/$ID/spec.json" 2>/dev/null ||
   jq -e '.params.permission_mode == "plan"' "$FAB_DIR/agents/$ID/spec.json" >/dev/null 2>&1; then
  ok planner-spec-in-plan-mode
else
  fail planner-spec-in-plan-mode "" "$FAB_DIR/agents/$ID/spec.json"
fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

# The fake model echoes a plain message: "Echo: <message>" is the final answer.
fab agent send "$ID" $'# Codex plan\n\n1. Look\n2. Leap' >"$T/send.out" 2>&1
plan_stored() {
  fab plan read "$ID" --json 2>/dev/null |
    jq -e '.source == "final message" and (.body | contains("1. Look\n2. Leap"))' >/dev/null
}
if wait_until "$TURN_TIMEOUT" plan_stored; then ok final-answer-stored-as-plan
else fail final-answer-stored-as-plan "no plan stored" "$(hist "$ID")" "$FAB_DIR/fab.log"; fi

fab agent plan stop "$ID" >/dev/null 2>&1
wait_until 30 state_is "$ID" aborted done idle failed
finish
