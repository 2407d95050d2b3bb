#!/usr/bin/env bash
# The orchestrator with the real `codex` CLI (app-server) against tests/e2e/fake-model-server.mjs: a project
# with one ready ticket is started; the orchestrator starts a codex task agent whose kickstart
# prompt (the project's kickstart-prompt file) is a FAKE:multi script that runs, as Bash tool
# calls through codex (inside its sandbox, which must let it commit and reach fab.sock), what share/kickstart.md asks a model to do:
#   fab issue ready; fab agent claim; fab agent describe; write + git commit;
#   fab issue close + git commit; fab agent done.
# Checked: the agent starts by itself, the claim is listed while it works, the work and the
# closed ticket land on main (fab's clone), the agent ends done, its claim is released and no
# second agent starts for the closed ticket.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
# shellcheck disable=SC2317 # the helpers are called through wait_until
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

N=orch-codex
TURN_TIMEOUT=60
TICKET=web-e2e1

# ---------- helpers ----------
task_agents() { fab agent list --json 2>/dev/null | jq -r '.agents[]? | select(.kind == "task") | .id'; }
one_agent() { [ "$(task_agents | grep -c .)" -ge 1 ]; }
claims_json() { fab claims --json 2>/dev/null; }
claimed_by() { claims_json | jq -e --arg t "$TICKET" --arg a "$1" '.claims | any(.ticket == $t and .agent_id == $a)' >/dev/null 2>&1; }
no_claims() { claims_json | jq -e '.claims | length == 0' >/dev/null 2>&1; }
on_main() { git -C "$CLONE" show "main:$1" 2>/dev/null; }
work_merged() { on_main e2e-work.txt | grep -q "work for $TICKET"; }
ticket_closed_on_main() { on_main ".tickets/$TICKET.md" | grep -q '^status: closed'; }
project_state() { fab status --json 2>/dev/null | jq -r '.projects[0].state // empty'; }
ran_ok() { # ran_ok ID TEXT: a Bash tool result of ID contains TEXT
  local f; f=$(hist "$1")
  has_entry "$f" ".kind == \"tool_result\" and ((.text // \"\") | contains($(jq -Rn --arg s "$2" '$s')))"
}

# ---------- setup ----------
e2e_init "$N"
start_fake_server
use_codex
make_repo "$T/repo"
mkdir -p "$T/repo/.tickets"
cat >"$T/repo/.tickets/$TICKET.md" <<EOF
---
id: $TICKET
status: open
deps: []
links: []
created: 2026-11-21T10:00:00Z
type: task
priority: 1
---
# Write e2e-work.txt

Create e2e-work.txt saying "work for $TICKET".
EOF
git -C "$T/repo" add .tickets && git -C "$T/repo" commit -q -m "ticket $TICKET"
# Every Bash call codex would ask about is allowed by a rule (none waits for a human); codex
# asks about none of these: they run inside its sandbox.
allow_rule e2e-everything ':*'
daemon_start || finish
if fab project add "$T/repo" --name web --max-agents 2 --agent-backend codex >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi
CLONE=$FAB_DIR/projects/web/repo

# What a model following share/kickstart.md would run (simple commands only: the allow rule
# never matches one with shell operators; "the work" is a copy of the ticket, whose text says
# "work for <ticket>").
cat >"$T/kickstart.txt" <<EOF
FAKE:multi fab issue ready ;; fab agent claim $TICKET ;; fab agent describe working-on-$TICKET ;; fab issue show $TICKET ;; cp .tickets/$TICKET.md e2e-work.txt ;; git add e2e-work.txt ;; git commit -q -m work-for-$TICKET ;; fab issue close $TICKET ;; git add .tickets ;; git commit -q -m close-$TICKET ;; fab agent done
EOF
if fab project config set web kickstart-prompt "$T/kickstart.txt" >"$T/config.out" 2>&1; then :; else fail "$N-config" "" "$T/config.out"; finish; fi

# ---------- start: an agent appears by itself ----------
if fab project start web >"$T/start.out" 2>&1 && [ "$(project_state)" = running ]; then
  ok "$N-start"
else
  fail "$N-start" "fab project start failed or state is '$(project_state)'" "$T/start.out" "$FAB_DIR/fab.log"
  finish
fi
if ! wait_until 30 one_agent; then
  fail "$N-spawn" "no task agent after 30 s" "$FAB_DIR/fab.log"
  finish
fi
ID=$(task_agents | head -1)
ok "$N-spawn"
log "agent $ID"

# ---------- claim (held while the agent works, or already released if it was quick) ----------
if wait_until "$TURN_TIMEOUT" eval "claimed_by $ID || ran_ok $ID 'claimed $TICKET'"; then
  ok "$N-claim"
else
  fail "$N-claim" "agent $ID never claimed $TICKET" "$(hist "$ID")" "$FAB_DIR/fab.log" "$T/server.log"
fi

# ---------- the work and the closed ticket reach main ----------
if wait_until "$TURN_TIMEOUT" work_merged; then
  ok "$N-work-merged"
else
  fail "$N-work-merged" "e2e-work.txt not on main of $CLONE (agent $ID is $(agent_state "$ID"))" "$(hist "$ID")" "$FAB_DIR/fab.log"
fi
if wait_until 10 ticket_closed_on_main; then
  ok "$N-ticket-closed"
else
  fail "$N-ticket-closed" "$TICKET is not closed on main" "$(hist "$ID")"
fi

# ---------- the agent ends done; its claim goes; no second agent ----------
if wait_until "$TURN_TIMEOUT" state_is "$ID" done; then
  ok "$N-done"
else
  fail "$N-done" "agent $ID is $(agent_state "$ID"), not done" "$(hist "$ID")" "$FAB_DIR/fab.log"
fi
if wait_until 10 no_claims; then
  ok "$N-claim-released"
else
  fail "$N-claim-released" "claims left: $(claims_json)"
fi
if [ "$(task_agents | grep -c .)" = 1 ] && [ "$(fab status --json | jq -r '.projects[0].ready_tickets')" = 0 ]; then
  ok "$N-no-second-agent"
else
  fail "$N-no-second-agent" "task agents: $(task_agents | tr '\n' ' '); status: $(fab status --json | jq -c '.projects[0]')"
fi

finish
