# shellcheck shell=bash
# The agent flows the e2e tests run through fab, for any backend. Source after common.sh.
#
# The test script sets, before calling the flows:
#   BACKEND        claude | codex | scripted
#   P_BASH         prompt prefix for a shell tool call ("FAKE:bash" / "SCRIPT:bash")
#   slow_prompt N  function: prints a prompt whose answer streams for N seconds
#   SLOW_DONE      function: prints the text the slow answer ends with (N as $1)
#                  (default: "Slow reply done after N s.", as the fake server and slow_prompt say)
#   USAGE_KIND     cost (turn results must have cost_usd > 0; the default) | tokens
#                  (input_tokens > 0)
#   same_session ID  function: 0 when every turn of ID ran in one session (prints why not)
#                  (default: claude_same_session)
#   TURN_TIMEOUT   seconds to wait for one ordinary turn (default 40)
#   ABORT_TOOL     1 (the default): flow_abort also aborts during a Bash tool; empty: not
#   DENY_RULE      name of a deny rule for `touch forbidden.txt` (flow_deny; default
#                  e2e-no-forbidden-<pid>)
#   before_followup ID  optional function, run before the follow-up is sent
# and gets, per flow, `ok`/`fail` lines named <backend>-<check>.

TURN_TIMEOUT=${TURN_TIMEOUT:-40}
USAGE_KIND=${USAGE_KIND:-cost}
ABORT_TOOL=${ABORT_TOOL-1}
DENY_RULE=${DENY_RULE:-e2e-no-forbidden-$$}
SLOW_DONE() { echo "Slow reply done after $1 s."; }
same_session() { claude_same_session "$1"; }

# ---------- history helpers (over `fab agent history --json`) ----------
# hist ID: the history into $T/hist.<ID> (also returned as the file name).
hist() { fab agent history "$1" --json >"$T/hist.$1" 2>&1; echo "$T/hist.$1"; }

# entries FILE JQ-SELECT: the entries for which SELECT is true, one JSON object a line.
entries() { jq -c --slurp "[.[] | (.entries // [])[] | select($2)] | .[]" "$1" 2>/dev/null; }
has_entry() { [ -n "$(entries "$1" "$2" | head -1)" ]; }

worktree_of() { agent_json "$1" | jq -r '.worktree // empty'; }

# text_seen ID TEXT: some assistant text or turn result of ID contains TEXT.
text_seen() {
  local f; f=$(hist "$1")
  has_entry "$f" "(.kind == \"assistant_text\" or .kind == \"turn_result\") and ((.text // \"\") | contains(\"$2\"))"
}

# turn_started ID N: the agent's history shows the start of its Nth turn (claude: an init
# line; codex: turn.started; scripted: init) after its Nth input.
turn_started() {
  local f; f=$(hist "$1")
  local n
  n=$(jq -s '[.[] | select(.src == "out") | .data | (fromjson? // {}) |
              select((.type == "system" and .subtype == "init") or .type == "turn.started" or .method == "turn/started")] | length' "$f" 2>/dev/null)
  [ "${n:-0}" -ge "$2" ]
}

# The record offsets of ID's history are exactly 0..N-1, each once, in order; N = the
# transcript's line count. Prints the problem when not.
offsets_exact() {
  local f; f=$(hist "$1")
  local tr=$FAB_DIR/agents/$1/transcript.jsonl
  local lines; lines=$(grep -c '' "$tr" 2>/dev/null || echo '?')
  jq -rs --argjson lines "${lines//\?/-1}" '
    [.[].offset] as $o
    | ($o | length) as $n
    | if $n == 0 then "no records"
      elif $o != [range(0; $n)] then
        "offsets are not 0..\($n - 1) in order: dups=\([$o | group_by(.) | .[] | select(length > 1) | .[0]]) missing=\([range(0; ($o | max) + 1)] - $o) first=\($o[0:5]) "
      elif $lines >= 0 and $n != $lines then "history has \($n) records, the transcript \($lines) lines"
      else "ok" end' "$f" 2>&1 | { read -r r; if [ "$r" != ok ]; then echo "$r"; return; fi
        local lo; lo=$(agent_json "$1" | jq -r '.last_offset // "none"')
        local n; n=$(jq -s 'length' "$f")
        if [ "$lo" != "$((n - 1))" ]; then echo "fab agent list says last_offset $lo, the history ends at $((n - 1))"; else echo ok; fi; }
}

# start_attach ID: `fab attach --agent ID --json` in the background, into $T/attach.ID.<k>
# (a new file each time: a daemon crash ends the previous one).
ATTACH_K=0
start_attach() {
  ATTACH_K=$((ATTACH_K + 1))
  fab attach --agent "$1" --json >"$T/attach.$1.$ATTACH_K" 2>&1 &
  ATTACH_PIDS="${ATTACH_PIDS:-} $!"
}
stop_attach() { [ -n "${ATTACH_PIDS:-}" ] && kill $ATTACH_PIDS 2>/dev/null; ATTACH_PIDS=; return 0; }
# attach_dups ID: "ok", or the offsets that reached attached clients more than once, over
# every attach session (daemon restarts included).
attach_dups() {
  local d
  d=$(cat "$T"/attach."$1".* 2>/dev/null | grep '^{' |
      jq -sc --arg id "$1" '[.[] | select(.type == "event" and .event == "agent.output" and .agent_id == $id) | .offset]
                            | {n: length, dups: [group_by(.) | .[] | select(length > 1) | .[0]]}' 2>&1)
  if [ "$(echo "$d" | jq -r '.dups | length' 2>/dev/null)" = 0 ]; then echo ok; else echo "agent.output events: $d"; fi
}

# usage_matches ID: `fab agent list --json` usage == the sum of the turn results' usage.
# With PRICES="input cached-input output" (USD per Mtok; a CLI that reports no cost, codex),
# the listed cost must be those prices applied to the listed tokens instead.
# Prints "ok" or the two sums.
usage_matches() {
  local f; f=$(hist "$1")
  local sum list
  sum=$(jq -cs '[.[] | (.entries // [])[] | select(.kind == "turn_result") | .usage // {}]
         | {n: length,
            input_tokens: (map(.input_tokens // 0) | add // 0),
            output_tokens: (map(.output_tokens // 0) | add // 0),
            cache_read_tokens: (map(.cache_read_tokens // 0) | add // 0),
            cost_usd: (map(.cost_usd // 0) | add // 0)}' "$f")
  list=$(agent_json "$1" | jq -c '.usage')
  jq -rn --argjson s "$sum" --argjson l "$list" --arg prices "${PRICES:-}" '
    ($prices | split(" ") | map(select(. != "") | tonumber)) as $p
    | (if ($p | length) == 3
       then ((($l.input_tokens + ($l.cache_creation_tokens // 0)) * $p[0]
              + ($l.cache_read_tokens // 0) * $p[1] + $l.output_tokens * $p[2]) / 1e6)
       else $s.cost_usd end) as $cost
    | if ($s.input_tokens == $l.input_tokens and $s.output_tokens == $l.output_tokens
        and $s.cache_read_tokens == ($l.cache_read_tokens // 0)
        and ((($cost - ($l.cost_usd // 0)) | fabs) < 1e-9)
        and ($l.input_tokens == 0 or ($l.cost_usd // 0) > 0))
    then "ok" else "turn results (\($s.n)) sum to \($s) (cost expected \($cost)) but agent list says \($l)" end' 2>&1
}

# transcript_turn_ends_at_least ID N: the raw transcript holds N ends of turn (claude's
# `result`, codex's turn.completed/turn.failed), whether or not the daemon has seen them.
transcript_turn_ends_at_least() {
  local c
  c=$(jq -c 'select(.src == "out") | .data | fromjson? |
             select(.type == "result" or .type == "turn.completed" or .type == "turn.failed" or .method == "turn/completed")' \
        "$FAB_DIR/agents/$1/transcript.jsonl" 2>/dev/null | wc -l)
  [ "$c" -ge "$2" ]
}

# host_pid_of ID: the pid of ID's host (from the transcript's host_started records, last one).
host_pid_of() {
  jq -r 'select(.src == "host") | .data | fromjson? | select(.event == "host_started") | .pid' \
    "$FAB_DIR/agents/$1/transcript.jsonl" 2>/dev/null | tail -1
}

# watch_children PID FILE: in the background, records the command line of every child of PID
# (one line each) until PID exits. Used to see the CLI's argv per turn.
watch_children() {
  local h=$1 out=$2
  (
    declare -A seen
    local hc c cl
    hc=$(tr '\0' ' ' 2>/dev/null <"/proc/$h/cmdline")
    while [ -d "/proc/$h" ]; do
      for c in $(cat /proc/"$h"/task/*/children 2>/dev/null); do
        [ -n "${seen[$c]:-}" ] && continue
        # A child caught between fork and exec shows an empty or the host's own
        # command line: look at it again next round.
        cl=$(tr '\0' ' ' 2>/dev/null <"/proc/$c/cmdline")
        if [ -z "$cl" ] || [ "$cl" = "$hc" ]; then continue; fi
        seen[$c]=1
        printf '%s %s\n' "$c" "$cl" >>"$out"
      done
      sleep 0.02
    done
  ) &
  # shellcheck disable=SC2034 # read by the test scripts
  WATCH_PID=$!
}

# usage_sel: a jq condition on an entry (or agent) with usage, per USAGE_KIND.
usage_sel() {
  if [ "$USAGE_KIND" = cost ]; then echo '(.usage.cost_usd // 0) > 0'
  else echo '(.usage.input_tokens // 0) > 0 and (.usage.output_tokens // 0) > 0'; fi
}

# claude_same_session ID: every turn of ID ran in one claude session: the raw init lines (one
# per turn) all carry the same session_id, the agent's. Prints why not.
claude_same_session() {
  local ids n sid
  ids=$(jq -r 'select(.src == "out") | .data | fromjson? | select(.type == "system" and .subtype == "init") | .session_id // "none"' \
          "$FAB_DIR/agents/$1/transcript.jsonl" 2>/dev/null)
  n=$(echo "$ids" | grep -c .)
  sid=$(agent_json "$1" | jq -r '.session_id // empty')
  if [ "$n" -lt 2 ]; then echo "expected an init line per turn, found $n"; return 1; fi
  if [ "$(echo "$ids" | sort -u | wc -l)" != 1 ]; then echo "the turns ran in different sessions: $(echo $ids)"; return 1; fi
  if [ "$(echo "$ids" | head -1)" != "$sid" ]; then echo "session $(echo "$ids" | head -1) is not the agent's session_id '$sid'"; return 1; fi
}

# ---------- setup and the whole run ----------

# project_start: the repo $T/repo, the daemon and project `web` on it (20 agents); the test
# ends (finish) when the daemon or the project fails.
project_start() {
  make_repo "$T/repo"
  daemon_start || finish
  if fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi
}

# flows_setup: the rules the flows rely on (DENY_RULE; touch and sleep allowed), then
# project_start.
flows_setup() {
  deny_rule "$DENY_RULE" 'touch forbidden.txt'
  allow_rule e2e-touch 'touch:*'
  allow_rule e2e-sleep 'sleep:*'
  project_start
}

# run_flows: every flow below, in order, then finish.
run_flows() {
  flow_tool_and_followup
  flow_cli_crash_resume
  flow_deny
  flow_daemon_crash
  flow_abort
  finish
}

# ---------- flows ----------

# 1 + 2: a tool call allowed by a rule, then a follow-up in the same session.
# Sets TOOL_AGENT.
flow_tool_and_followup() {
  local n=$BACKEND id f wt
  id=$(create_agent "$BACKEND" "$P_BASH touch e2e.txt")
  TOOL_AGENT=$id
  if [ -z "$id" ]; then
    fail "$n-tool" "fab agent create failed" "$T/create.out" "$FAB_DIR/fab.log"
    fail "$n-followup" "no agent"
    return
  fi
  log "$n: tool agent $id"
  if ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1; then
    fail "$n-tool" "no turn result after ${TURN_TIMEOUT}s (state $(agent_state "$id"))" \
      "$(hist "$id")" "$FAB_DIR/agents/$id/host.log" "$FAB_DIR/fab.log"
  else
    f=$(hist "$id")
    wt=$(worktree_of "$id")
    if [ -z "$wt" ] || [ ! -f "$wt/e2e.txt" ]; then
      fail "$n-tool" "e2e.txt not in the worktree '$wt'" "$f"
    elif ! has_entry "$f" '.kind == "tool_use" and (tostring | contains("touch e2e.txt"))'; then
      fail "$n-tool" "no tool_use entry for 'touch e2e.txt' in the history" "$f"
    elif ! has_entry "$f" '.kind == "tool_result"'; then
      fail "$n-tool" "no tool_result entry in the history" "$f"
    elif ! has_entry "$f" '.kind == "assistant_text" and ((.text // "") | startswith("Ran it."))'; then
      fail "$n-tool" "no final 'Ran it…' answer in the history" "$f"
    else
      ok "$n-tool"
    fi
    local usel; usel=$(usage_sel)
    if ! has_entry "$f" ".kind == \"turn_result\" and $usel"; then
      fail "$n-turn-usage" "no turn_result entry with $usel" "$f"
    elif ! agent_json "$id" | jq -e -s "length == 1 and (.[0] | $usel)" >/dev/null; then
      fail "$n-turn-usage" "fab agent list --json shows no usage: $(agent_json "$id" | jq -c .usage)"
    else
      ok "$n-turn-usage"
    fi
  fi

  # 2. follow-up: same session, answered.
  wait_until 10 state_is "$id" idle || log "$n: state before send: $(agent_state "$id")"
  if declare -F before_followup >/dev/null; then before_followup "$id"; fi
  if ! fab agent send "$id" "hello again" >"$T/send.out" 2>&1; then
    fail "$n-followup" "fab agent send failed" "$T/send.out"
    return
  fi
  if ! wait_until "$TURN_TIMEOUT" text_seen "$id" "Echo: hello again"; then
    fail "$n-followup" "no 'Echo: hello again' after ${TURN_TIMEOUT}s (state $(agent_state "$id"))" \
      "$(hist "$id")" "$FAB_DIR/agents/$id/host.log"
    return
  fi
  wait_until 10 turn_results_at_least "$id" 2
  local why
  if why=$(same_session "$id"); then
    ok "$n-followup"
  else
    fail "$n-followup" "$why" "$(hist "$id")"
  fi
}

# 3. a command denied by a rule never runs and the model hears why.
flow_deny() {
  local n=$BACKEND id f wt
  id=$(create_agent "$BACKEND" "$P_BASH touch forbidden.txt")
  if [ -z "$id" ]; then fail "$n-deny" "fab agent create failed" "$T/create.out"; return; fi
  log "$n: deny agent $id"
  if ! wait_until "$TURN_TIMEOUT" turn_results_at_least "$id" 1; then
    fail "$n-deny" "no turn result after ${TURN_TIMEOUT}s (state $(agent_state "$id"))" \
      "$(hist "$id")" "$FAB_DIR/agents/$id/host.log"
    return
  fi
  f=$(hist "$id")
  wt=$(worktree_of "$id")
  if [ -z "$wt" ] || [ -e "$wt/forbidden.txt" ]; then
    fail "$n-deny" "forbidden.txt was created in '$wt' despite the deny rule" "$f"
  elif ! has_entry "$f" ".kind == \"tool_result\" and (tostring | contains(\"$DENY_RULE\"))"; then
    fail "$n-deny" "no tool_result carrying the deny rule's name ($DENY_RULE)" "$f" "$FAB_DIR/permissions.log"
  elif ! has_entry "$f" ".kind == \"turn_result\" and ((.text // \"\") | contains(\"$DENY_RULE\"))"; then
    fail "$n-deny" "the model's answer does not quote the deny reason ($DENY_RULE)" "$f"
  else
    ok "$n-deny"
  fi
}

# 4. the daemon is SIGKILLed mid-turn, twice: (a) restarted at once while the answer still
# streams; (b) kept down until the turn has ended (the host writes on alone), then restarted.
# The agent survives, both turns complete, the history has every offset once, usage is not
# double counted.
flow_daemon_crash() {
  local n=$BACKEND id f s
  id=$(create_agent "$BACKEND" "$(slow_prompt 6)")
  if [ -z "$id" ]; then fail "$n-crash-survives" "fab agent create failed" "$T/create.out"; return; fi
  log "$n: crash agent $id"
  start_attach "$id"
  if ! wait_until 20 turn_started "$id" 1; then
    fail "$n-crash-survives" "the slow turn did not start (state $(agent_state "$id"))" "$(hist "$id")"
    return
  fi
  sleep 1 # not an assertion: let the model call get going, so that the kill lands mid-stream
  if turn_results_at_least "$id" 1; then
    fail "$n-crash-survives" "the slow turn ended before the kill; the test is not testing anything" "$(hist "$id")"
  fi
  local hostpid; hostpid=$(host_pid_of "$id")
  daemon_kill9 || { fail "$n-crash-survives" "could not kill the daemon"; return; }
  daemon_start || return
  start_attach "$id"
  s=$(agent_state "$id")
  case $s in
    running|idle) ok "$n-crash-survives" ;;
    *) fail "$n-crash-survives" "after the restart the agent is '$s', not running/idle" \
         "$FAB_DIR/fab.log" "$FAB_DIR/agents/$id/host.log" ;;
  esac
  if [ -n "$hostpid" ] && ! kill -0 "$hostpid" 2>/dev/null; then
    fail "$n-crash-host" "the agent host (pid $hostpid) died with the daemon" "$FAB_DIR/agents/$id/host.log"
  fi
  if wait_until 30 text_seen "$id" "$(SLOW_DONE 6)" && wait_until 10 turn_results_at_least "$id" 1; then
    ok "$n-crash-turn-completes"
  else
    fail "$n-crash-turn-completes" "no '$(SLOW_DONE 6)' after the restart (state $(agent_state "$id"))" \
      "$(hist "$id")" "$FAB_DIR/agents/$id/host.log" "$FAB_DIR/fab.log"
  fi

  # (b) down for the whole end of the turn.
  wait_until 10 state_is "$id" idle
  if ! fab agent send "$id" "$(slow_prompt 3)" >"$T/send.out" 2>&1; then
    fail "$n-crash-offline-turn" "fab agent send failed" "$T/send.out"
  elif ! wait_until 20 turn_started "$id" 2; then
    fail "$n-crash-offline-turn" "the second slow turn did not start" "$(hist "$id")"
  else
    daemon_kill9
    # the host alone writes the turn's end to the transcript
    if ! wait_until 30 transcript_turn_ends_at_least "$id" 2; then
      fail "$n-crash-offline-turn" "with the daemon down the host wrote no end of turn" \
        "$FAB_DIR/agents/$id/transcript.jsonl" "$FAB_DIR/agents/$id/host.log"
    fi
    daemon_start || return
    start_attach "$id"
    if wait_until 20 turn_results_at_least "$id" 2 && text_seen "$id" "$(SLOW_DONE 3)"; then
      s=$(agent_state "$id")
      case $s in
        running|idle) ok "$n-crash-offline-turn" ;;
        *) fail "$n-crash-offline-turn" "after the second restart the agent is '$s'" "$FAB_DIR/fab.log" ;;
      esac
    else
      fail "$n-crash-offline-turn" "the turn that ended while the daemon was down is not in the history" \
        "$(hist "$id")" "$FAB_DIR/fab.log"
    fi
  fi

  local r
  r=$(offsets_exact "$id")
  if [ "$r" = ok ]; then ok "$n-crash-offsets"; else fail "$n-crash-offsets" "$r"; fi
  stop_attach
  r=$(attach_dups "$id")
  if [ "$r" = ok ]; then ok "$n-crash-events-once"; else fail "$n-crash-events-once" "$r"; fi
  r=$(usage_matches "$id")
  if [ "$r" = ok ]; then ok "$n-crash-usage"; else fail "$n-crash-usage" "$r" "$FAB_DIR/fab.log"; fi
}

# 5. abort during a slow answer: aborted within a few seconds, no process of the agent left.
# With ABORT_TOOL=1 also during a long-running Bash tool (claude runs it in its own session);
# then `abort --force` during a slow answer.
flow_abort() {
  local n=$BACKEND id what prompt
  local force
  for what in slow ${ABORT_TOOL:+tool} force; do
    force=
    case $what in
      slow) prompt=$(slow_prompt 20) ;;
      tool) prompt="$P_BASH sleep 27" ;;
      force) prompt=$(slow_prompt 20) force=--force ;;
    esac
    id=$(create_agent "$BACKEND" "$prompt")
    if [ -z "$id" ]; then fail "$n-abort-$what" "fab agent create failed" "$T/create.out"; continue; fi
    log "$n: abort ($what) agent $id"
    if ! wait_until 20 turn_started "$id" 1; then
      fail "$n-abort-$what" "the turn did not start" "$(hist "$id")"
      continue
    fi
    if [ "$what" = tool ]; then
      # the sleep must be running before the abort
      if ! wait_until 20 eval "agent_pids $id >/dev/null; grep -q 'sleep 27' '$T/procs.$id'"; then
        fail "$n-abort-$what" "the 'sleep 27' tool never ran" "$(hist "$id")" "$FAB_DIR/permissions.log"
        continue
      fi
    else
      sleep 1 # not an assertion: let the answer start streaming
    fi
    local t0=$SECONDS
    if ! fab agent abort $force "$id" >"$T/abort.out" 2>&1; then
      fail "$n-abort-$what" "fab agent abort failed" "$T/abort.out"
      continue
    fi
    if ! wait_until 8 state_is "$id" aborted; then
      fail "$n-abort-$what" "state is '$(agent_state "$id")' 8 s after the abort, not aborted" \
        "$(hist "$id")" "$FAB_DIR/agents/$id/host.log"
    elif ! wait_until 8 no_agent_pids "$id"; then
      fail "$n-abort-$what" "processes of the agent are left 8 s after the abort" "$T/procs.$id"
    else
      ok "$n-abort-$what ($((SECONDS - t0)) s)"
    fi
  done
}

# 6. the agent CLI dies mid-turn (SIGKILL, as by the OOM killer): the agent is failed, and
# `fab agent send` resumes its session in a new CLI process (claude --resume, codex thread/resume
# in a new app-server): the answer comes, the session is the same, and the usage still adds up (claude's
# cost is a per-process total, codex's usage a per-thread total: the per-turn figures must not
# go negative or count twice across the new process).
flow_cli_crash_resume() {
  local n=$BACKEND id=${TOOL_AGENT:-} f r pids
  if [ -z "$id" ] || ! state_is "$id" idle; then
    fail "$n-cli-crash" "no idle agent to crash (state '$(agent_state "${id:-none}")')"
    return
  fi
  log "$n: CLI crash agent $id"
  if ! fab agent send "$id" "$(slow_prompt 20)" >"$T/send.out" 2>&1; then
    fail "$n-cli-crash" "fab agent send failed" "$T/send.out"; return
  fi
  if ! wait_until 20 turn_started "$id" 3; then
    fail "$n-cli-crash" "the slow turn did not start" "$(hist "$id")"; return
  fi
  sleep 1 # not an assertion: let the answer start streaming
  pids=$(agent_pids "$id")
  if [ -z "$pids" ]; then fail "$n-cli-crash" "no CLI process of the agent found"; return; fi
  kill -9 $pids
  if wait_until 10 state_is "$id" failed; then
    ok "$n-cli-crash"
  else
    fail "$n-cli-crash" "the CLI was SIGKILLed mid-turn, yet the agent is '$(agent_state "$id")' (error '$(agent_json "$id" | jq -r '.error // ""')'), not failed" \
      "$FAB_DIR/agents/$id/transcript.jsonl" "$FAB_DIR/fab.log"
    state_is "$id" idle || return # idle: the resume below can still be tried
  fi
  wait_until 8 no_agent_pids "$id"
  if ! fab agent send "$id" "hello after crash" >"$T/send.out" 2>&1; then
    fail "$n-resume-after-crash" "fab agent send to the failed agent failed" "$T/send.out" "$FAB_DIR/fab.log"
    return
  fi
  if ! wait_until "$TURN_TIMEOUT" text_seen "$id" "Echo: hello after crash"; then
    fail "$n-resume-after-crash" "no 'Echo: hello after crash' (state $(agent_state "$id"))" \
      "$(hist "$id")" "$FAB_DIR/agents/$id/host.log" "$FAB_DIR/fab.log"
    return
  fi
  wait_until 10 state_is "$id" idle
  f=$(hist "$id")
  if ! r=$(same_session "$id"); then
    fail "$n-resume-after-crash" "$r" "$f"
  elif [ "$(agent_state "$id")" != idle ]; then
    fail "$n-resume-after-crash" "state '$(agent_state "$id")' after the resumed turn, not idle" "$FAB_DIR/fab.log"
  else
    ok "$n-resume-after-crash"
  fi
  if has_entry "$f" '.kind == "turn_result" and ((.usage.cost_usd // 0) < 0 or (.usage.input_tokens // 0) < 0 or (.usage.output_tokens // 0) < 0)'; then
    fail "$n-resume-usage" "a turn result has negative usage: $(entries "$f" '.kind == "turn_result"' | jq -c .usage | tr '\n' ' ')"
  elif ! has_entry "$f" ".kind == \"turn_result\" and ((.text // \"\") | contains(\"hello after crash\")) and $(usage_sel)"; then
    fail "$n-resume-usage" "the resumed turn's result has no usage: $(entries "$f" '.kind == "turn_result"' | jq -c '[(.text // "")[0:30], .usage]' | tr '\n' ' ')"
  elif r=$(usage_matches "$id") && [ "$r" = ok ]; then
    ok "$n-resume-usage"
  else
    fail "$n-resume-usage" "$r"
  fi
}

# ---------- the orchestrator flow (test-orchestrator-<backend>.sh) ----------
# A project with one ready ticket is started; the orchestrator starts a task agent of BACKEND
# whose kickstart prompt (the project's kickstart-prompt file) is a FAKE:multi script that
# runs, as Bash tool calls, what share/kickstart.md asks a model to do:
#   fab issue ready; fab agent claim; fab agent describe; write + git commit;
#   fab issue close + git commit; fab agent done.
# Checked: the agent starts by itself, the claim is listed while it works, the work and the
# closed ticket land on main (fab's clone), the agent ends done, its claim is released and no
# second agent starts for the closed ticket. Checks are named orch-<backend>-<check>.

TICKET=web-e2e1

task_agents() { fab agent list --json 2>/dev/null | jq -r '.agents[]? | select(.kind == "task") | .id'; }
one_agent() { [ "$(task_agents | grep -c .)" -ge 1 ]; }
claims_json() { fab claims --json 2>/dev/null; }
# (jq --slurp: jq 1.6 -e exits 0 on empty input, as when fab fails.)
claimed_by() { claims_json | jq -e -s --arg t "$TICKET" --arg a "$1" 'length == 1 and (.[0].claims | any(.ticket == $t and .agent_id == $a))' >/dev/null 2>&1; }
no_claims() { claims_json | jq -e -s 'length == 1 and (.[0].claims | length == 0)' >/dev/null 2>&1; }
on_main() { git -C "$CLONE" show "main:$1" 2>/dev/null; }
work_merged() { on_main e2e-work.txt | grep -q "work for $TICKET"; }
ticket_closed_on_main() { on_main ".tickets/$TICKET.md" | grep -q '^status: closed'; }
project_state() { fab status --json 2>/dev/null | jq -r '.projects[0].state // empty'; }
ran_ok() { # ran_ok ID TEXT: a Bash tool result of ID contains TEXT
  local f; f=$(hist "$1")
  has_entry "$f" ".kind == \"tool_result\" and ((.text // \"\") | contains($(jq -Rn --arg s "$2" '$s')))"
}

# run_orchestrator_flow: the whole flow for $BACKEND (claude | codex), then finish.
run_orchestrator_flow() {
  local N=orch-$BACKEND
  TURN_TIMEOUT=60
  # ---------- setup ----------
  e2e_init "$N"
  start_fake_server
  use_$BACKEND
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
  # Every Bash call of this run is allowed by a rule (none waits for a human): claude's through
  # `fab hook`, codex's as approval requests (it asks before every command).
  allow_rule e2e-everything ':*'
  daemon_start || finish
  if fab project add "$T/repo" --name web --max-agents 2 --agent-backend "$BACKEND" >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi
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
}
