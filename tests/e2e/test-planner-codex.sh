#!/usr/bin/env bash
# A fab planner with the real `codex` CLI (app-server) against tests/e2e/fake-model-server.mjs:
# every command is an approval request decided by fab's rules (a deny rule stops a write), and
# its read-only sandbox may reach fab.sock, so it stores its plan with `fab plan write`, as a claude planner does. Prints ok/FAIL lines, then
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
# Codex asks fab before every command (approval policy "untrusted"): a deny rule stops the
# touch. `fab plan write` is allowed by fab's planner policy, whatever the rules say.
deny_rule e2e-no-touch 'touch:*'
daemon_start || finish
if fab project add "$T/repo" --name web --planner-backend codex >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi

if fab agent plan --project web --json "FAKE:bash touch planned.txt" >"$T/plan.out" 2>&1; then
  ID=$(jq -r '.id // empty' <"$T/plan.out")
fi
if [ -n "${ID:-}" ] && [ "$(agent_json "$ID" | jq -r '.backend')" = codex ]; then ok planner-started
else fail planner-started "fab agent plan failed" "$T/plan.out" "$FAB_DIR/fab.log"; finish; fi
WT=$(worktree_of "$ID")

if wait_until "$TURN_TIMEOUT" text_seen "$ID" "e2e-no-touch" && [ ! -e "$WT/planned.txt" ] &&
   grep -q "agent=$ID tool=Bash decision=deny rule=\"e2e-no-touch\"" "$FAB_DIR/permissions.log"; then
  ok planner-command-denied-by-rule
else
  fail planner-command-denied-by-rule "planned.txt exists, no deny logged, or the model did not read the reason" "$(hist "$ID")" "$FAB_DIR/permissions.log"
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
# (--slurp: jq 1.6 -e exits 0 on empty input, i.e. when there is no plan yet.)
plan_stored() {
  fab plan read "$ID" --json 2>/dev/null |
    jq -e -s 'length == 1 and (.[0] | .source == "fab plan write" and (.body | contains("1. Look\n2. Leap")))' >/dev/null
}
if wait_until "$TURN_TIMEOUT" plan_stored &&
   grep -q "agent=$ID tool=Bash decision=allow rule=\"planner\"" "$FAB_DIR/permissions.log"; then
  ok plan-written-with-fab-plan-write
else fail plan-written-with-fab-plan-write "no plan stored: $(fab plan read "$ID" --json 2>&1 | head -c 300)" "$(hist "$ID")" "$FAB_DIR/fab.log"; fi
wait_until "$TURN_TIMEOUT" state_is "$ID" idle

fab agent plan stop "$ID" >/dev/null 2>&1
wait_until 30 state_is "$ID" aborted done idle failed
finish
