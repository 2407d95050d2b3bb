#!/usr/bin/env bash
# Checks fab-scripted-agent, the stand-in for `claude`: stream-json turns, hooks as claude runs
# them, can_use_tool, AskUserQuestion, interrupt, sessions and resume, API-error turns.
# Prints `ok <name>` / `FAIL <name>` per check, then `N passed, N failed`; exits 1 on any failure.
# $FAB_BUILD: the build directory holding fab-scripted-agent (default: build). Needs node, timeout.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${FAB_BUILD:-$HERE/../../build}
AGENT=$BUILD/fab-scripted-agent
[ -x "$AGENT" ] || AGENT=$BUILD/scripted/fab-scripted-agent
STEP_TIMEOUT=${FAB_SCRIPTED_STEP_TIMEOUT:-20}

# Nothing from the caller's agent setup may leak in (a parent Claude Code session, its config).
for v in $(env | sed -n 's/^\(ANTHROPIC_[A-Za-z0-9_]*\|CLAUDE[A-Za-z0-9_]*\)=.*/\1/p'); do
  unset "$v"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/fab-scripted.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
export CLAUDE_CONFIG_DIR=$T/config HOOK_LOG=$T/hooks.log

. "$HERE/../e2e/lib/checks.sh"

if [ ! -x "$AGENT" ]; then
  echo "FAIL setup: fab-scripted-agent not found in $BUILD (set FAB_BUILD)"; echo "0 passed, 1 failed"; exit 1
fi

# The test hook: logs each input (and its env) to $HOOK_LOG; the tool input picks the answer.
cat >"$T/hook.sh" <<'HOOK'
#!/bin/bash
in=$(cat)
printf '%s\n' "$in" >>"$HOOK_LOG"
printf 'ENV %s %s %s\n' "$CLAUDECODE" "$CLAUDE_CODE_SESSION_ID" "$CLAUDE_PROJECT_DIR" >>"$HOOK_LOG"
case "$in" in
  *'"PreToolUse"'*ALLOWME*)
    echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}' ;;
  *'"PreToolUse"'*DENYME*)
    echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"Denied by test hook"}}' ;;
  *'"PreToolUse"'*EXIT2ME*)
    echo 'blocked via exit 2' >&2; exit 2 ;;
  *'"PermissionRequest"'*PRALLOW*)
    echo '{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}' ;;
  *'"Stop"'*BLOCKME*'"stop_hook_active":false'*)
    echo '{"decision":"block","reason":"SCRIPT:say after stop feedback"}' ;;
esac
exit 0
HOOK
chmod +x "$T/hook.sh"
hook_entry="[{\"matcher\":\"*\",\"hooks\":[{\"type\":\"command\",\"command\":\"$T/hook.sh\",\"timeout\":10}]}]"
SETTINGS="{\"hooks\":{\"PreToolUse\":$hook_entry,\"PermissionRequest\":$hook_entry,\"Stop\":$hook_entry,\"StopFailure\":$hook_entry,\"SessionEnd\":$hook_entry}}"

# run NAME [drive args] [-- agent args]: runs the driver in a fresh repo dir $T/NAME/repo.
run() {
  local name=$1; shift
  mkdir -p "$T/$name/repo"
  (cd "$T/$name/repo" &&
    timeout -k 2 "$((STEP_TIMEOUT + 5))" node "$HERE/drive.mjs" --agent "$AGENT" --timeout "$STEP_TIMEOUT" "$@" \
      >"$T/$name/out" 2>"$T/$name/err")
  echo $? >"$T/$name/rc"
}
rc() { cat "$T/$1/rc"; }
SID() { node -e 'console.log(require("crypto").randomUUID())'; }

# 1. a plain message is echoed; init first; cost > 0; the Stop hook sees the last message.
run echo --msg "hello there" -- --settings "$SETTINGS"
out=$T/echo/out
if [ "$(rc echo)" != 0 ]; then
  fail echo "exit $(rc echo)" "$T/echo/err"
elif ! head -n 1 "$out" | grep -q '"subtype":"init"' || ! has_line "$out" 'o.type==="system" && o.model==="fab-scripted-agent"'; then
  fail echo "first line is not system/init with model fab-scripted-agent" "$out"
elif ! has_line "$out" 'o.type==="result" && o.subtype==="success" && o.is_error===false && o.result==="Echo: hello there" && o.total_cost_usd > 0 && o.usage.input_tokens >= 100'; then
  fail echo "no successful Echo result with cost > 0" "$out"
else
  ok echo
fi
if has_line "$HOOK_LOG" 'o.hook_event_name==="Stop" && o.stop_hook_active===false && o.last_assistant_message==="Echo: hello there" && o.transcript_path && o.session_id'; then
  ok stop-hook-input
else
  fail stop-hook-input "no Stop hook input with last_assistant_message" "$HOOK_LOG"
fi
if grep -q "^ENV 1 [0-9a-f-]\{36\} $T/echo/repo\$" "$HOOK_LOG"; then
  ok hook-env
else
  fail hook-env "CLAUDECODE/CLAUDE_CODE_SESSION_ID/CLAUDE_PROJECT_DIR missing" "$HOOK_LOG"
fi
if has_line "$HOOK_LOG" 'o.hook_event_name==="SessionEnd" && o.reason==="other"'; then
  ok session-end-hook
else
  fail session-end-hook "no SessionEnd hook input" "$HOOK_LOG"
fi

# 2. a PreToolUse allow runs the command without asking.
run hook-allow --msg "SCRIPT:bash touch allowed.txt # ALLOWME" -- --settings "$SETTINGS"
expect hook-allow "$T/hook-allow/out" \
  file "$T/hook-allow/repo/allowed.txt" "allowed.txt not created" \
  noline 'o.type==="control_request"' "asked although the hook allowed" \
  line 'o.type==="user" && o.message.content[0].type==="tool_result" && o.message.content[0].content==="(Bash completed with no output)" && o.message.content[0].is_error===false' \
    "no empty-output tool_result" \
  --in "$HOOK_LOG" \
  line 'o.hook_event_name==="PreToolUse" && o.tool_name==="Bash" && o.tool_input.command.includes("allowed.txt") && o.tool_use_id.startsWith("toolu_scripted_") && o.permission_mode==="default"' \
    "PreToolUse input incomplete"

# 3. a PreToolUse deny: nothing runs, the reason is the tool result.
run hook-deny --msg "SCRIPT:bash touch denied.txt # DENYME" -- --settings "$SETTINGS"
expect hook-deny "$T/hook-deny/out" \
  nofile "$T/hook-deny/repo/denied.txt" "denied.txt created despite the deny" \
  line 'o.type==="user" && o.message.content[0].is_error===true && o.message.content[0].content==="Denied by test hook"' \
    "deny reason is not the tool_result" \
  line 'o.type==="result" && o.permission_denials.length===1 && o.result.includes("Denied by test hook")' \
    "result lacks the denial"

# 4. a PreToolUse exit 2 blocks with stderr, in claude's words.
run hook-exit2 --msg "SCRIPT:bash touch blocked.txt # EXIT2ME" -- --settings "$SETTINGS"
if [ ! -f "$T/hook-exit2/repo/blocked.txt" ] &&
   has_line "$T/hook-exit2/out" "o.type===\"user\" && o.message.content[0].is_error===true && o.message.content[0].content===\"PreToolUse:Bash hook error: [$T/hook.sh]: blocked via exit 2\""; then
  ok hook-exit2
else
  fail hook-exit2 "exit 2 did not block with stderr" "$T/hook-exit2/out"
fi

# 5. no hook decision: a can_use_tool request; allow runs it.
run prompt-allow --msg "SCRIPT:bash echo hi > asked.txt" --allow -- --settings "$SETTINGS"
out=$T/prompt-allow/out
if ! has_line "$out" 'o.type==="control_request" && o.request.subtype==="can_use_tool" && o.request.tool_name==="Bash" && o.request.input.command==="echo hi > asked.txt" && o.request.tool_use_id.startsWith("toolu_scripted_") && o.request_id'; then
  fail prompt-allow "no can_use_tool request" "$out"
elif [ "$(cat "$T/prompt-allow/repo/asked.txt" 2>/dev/null)" != hi ]; then
  fail prompt-allow "asked.txt not written after allow" "$out"
else
  ok prompt-allow
fi

# 6. can_use_tool deny: nothing runs, the message is the tool result.
run prompt-deny --msg "SCRIPT:bash touch nope.txt" --deny "human said no"
if [ ! -f "$T/prompt-deny/repo/nope.txt" ] &&
   has_line "$T/prompt-deny/out" 'o.type==="user" && o.message.content[0].is_error===true && o.message.content[0].content==="human said no"'; then
  ok prompt-deny
else
  fail prompt-deny "deny message not the tool result, or the command ran" "$T/prompt-deny/out"
fi

# 6b. a PermissionRequest hook settles the prompt: control_cancel_request, the command runs.
run permission-request --msg "SCRIPT:bash touch pr.txt # PRALLOW" --no-answer -- --settings "$SETTINGS"
out=$T/permission-request/out
rid=$(node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
  try { const o = JSON.parse(l); if (o.type === "control_request") { console.log(o.request_id); break; } } catch {} }' "$out")
if [ -f "$T/permission-request/repo/pr.txt" ] && [ -n "$rid" ] &&
   has_line "$out" "o.type===\"control_cancel_request\" && o.request_id===\"$rid\"" &&
   has_line "$HOOK_LOG" 'o.hook_event_name==="PermissionRequest" && o.tool_name==="Bash" && Array.isArray(o.permission_suggestions)'; then
  ok permission-request-hook
else
  fail permission-request-hook "no cancel, or the command did not run" "$out"
fi

# 7. Write through can_use_tool.
run write --msg "SCRIPT:write sub/w.txt line one\\nline two" --allow
if [ "$(cat "$T/write/repo/sub/w.txt" 2>/dev/null)" = "$(printf 'line one\nline two')" ] &&
   has_line "$T/write/out" "o.type===\"control_request\" && o.request.tool_name===\"Write\" && o.request.input.file_path===\"$T/write/repo/sub/w.txt\""; then
  ok write
else
  fail write "file not written as asked" "$T/write/out"
fi

# 8. AskUserQuestion answered through can_use_tool.
run ask --msg "SCRIPT:ask Which database?|Postgres|SQLite" --answer Postgres
out=$T/ask/out
if ! has_line "$out" 'o.type==="control_request" && o.request.tool_name==="AskUserQuestion" && o.request.input.questions[0].options.length===2'; then
  fail ask "no can_use_tool for AskUserQuestion" "$out"
elif ! has_line "$out" 'o.type==="user" && o.message.content[0].content.includes("\"Which database?\"=\"Postgres\"") && o.message.content[0].is_error===false'; then
  fail ask "the answer is not in the tool result" "$out"
else
  ok ask
fi

# 9. interrupt during a sleep: error_during_execution, then the process serves another turn.
start=$(date +%s)
run interrupt --msg "$(printf 'SCRIPT:say napping\nSCRIPT:sleep 30\nSCRIPT:say never')" --msg "after the interrupt" --interrupt-on-text napping
out=$T/interrupt/out
took=$(( $(date +%s) - start ))
if ! has_line "$out" 'o.type==="control_response" && o.response.subtype==="success" && o.response.request_id==="drive-int-1"'; then
  fail interrupt "no control_response to the interrupt" "$out"
elif ! has_line "$out" 'o.type==="user" && o.message.content[0].text==="[Request interrupted by user]"'; then
  fail interrupt "no [Request interrupted by user] line" "$out"
elif ! has_line "$out" 'o.type==="result" && o.subtype==="error_during_execution" && o.is_error===true && o.terminal_reason==="aborted_streaming"'; then
  fail interrupt "no error_during_execution result" "$out"
elif ! has_line "$out" 'o.type==="result" && o.result==="Echo: after the interrupt"' || [ "$(rc interrupt)" != 0 ]; then
  fail interrupt "no second turn after the interrupt (exit $(rc interrupt))" "$out"
elif has_line "$out" 'o.type==="assistant" && o.message.content[0].text==="never"' || [ "$took" -ge 15 ]; then
  fail interrupt "the sleep was not cut short (${took}s)" "$out"
else
  ok interrupt
fi

# 9b. an interrupt kills a running command (its whole group) and ends the turn at once.
start=$(date +%s)
run interrupt-bash --msg "$(printf 'SCRIPT:say go\nSCRIPT:bash sleep 30; touch late.txt')" --interrupt-on-text go -- --permission-mode bypassPermissions
took=$(( $(date +%s) - start ))
if has_line "$T/interrupt-bash/out" 'o.type==="user" && o.message.content[0].type==="tool_result" && o.message.content[0].is_error===true && o.message.content[0].content==="[Request interrupted by user for tool use]"' &&
   has_line "$T/interrupt-bash/out" 'o.type==="result" && o.subtype==="error_during_execution"' &&
   [ "$took" -lt 15 ] && sleep 0.2 && [ ! -f "$T/interrupt-bash/repo/late.txt" ]; then
  ok interrupt-bash
else
  fail interrupt-bash "command not killed (${took}s)" "$T/interrupt-bash/out"
fi

# 10. resume from a second process, in the same directory.
sid=$(SID)
run resume-1 --msg "remember the number 42" -- --session-id "$sid"
mkdir -p "$T/resume-2"
ln -s "$T/resume-1/repo" "$T/resume-2/repo"
run resume-2 --msg "SCRIPT:recall" -- --resume "$sid"
out=$T/resume-2/out
if [ "$(rc resume-1)" != 0 ] || [ "$(rc resume-2)" != 0 ]; then
  fail resume "exit $(rc resume-1)/$(rc resume-2)" "$T/resume-2/err"
elif ! has_line "$out" "o.type===\"result\" && o.session_id===\"$sid\" && o.result.includes(\"remember the number 42\")"; then
  fail resume "the resumed session lacks its history" "$out"
else
  ok resume
fi

# 11. --session-id of an existing session fails like claude.
run reuse --msg "hi" -- --session-id "$sid"
if [ "$(rc reuse)" = 1 ] && grep -q "Session ID $sid is already in use." "$T/reuse/err" &&
   ! has_line "$T/reuse/out" 'o.type==="result"'; then
  ok session-id-reuse
else
  fail session-id-reuse "exit $(rc reuse)" "$T/reuse/err"
fi

# 12. --resume from another directory, or of an unknown id, finds nothing.
run resume-elsewhere --msg "hi" -- --resume "$sid"
run resume-unknown --msg "hi" -- --resume "$(SID)"
if [ "$(rc resume-elsewhere)" = 1 ] && grep -q "No conversation found with session ID: $sid" "$T/resume-elsewhere/err" &&
   [ "$(rc resume-unknown)" = 1 ]; then
  ok resume-refused
else
  fail resume-refused "exit $(rc resume-elsewhere)/$(rc resume-unknown)" "$T/resume-elsewhere/err"
fi

# 13. SCRIPT:fail: an API-error turn; StopFailure (not Stop) runs; exit 1 after EOF.
: >"$HOOK_LOG"
run fail --msg "SCRIPT:fail overloaded for the test" -- --settings "$SETTINGS"
out=$T/fail/out
if ! has_line "$out" 'o.type==="assistant" && o.error==="server_error" && o.message.content[0].text==="API Error: 500 overloaded for the test"'; then
  fail api-error "no synthetic API error message" "$out"
elif ! has_line "$out" 'o.type==="result" && o.subtype==="success" && o.is_error===true && o.api_error_status===500'; then
  fail api-error "no is_error result" "$out"
elif ! has_line "$HOOK_LOG" 'o.hook_event_name==="StopFailure" && o.error==="server_error"' ||
     has_line "$HOOK_LOG" 'o.hook_event_name==="Stop"'; then
  fail api-error "StopFailure did not run instead of Stop" "$HOOK_LOG"
elif [ "$(rc fail)" != 1 ]; then
  fail api-error "exit $(rc fail), expected 1" "$T/fail/err"
else
  ok api-error
fi

# 14. a Stop hook block feeds its reason back once; the next Stop has stop_hook_active:true.
: >"$HOOK_LOG"
run stop-block --msg "BLOCKME please" -- --settings "$SETTINGS"
if has_line "$T/stop-block/out" 'o.type==="result" && o.result==="after stop feedback" && o.is_error===false' &&
   has_line "$HOOK_LOG" 'o.hook_event_name==="Stop" && o.stop_hook_active===true'; then
  ok stop-block
else
  fail stop-block "block reason not run, or no second Stop" "$T/stop-block/out"
fi

# 15. control requests: initialize (pid), set_permission_mode (+ system/status), unknown → error.
run control \
  --raw '{"type":"control_request","request_id":"c1","request":{"subtype":"initialize"}}' \
  --raw '{"type":"control_request","request_id":"c2","request":{"subtype":"set_permission_mode","mode":"plan"}}' \
  --raw '{"type":"control_request","request_id":"c3","request":{"subtype":"no_such_thing"}}' \
  --msg "mode check"
out=$T/control/out
if has_line "$out" 'o.type==="control_response" && o.response.request_id==="c1" && o.response.subtype==="success" && o.response.response.pid > 0' &&
   has_line "$out" 'o.type==="control_response" && o.response.request_id==="c2" && o.response.response.mode==="plan"' &&
   has_line "$out" 'o.type==="system" && o.subtype==="status" && o.permissionMode==="plan"' &&
   has_line "$out" 'o.type==="control_response" && o.response.request_id==="c3" && o.response.subtype==="error"' &&
   has_line "$out" 'o.type==="system" && o.subtype==="init" && o.permissionMode==="plan"'; then
  ok control
else
  fail control "control responses wrong" "$out"
fi

# 16. cost is cumulative per process, usage per turn.
run cost --msg "one" --msg "two"
if [ "$(count_lines "$T/cost/out" 'o.type==="result" && o.usage.input_tokens===100')" = 2 ] &&
   has_line "$T/cost/out" 'o.type==="result" && o.result==="Echo: two" && Math.abs(o.total_cost_usd - 0.002) < 1e-9'; then
  ok cost-cumulative
else
  fail cost-cumulative "usage/cost not per turn/cumulative" "$T/cost/out"
fi

# 17. startup errors like claude: stream-json needs --verbose; a non-JSON stdin line is fatal;
#     EOF without input prints nothing and exits 0.
mkdir -p "$T/misc"
e1=$(cd "$T/misc" && timeout 5 "$AGENT" -p --input-format stream-json --output-format stream-json </dev/null 2>&1 >/dev/null; echo "rc=$?")
e2=$(cd "$T/misc" && echo 'not json' | timeout 5 "$AGENT" -p --input-format stream-json --output-format stream-json --verbose 2>/dev/null; echo "rc=$?")
e3=$(cd "$T/misc" && timeout 5 "$AGENT" -p --input-format stream-json --output-format stream-json --verbose </dev/null 2>/dev/null; echo "rc=$?")
if [[ "$e1" == *"requires --verbose"*"rc=1" ]] && [ "$e2" = "rc=1" ] && [ "$e3" = "rc=0" ]; then
  ok startup-errors
else
  fail startup-errors "got: [$e1] [$e2] [$e3]"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
