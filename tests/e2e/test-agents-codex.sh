#!/usr/bin/env bash
# fab with the real `codex` CLI (`codex app-server`, one long-lived process per agent) against
# tests/e2e/fake-model-server.mjs: a shell tool call and a follow-up turn in the same thread,
# the CLI SIGKILLed and resumed (thread/resume), every command and file change an approval
# request decided by fab's rules, even what codex's sandbox would allow (a deny rule stops
# `touch` in the worktree, `curl`, an apply_patch, an escalation, and the model reads the
# reason; an allow rule lets commands run, still fenced by the sandbox), a request no rule
# decides approved from the CLI (`fab permission allow`), a question
# (request_user_input) answered with `fab question answer`, the sandbox letting the agent
# commit in its worktree and reach fab.sock with `fab` found by name, the daemon SIGKILLed
# mid-turn (twice), and aborts (slow answer, running command, --force) leaving no process.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

BACKEND=codex
P_BASH="FAKE:bash"
USAGE_KIND=tokens
# Codex reports tokens only: fab prices them (the built-in gpt-5.5 default of fab.conf(5)).
PRICES="1.25 0.125 10"
TURN_TIMEOUT=40
ABORT_TOOL=1
slow_prompt() { echo "FAKE:slow $1"; }
SLOW_DONE() { echo "Slow reply done after $1 s."; }

# Every turn ran in one codex thread: each thread/start or thread/resume answer in the
# transcript names the same thread, the agent's session_id; one rollout file in CODEX_HOME.
same_session() {
  local ids sid rollouts
  ids=$(jq -r 'select(.src == "out") | .data | fromjson? |
               select((.id // "" | tostring) | test("^thread/(start|resume):")) | .result.thread.id // "none"' \
          "$FAB_DIR/agents/$1/transcript.jsonl" 2>/dev/null)
  sid=$(agent_json "$1" | jq -r '.session_id // empty')
  rollouts=$(find "$CODEX_HOME/sessions" -name "rollout-*$(echo "$ids" | head -1).jsonl" 2>/dev/null | wc -l)
  if [ -z "$ids" ]; then echo "no thread/start answer in the transcript"; return 1; fi
  if [ "$(echo "$ids" | sort -u | wc -l)" != 1 ]; then echo "the turns ran in different threads: $(echo $ids)"; return 1; fi
  if [ "$(echo "$ids" | head -1)" != "$sid" ]; then echo "thread $(echo "$ids" | head -1) is not the agent's session_id '$sid'"; return 1; fi
  if [ "$rollouts" != 1 ]; then echo "expected one rollout file for the thread, found $rollouts"; return 1; fi
}

# pending_id KIND ID: the id of agent ID's pending permission request (KIND permission) or
# question (KIND question), or nothing.
pending_id() {
  fab "$1" list --json 2>/dev/null |
    jq -r --arg id "$2" '(.requests // .questions // [])[] | select(.agent_id == $id) | .id' | head -1
}
has_pending() { [ -n "$(pending_id "$1" "$2")" ]; }

# Every command codex runs is first an approval request (thread and turns with approval
# policy "untrusted"), even one its sandbox would allow: here `touch` inside the worktree. A
# deny rule stops it: never run, logged, and the model reads the rule's reason.
flow_codex_deny() {
  local id f wt
  id=$(create_agent codex "FAKE:bash touch forbidden.txt")
  if [ -z "$id" ]; then fail codex-deny "fab agent create failed" "$T/create.out"; return; fi
  if ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1; then
    fail codex-deny "no turn result (state $(agent_state "$id"))" "$(hist "$id")" "$FAB_DIR/agents/$id/host.log"
    return
  fi
  f=$(hist "$id")
  wt=$(worktree_of "$id")
  if [ -z "$wt" ] || [ -e "$wt/forbidden.txt" ]; then
    fail codex-deny "forbidden.txt was created in '$wt' despite the deny rule" "$f"
  elif ! grep -q "agent=$id tool=Bash decision=deny rule=\"$DENY_RULE\"" "$FAB_DIR/permissions.log"; then
    fail codex-deny "no deny line for the rule in permissions.log" "$FAB_DIR/permissions.log"
  elif ! has_entry "$f" ".kind == \"tool_result\" and .is_error"; then
    fail codex-deny "the command's result is not an error (declined)" "$f"
  elif ! wait_until 20 text_seen "$id" "$DENY_RULE"; then
    fail codex-deny "the model's answers do not quote the deny reason ($DENY_RULE)" "$(hist "$id")"
  else
    ok codex-deny
  fi
}

# A command asking to leave the sandbox (the fake model's sandbox_permissions
# require_escalated) is decided the same way.
flow_codex_deny_escalated() {
  local id wt
  id=$(create_agent codex "FAKE:esc touch forbidden.txt")
  if [ -z "$id" ]; then fail codex-deny-escalated "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1 && [ -n "$wt" ] && [ ! -e "$wt/forbidden.txt" ] &&
     grep -q "agent=$id tool=Bash decision=deny rule=\"$DENY_RULE\"" "$FAB_DIR/permissions.log" &&
     wait_until 20 text_seen "$id" "$DENY_RULE"; then
    ok codex-deny-escalated
  else
    fail codex-deny-escalated "the escalated command was not denied by the rule" "$(hist "$id")" "$FAB_DIR/permissions.log"
  fi
}

# Network use the sandbox allows (network access is on, for fab.sock) is a command like any
# other: a deny rule on curl keeps it from fetching anything.
flow_codex_deny_network() {
  local id wt
  id=$(create_agent codex "FAKE:bash curl -s -o fetched.json http://127.0.0.1:$PORT/v1/models")
  if [ -z "$id" ]; then fail codex-deny-network "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1; then
    fail codex-deny-network "no turn result (state $(agent_state "$id"))" "$(hist "$id")"
  elif [ -z "$wt" ] || [ -e "$wt/fetched.json" ]; then
    fail codex-deny-network "curl ran despite the deny rule: $wt/fetched.json exists" "$(hist "$id")"
  elif ! grep -q "agent=$id tool=Bash decision=deny rule=\"e2e-no-curl\"" "$FAB_DIR/permissions.log"; then
    fail codex-deny-network "no deny line for e2e-no-curl in permissions.log" "$FAB_DIR/permissions.log"
  elif ! wait_until 20 text_seen "$id" "e2e-no-curl"; then
    fail codex-deny-network "the model's answers do not quote the deny reason" "$(hist "$id")"
  else
    ok codex-deny-network
  fi
}

# A file change (apply_patch) inside the worktree is matched as Write with its path: a deny
# rule on that path stops it.
flow_codex_file_deny_inside() {
  local id wt
  id=$(create_agent codex "FAKE:write secret.txt hi")
  if [ -z "$id" ]; then fail codex-file-deny-inside "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1 && [ -n "$wt" ] && [ ! -e "$wt/secret.txt" ] &&
     grep -q "agent=$id tool=Write decision=deny rule=\"e2e-no-secret\"" "$FAB_DIR/permissions.log" &&
     wait_until 20 text_seen "$id" "e2e-no-secret"; then
    ok codex-file-deny-inside
  else
    fail codex-file-deny-inside "the write of secret.txt was not denied by the rule" "$(hist "$id")" "$FAB_DIR/permissions.log"
  fi
}

# A file change outside the sandbox's writable roots (apply_patch): codex asks; it is matched
# as Write with its absolute path, and a deny rule on that path stops it.
OUTSIDE=/var/tmp/fab-e2e-$$
flow_codex_file_deny() {
  local id
  id=$(create_agent codex "FAKE:write $OUTSIDE/x.txt hi")
  if [ -z "$id" ]; then fail codex-file-deny "fab agent create failed" "$T/create.out"; return; fi
  if wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1 && [ ! -e "$OUTSIDE/x.txt" ] &&
     grep -q "agent=$id tool=Write decision=deny rule=\"e2e-no-outside\"" "$FAB_DIR/permissions.log" &&
     wait_until 20 text_seen "$id" "e2e-no-outside"; then
    ok codex-file-deny
  else
    fail codex-file-deny "the write outside was not denied by the rule" "$(hist "$id")" "$FAB_DIR/permissions.log"
  fi
  rm -rf "$OUTSIDE"
}

# An allow rule lets a command run without a human, logged as allowed (both commands, the
# second one outside the worktree).
flow_codex_rule_allows() {
  local id wt
  id=$(create_agent codex "FAKE:multi touch allowed-by-rule.txt ;; touch $OUTSIDE-fenced")
  if [ -z "$id" ]; then fail codex-rule-allows "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if wait_until "$TURN_TIMEOUT" text_seen "$id" "Ran 2 commands." && [ -f "$wt/allowed-by-rule.txt" ] &&
     [ "$(grep -c "agent=$id tool=Bash decision=allow rule=\"e2e-touch\"" "$FAB_DIR/permissions.log")" = 2 ]; then
    ok codex-rule-allows
  else
    fail codex-rule-allows "the allowed commands did not run (or were not logged)" "$(hist "$id")" "$FAB_DIR/permissions.log"
  fi
  # Whether codex's own sandbox still fences a command fab's rules allowed (the `touch`
  # outside the worktree) is codex's behaviour, not fab's, and it is not stable: it held in
  # the runs of tests/e2e/NOTES.md and did not in two later runs (the file was written).
  # fab's rule is the gate that is checked above; see NOTES.md.
  rm -f "$OUTSIDE-fenced"
}

# No rule decides: the request waits for a human; `fab permission allow` lets it run. mkdir
# inside the worktree is something the sandbox alone would have let run at once.
flow_codex_cli_approval() {
  local id wt rid
  id=$(create_agent codex "FAKE:bash mkdir approved-dir")
  if [ -z "$id" ]; then fail codex-cli-approval "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if ! wait_until "$TURN_TIMEOUT" has_pending permission "$id"; then
    fail codex-cli-approval "no pending permission request for 'mkdir approved-dir'" "$(hist "$id")" "$FAB_DIR/fab.log"
    return
  fi
  rid=$(pending_id permission "$id")
  if [ -e "$wt/approved-dir" ]; then fail codex-cli-approval "mkdir ran before anyone approved it"; return; fi
  if ! fab permission allow "$rid" >"$T/allow.out" 2>&1; then
    fail codex-cli-approval "fab permission allow $rid failed" "$T/allow.out"; return
  fi
  if wait_until "$TURN_TIMEOUT" text_seen "$id" "Ran it. Result: exit 0" && [ -d "$wt/approved-dir" ] &&
     grep -q "agent=$id tool=Bash decision=allow rule=\"human\"" "$FAB_DIR/permissions.log"; then
    ok codex-cli-approval
  else
    fail codex-cli-approval "approved, yet the command did not run (or was not logged)" "$(hist "$id")" "$FAB_DIR/permissions.log"
  fi
}

# request_user_input is a fab question; the answer reaches the model.
flow_codex_question() {
  local id qid
  id=$(create_agent codex "FAKE:ask Which color?|Red|Blue")
  if [ -z "$id" ]; then fail codex-question "fab agent create failed" "$T/create.out"; return; fi
  if ! wait_until "$TURN_TIMEOUT" has_pending question "$id"; then
    fail codex-question "no pending question" "$(hist "$id")" "$FAB_DIR/fab.log"; return
  fi
  qid=$(pending_id question "$id")
  if ! fab question answer "$qid" 2 >"$T/answer.out" 2>&1; then
    fail codex-question "fab question answer failed" "$T/answer.out"; return
  fi
  if wait_until "$TURN_TIMEOUT" text_seen "$id" "Got answer. Result:" && text_seen "$id" "Blue"; then
    ok codex-question
  else
    fail codex-question "the model did not get 'Blue'" "$(hist "$id")"
  fi
}

# The sandbox lets the agent commit in its worktree (git metadata writable) and run fab by
# name against fab.sock (network access for the unix socket; PATH kept: no login shell).
# Each command is allowed by a rule (simple commands: an allow rule never matches one with
# shell operators).
flow_codex_sandbox() {
  local id wt
  id=$(create_agent codex "FAKE:multi touch s.txt ;; git add s.txt ;; git commit -qm codex-commit ;; fab agent describe committed-from-the-sandbox ;; echo sandbox-ok")
  if [ -z "$id" ]; then fail codex-sandbox "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if wait_until "$TURN_TIMEOUT" text_seen "$id" "sandbox-ok" &&
     [ "$(git -C "$wt" log -1 --format=%s 2>/dev/null)" = "codex-commit" ] &&
     [ "$(agent_json "$id" | jq -r .description)" = "committed-from-the-sandbox" ]; then
    ok codex-sandbox-commit-and-fab
  else
    fail codex-sandbox-commit-and-fab "last commit '$(git -C "$wt" log -1 --format=%s 2>/dev/null)', description '$(agent_json "$id" | jq -r .description)'" "$(hist "$id")" "$FAB_DIR/permissions.log"
  fi
}

# With the daemon down (SIGKILLed while a command runs), the agent host decides the next
# approval requests by the rules itself, as claude's hook does without the daemon: the allowed
# `touch` runs and the turn ends with no daemon; a restarted daemon has it in its history.
flow_codex_rules_without_daemon() {
  local id wt
  id=$(create_agent codex "FAKE:multi sleep 3 ;; touch alone.txt")
  if [ -z "$id" ]; then fail codex-rules-without-daemon "fab agent create failed" "$T/create.out"; return; fi
  wt=$(worktree_of "$id")
  if ! wait_until "$TURN_TIMEOUT" eval "agent_pids $id >/dev/null; grep -q 'sleep 3' '$T/procs.$id'"; then
    fail codex-rules-without-daemon "the 'sleep 3' never ran" "$(hist "$id")" "$FAB_DIR/permissions.log"
    return
  fi
  daemon_kill9 || { fail codex-rules-without-daemon "could not kill the daemon"; return; }
  if wait_until 20 test -e "$wt/alone.txt" && wait_until 20 transcript_turn_ends_at_least "$id" 1 &&
     grep -q "agent=$id tool=Bash decision=allow rule=\"e2e-touch\"" "$FAB_DIR/permissions.log"; then
    ok codex-rules-without-daemon
  else
    fail codex-rules-without-daemon "with the daemon down the allowed touch did not run (or the turn did not end)" \
      "$FAB_DIR/agents/$id/transcript.jsonl" "$FAB_DIR/agents/$id/host.log" "$FAB_DIR/permissions.log"
  fi
  daemon_start || return
  if wait_until 20 text_seen "$id" "Ran 2 commands."; then
    ok codex-rules-without-daemon-history
  else
    fail codex-rules-without-daemon-history "the turn is not in the history after the restart" "$(hist "$id")" "$FAB_DIR/fab.log"
  fi
}

e2e_init codex
start_fake_server
use_codex
deny_rule "$DENY_RULE" 'touch forbidden.txt'
deny_rule e2e-no-curl 'curl:*'
allow_rule e2e-touch 'touch:*'
allow_rule e2e-sleep 'sleep:*'
allow_rule e2e-git 'git add:*'
allow_rule e2e-commit 'git commit:*'
allow_rule e2e-fab 'fab agent describe:*'
allow_rule e2e-echo 'echo:*'
deny_rule e2e-no-outside "/$OUTSIDE/x.txt" 'Write|Edit'
deny_rule e2e-no-secret "/secret.txt" 'Write|Edit'
project_start

flow_tool_and_followup
flow_cli_crash_resume
flow_codex_deny
flow_codex_deny_escalated
flow_codex_deny_network
flow_codex_file_deny_inside
flow_codex_file_deny
flow_codex_rule_allows
flow_codex_cli_approval
flow_codex_question
flow_codex_sandbox
flow_codex_rules_without_daemon
flow_daemon_crash
flow_abort
finish
