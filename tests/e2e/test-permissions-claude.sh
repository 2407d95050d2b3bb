#!/usr/bin/env bash
# fab's human-decision path with the real `claude` CLI against tests/e2e/fake-model-server.mjs.
# No permission rule matches, so `fab hook PreToolUse` answers "ask", claude sends a
# `can_use_tool` control request and the daemon lists it for a human:
#   1. `fab permission allow`: the waiting Bash call runs only once allowed;
#   2. `fab permission deny --reason`: the call never runs, the model quotes the reason;
#   3. AskUserQuestion: `fab question list` / `fab question answer <id> 2`;
#   4. `fab permission allow --always`: an exact rule lands in the project's permissions.ini and
#      the same command in a later turn runs without a new request;
#   5. `[defaults] permission-timeout = 2`: an unanswered request and an unanswered question are
#      denied by themselves, and the model hears why.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
# shellcheck disable=SC2317 # the helpers are called through wait_until
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

BACKEND=claude
TURN_TIMEOUT=30
N=claude-perm

# ---------- helpers ----------
# pending_perm ID / pending_question ID: the pending request (question) of agent ID as one JSON
# object, from `fab permission list --json` (`fab question list --json`); empty when none.
pending_perm() {
  fab permission list --json 2>/dev/null |
    jq -c --arg a "$1" '[.requests[]? | select(.agent_id == $a)] | first // empty' 2>/dev/null
}
pending_question() {
  fab question list --json 2>/dev/null |
    jq -c --arg a "$1" '[.questions[]? | select(.agent_id == $a)] | first // empty' 2>/dev/null
}
has_pending_perm() { [ -n "$(pending_perm "$1")" ]; }
has_pending_question() { [ -n "$(pending_question "$1")" ]; }
no_pending_perm() { [ -z "$(pending_perm "$1")" ]; }

# permission_entries ID: how many can_use_tool requests the agent's history holds.
permission_entries() {
  local f; f=$(hist "$1")
  entries "$f" '.kind == "permission"' | grep -c .
}

# turn_text_has ID TEXT: some turn_result of ID contains TEXT (the model's final answer).
turn_text_has() {
  local f; f=$(hist "$1")
  has_entry "$f" ".kind == \"turn_result\" and ((.text // \"\") | contains($(jq -Rn --arg s "$2" '$s')))"
}

# new_agent VAR NAME PROMPT: creates an agent, its id into VAR (empty on failure, reported as
# NAME; not in a $(…): the counters must not be lost in a subshell).
new_agent() {
  local _new_id
  _new_id=$(create_agent "$BACKEND" "$3")
  printf -v "$1" '%s' "$_new_id"
  if [ -z "$_new_id" ]; then fail "$2" "fab agent create failed" "$T/create.out" "$FAB_DIR/fab.log"; return 1; fi
  log "$2: agent $_new_id"
}

# wait_request NAME ID: waits for the agent's pending permission request; its JSON in $REQ.
wait_request() {
  REQ=
  if ! wait_until "$TURN_TIMEOUT" has_pending_perm "$2"; then
    fail "$1" "no pending request for agent $2 in 'fab permission list --json' after ${TURN_TIMEOUT}s (state $(agent_state "$2"))" \
      "$(hist "$2")" "$FAB_DIR/permissions.log" "$FAB_DIR/fab.log"
    return 1
  fi
  REQ=$(pending_perm "$2")
  log "$1: request $REQ"
}

# check_request NAME REQ COMMAND: the listed request is a Bash call of exactly COMMAND.
check_request() {
  local tool cmd
  tool=$(echo "$2" | jq -r '.tool_name // empty')
  cmd=$(echo "$2" | jq -r '.tool_input.command // empty')
  if [ "$tool" != Bash ] || [ "$cmd" != "$3" ]; then
    fail "$1" "the listed request is tool '$tool' command '$cmd', not Bash '$3': $2"
    return 1
  fi
}

# take_request NAME ID COMMAND: waits for agent ID's pending request and checks that it is Bash
# COMMAND; its id in $RID, the agent's worktree in $WT. 1 when there is no agent ID, or (with a
# FAIL line for NAME) no such request.
take_request() {
  [ -n "$2" ] || return 1
  wait_request "$1" "$2" || return 1
  check_request "$1" "$REQ" "$3" || return 1
  RID=$(echo "$REQ" | jq -r .id)
  WT=$(worktree_of "$2")
}

# settled NAME ID KIND WHAT: ok NAME when agent ID has no pending KIND (perm | question) left
# after its turn; else a FAIL line naming the WHAT still listed.
settled() {
  local p; p=$(pending_"$3" "$2")
  if [ -n "$p" ]; then fail "$1" "the $4 is still listed after the turn: $p"; else ok "$1"; fi
}

# respond NAME OUT CMD...: the human's answer, CMD, its output in $T/OUT.out; 1 (and a FAIL
# line for NAME) when it fails.
respond() {
  local n=$1 out=$T/$2.out; shift 2
  "$@" >"$out" 2>&1 && return 0
  fail "$n" "$* failed" "$out" "$FAB_DIR/fab.log"
  return 1
}

# await_turn NAME ID WHAT [FILE...]: waits for agent ID's first turn result, which comes after
# WHAT; 1 (and a FAIL line for NAME showing its history and each FILE) when none comes.
await_turn() {
  local n=$1 id=$2 what=$3; shift 3
  wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1 && return 0
  fail "$n" "no turn result after the $what (state $(agent_state "$id"))" "$(hist "$id")" "$@"
  return 1
}

# ---------- setup ----------
e2e_init claude-perm
start_fake_server
use_claude
project_start

# The allow, deny and question agents run side by side: each waits for a human.
new_agent A_ALLOW "$N-allow" "FAKE:bash touch approved.txt"
new_agent A_DENY "$N-deny" "FAKE:bash touch denied.txt"
new_agent A_ASK "$N-question" "FAKE:ask Which database?|Postgres|SQLite"
new_agent A_ALWAYS "$N-always" "FAKE:bash touch again.txt"

# ---------- 1. allow ----------
flow_allow() {
  local n=$N-allow id=$A_ALLOW wt rid f
  take_request "$n" "$id" "touch approved.txt" || return
  rid=$RID wt=$WT
  if [ -z "$wt" ] || [ ! -d "$wt" ]; then fail "$n" "no worktree '$wt'"; return; fi
  if [ -e "$wt/approved.txt" ]; then
    fail "$n" "approved.txt exists before anyone allowed the call" "$FAB_DIR/permissions.log"
    return
  fi
  if ! state_is "$id" running; then
    fail "$n" "waiting for a human, the agent is '$(agent_state "$id")', not running"
  fi
  respond "$n" allow fab permission allow "$rid" || return
  if ! wait_until "$TURN_TIMEOUT" test -e "$wt/approved.txt"; then
    fail "$n" "approved.txt did not appear after 'fab permission allow'" "$(hist "$id")" "$FAB_DIR/fab.log"
    return
  fi
  await_turn "$n" "$id" allow || return
  f=$(hist "$id")
  if ! has_entry "$f" '.kind == "assistant_text" and ((.text // "") | startswith("Ran it."))'; then
    fail "$n" "no 'Ran it…' answer in the history" "$f"
  elif has_entry "$f" '.kind == "tool_result" and .is_error == true'; then
    fail "$n" "the allowed call's tool result is an error: $(entries "$f" '.kind == "tool_result"' | jq -r .text)" "$f"
  else
    settled "$n" "$id" perm request
  fi
}

# ---------- 2. deny with a reason ----------
flow_deny_reason() {
  local n=$N-deny id=$A_DENY wt rid f
  take_request "$n" "$id" "touch denied.txt" || return
  rid=$RID wt=$WT
  respond "$n" deny fab permission deny "$rid" --reason "not on my watch" || return
  await_turn "$n" "$id" deny || return
  f=$(hist "$id")
  if [ -z "$wt" ] || [ -e "$wt/denied.txt" ]; then
    fail "$n" "denied.txt was created in '$wt' although the call was denied" "$f"
  elif ! has_entry "$f" '.kind == "tool_result" and .is_error == true and ((.text // "") | contains("not on my watch"))'; then
    fail "$n" "no error tool_result carrying 'not on my watch'" "$f"
  elif ! turn_text_has "$id" "not on my watch"; then
    fail "$n" "the model's answer does not quote 'not on my watch'" "$f"
  else
    settled "$n" "$id" perm request
  fi
}

# ---------- 3. AskUserQuestion ----------
flow_question() {
  local n=$N-question id=$A_ASK q rid f opts
  [ -n "$id" ] || return
  if ! wait_until "$TURN_TIMEOUT" has_pending_question "$id"; then
    fail "$n" "no pending question for agent $id in 'fab question list --json' after ${TURN_TIMEOUT}s (permission list: $(pending_perm "$id"))" \
      "$(hist "$id")" "$FAB_DIR/fab.log"
    return
  fi
  q=$(pending_question "$id")
  log "$n: question $q"
  rid=$(echo "$q" | jq -r .id)
  opts=$(echo "$q" | jq -c '[.tool_input.questions[]? | select(.question == "Which database?") | .options[]?.label]')
  if [ "$opts" != '["Postgres","SQLite"]' ]; then
    fail "$n" "the listed question has options $opts, not Postgres and SQLite: $q"
    return
  fi
  if has_pending_perm "$id"; then
    fail "$n" "the question is also listed as a permission request: $(pending_perm "$id")"
  fi
  respond "$n" answer fab question answer "$rid" 2 || return
  await_turn "$n" "$id" answer || return
  f=$(hist "$id")
  if ! turn_text_has "$id" '"Which database?"="SQLite"'; then
    fail "$n" "the model's answer does not quote \"Which database?\"=\"SQLite\": $(entries "$f" '.kind == "turn_result"' | jq -r .text)" "$f"
  else
    settled "$n" "$id" question question
  fi
}

# ---------- 4. allow --always ----------
# always_rule FILE CMD: FILE has a [rule "…"] section with tool = Bash, action = allow and
# pattern = CMD (and no other pattern).
always_rule() {
  [ -f "$1" ] || return 1
  awk -v want="$2" '
    function flush() { if (insec && tool == "Bash" && action == "allow" && pattern == want && patterns == "") found = 1 }
    /^[ \t]*\[/ { flush(); insec = ($0 ~ /^[ \t]*\[rule /); tool = action = pattern = patterns = ""; next }
    insec && /=/ {
      k = $0; sub(/=.*/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", k)
      v = $0; sub(/^[^=]*=/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v)
      if (k == "tool") tool = v; else if (k == "action") action = v
      else if (k == "pattern") pattern = v; else if (k == "patterns") patterns = v
    }
    END { flush(); exit !found }' "$1"
}

flow_always() {
  local n=$N-always id=$A_ALWAYS wt rid f rules=$FAB_DIR/projects/web/permissions.ini
  take_request "$n" "$id" "touch again.txt" || return
  rid=$RID wt=$WT
  respond "$n" always fab permission allow --always "$rid" || return
  if ! wait_until "$TURN_TIMEOUT" test -e "$wt/again.txt" || ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1; then
    fail "$n" "again.txt did not appear, or no turn result, after 'fab permission allow --always' (state $(agent_state "$id"))" \
      "$(hist "$id")" "$FAB_DIR/fab.log"
    return
  fi
  if always_rule "$rules" "touch again.txt"; then
    ok "$n-rule"
  else
    fail "$n-rule" "no rule allowing exactly Bash 'touch again.txt' in $rules" "$rules" "$FAB_DIR/fab.log"
  fi

  # The same command in a new turn: no new request, it just runs.
  wait_until 10 state_is "$id" idle
  rm -f "$wt/again.txt"
  if ! fab agent send "$id" "FAKE:bash touch again.txt" >"$T/send.out" 2>&1; then
    fail "$n-reused" "fab agent send failed" "$T/send.out"
    return
  fi
  if ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 2; then
    local p; p=$(pending_perm "$id")
    fail "$n-reused" "no second turn result after ${TURN_TIMEOUT}s (state $(agent_state "$id"))${p:+; pending request: $p}" \
      "$(hist "$id")" "$FAB_DIR/permissions.log"
    return
  fi
  f=$(hist "$id")
  local k; k=$(permission_entries "$id")
  if [ ! -e "$wt/again.txt" ]; then
    fail "$n-reused" "again.txt was not created again in the second turn" "$f" "$FAB_DIR/permissions.log"
  elif [ "$k" != 1 ]; then
    fail "$n-reused" "the history holds $k permission requests, not 1: the second call asked again" "$f" "$FAB_DIR/permissions.log"
  elif ! grep -q "agent=$id tool=Bash decision=allow rule=\"always-Bash-[^\"]*\" subject=\"touch again.txt\"" "$FAB_DIR/permissions.log" 2>/dev/null; then
    fail "$n-reused" "permissions.log shows no allow of the second call by the always-Bash-… rule" "$FAB_DIR/permissions.log"
  else
    ok "$n-reused"
  fi
}

# ---------- 5. permission-timeout ----------
flow_timeout() {
  local n=$N-timeout id qid
  printf '\n[defaults]\npermission-timeout = 2\n' >>"$FAB_DIR/config/config.ini"
  kill -HUP "$(daemon_pid)" 2>/dev/null
  if ! wait_until 10 grep -q 'configuration reloaded' "$FAB_DIR/fab.log"; then
    fail "$n" "the daemon did not log 'configuration reloaded' after SIGHUP" "$FAB_DIR/fab.log"
  fi
  new_agent id "$n" "FAKE:bash touch late.txt"
  new_agent qid "$n-question" "FAKE:ask Which colour?|Red|Blue"
  [ -n "$id" ] && timeout_request "$id"
  [ -n "$qid" ] && timeout_question "$qid"
}

# An unanswered Bash request is denied by itself; the model hears that no human answered.
timeout_request() {
  local n=$N-timeout id=$1 f wt t0
  wait_request "$n" "$id" || return
  check_request "$n" "$REQ" "touch late.txt" || return
  t0=$SECONDS
  local created waited
  created=$(echo "$REQ" | jq -r '.created_ms // 0')
  wt=$(worktree_of "$id")
  if ! wait_until 15 no_pending_perm "$id"; then
    fail "$n" "the request is still pending $((SECONDS - t0)) s later, with permission-timeout = 2" "$FAB_DIR/fab.log"
    return
  fi
  waited=$(( $(date +%s%3N) - created ))
  if [ "$waited" -lt 1900 ]; then
    fail "$n" "the request was gone ${waited} ms after it was made, before the 2 s timeout" "$FAB_DIR/fab.log"
    return
  fi
  await_turn "$n" "$id" timeout "$FAB_DIR/fab.log" || return
  f=$(hist "$id")
  if [ -z "$wt" ] || [ -e "$wt/late.txt" ]; then
    fail "$n" "late.txt was created although nobody allowed the call" "$f"
  elif ! turn_text_has "$id" "no human answered"; then
    fail "$n" "the model's answer does not say that no human answered: $(entries "$f" '.kind == "turn_result"' | jq -r .text)" "$f"
  else
    ok "$n (request gone ${waited} ms after it was made)"
  fi
}

# An unanswered question times out to "The user did not answer."
timeout_question() {
  local n=$N-timeout-question qid=$1 f
  if ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$qid" 1; then
    fail "$n" "no turn result for the unanswered question (state $(agent_state "$qid"); pending: $(pending_question "$qid"))" \
      "$(hist "$qid")" "$FAB_DIR/fab.log"
    return
  fi
  f=$(hist "$qid")
  if ! has_entry "$f" '.kind == "permission" and .tool_name == "AskUserQuestion"'; then
    fail "$n" "the question never reached fab (no permission entry in the history)" "$f"
  elif ! turn_text_has "$qid" "The user did not answer."; then
    fail "$n" "the model's answer does not quote 'The user did not answer.': $(entries "$f" '.kind == "turn_result"' | jq -r .text)" "$f"
  else
    ok "$n"
  fi
}

flow_allow
flow_deny_reason
flow_question
flow_always
flow_timeout
finish
