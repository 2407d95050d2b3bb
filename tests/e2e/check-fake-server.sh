#!/usr/bin/env bash
# Checks fake-model-server.mjs against the real claude and codex CLIs.
# Prints `ok <name>` / `FAIL <name>` per check, then `N passed, N failed`; exits 1 on any failure.
# CLIs come from $FAB_NPM_BIN (default: <repo>/.deps/npm/node_modules/.bin). Needs node, git, timeout.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
NPM_BIN=${FAB_NPM_BIN:-$HERE/../../.deps/npm/node_modules/.bin}
CLAUDE=$NPM_BIN/claude
CODEX=$NPM_BIN/codex
STEP_TIMEOUT=${FAB_E2E_STEP_TIMEOUT:-30}

# Nothing from the caller's agent setup may leak in (keys, models, a parent Claude Code session).
for v in $(env | sed -n 's/^\(ANTHROPIC_[A-Za-z0-9_]*\|CLAUDE[A-Za-z0-9_]*\|CODEX_[A-Za-z0-9_]*\|OPENAI_[A-Za-z0-9_]*\)=.*/\1/p'); do
  unset "$v"
done

T=$(mktemp -d "${TMPDIR:-/tmp}/fab-e2e-fake.XXXXXX")
SERVER_PID=
cleanup() {
  exec 7>&- 2>/dev/null                 # closing the server's stdin makes it exit by itself
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. "$HERE/lib/checks.sh"
. "$HERE/lib/fake-server.sh"

# ---------- server ----------
for f in "$CLAUDE" "$CODEX"; do
  [ -x "$f" ] || { echo "FAIL setup: $f not found (set FAB_NPM_BIN)"; echo "0 passed, 1 failed"; exit 1; }
done
# A fresh machine's first start of each CLI reads and compiles its whole package from a cold disk
# cache (CI once spent the whole 30 s step on it); warm both up, untimed by the checks below.
timeout -k 2 120 "$CLAUDE" --version >/dev/null 2>&1
timeout -k 2 120 "$CODEX" --version >/dev/null 2>&1
if ! fake_server_start "$T"; then
  echo "FAIL server-start"; cat "$T/server.err"; echo "0 passed, 1 failed"; exit 1
fi
ok server-start

mkrepo() { mkdir -p "$1" && git -C "$1" init -q . ; }
mkdir -p "$T/home"
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config

# ---------- claude ----------
cat >"$T/allow-hook.sh" <<'EOF'
#!/bin/sh
cat >/dev/null
echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}'
EOF
DENY_REASON="Not your worktree (fab e2e $$)"
cat >"$T/deny-hook.sh" <<EOF
#!/bin/sh
cat >/dev/null
echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"$DENY_REASON"}}'
EOF
chmod +x "$T/allow-hook.sh" "$T/deny-hook.sh"
settings() { # settings HOOK-SCRIPT: --settings JSON with a PreToolUse hook on every tool
  printf '{"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"%s","timeout":30}]}]}}' "$1"
}

# run_claude NAME [drive-claude args...]: runs in $T/NAME/repo with its own config dir;
# output in $T/NAME/out, driver log in $T/NAME/err.
run_claude() {
  local name=$1; shift
  mkrepo "$T/$name/repo"
  (cd "$T/$name/repo" &&
    CLAUDE_CONFIG_DIR=$T/$name/config ANTHROPIC_BASE_URL=http://127.0.0.1:$PORT ANTHROPIC_API_KEY=test \
    CLAUDE_CODE_MAX_RETRIES=1 CLAUDE_CODE_EAGER_FLUSH=1 \
    timeout -k 2 "$STEP_TIMEOUT" node "$HERE/drive-claude.mjs" --claude "$CLAUDE" --timeout "$STEP_TIMEOUT" "$@" \
      >"$T/$name/out" 2>"$T/$name/err")
}

# 1. a PreToolUse allow hook lets Bash run; the model's next step sees the result; cost > 0.
run_claude claude-tool --msg "FAKE:bash touch a.txt" -- --settings "$(settings "$T/allow-hook.sh")"
if [ ! -f "$T/claude-tool/repo/a.txt" ]; then
  fail claude-tool "a.txt not created" "$T/claude-tool/out"
  tail -n 8 "$T/claude-tool/err" | cut -c1-400 | sed 's/^/    err| /'
elif ! has_line "$T/claude-tool/out" 'o.type==="result" && o.is_error===false && o.result.startsWith("Ran it. Result:")'; then
  fail claude-tool "no successful result line" "$T/claude-tool/out"
else
  ok claude-tool
fi
if has_line "$T/claude-tool/out" 'o.type==="result" && o.total_cost_usd > 0 && o.usage.input_tokens >= 100'; then
  ok claude-cost
else
  fail claude-cost "no result with total_cost_usd > 0" "$T/claude-tool/out"
fi

# 2. a deny hook blocks Bash and its reason reaches the model (quoted in the next answer).
run_claude claude-deny --msg "FAKE:bash touch d.txt" -- --settings "$(settings "$T/deny-hook.sh")"
if [ -f "$T/claude-deny/repo/d.txt" ]; then
  fail claude-deny "d.txt created despite the deny" "$T/claude-deny/out"
elif ! has_line "$T/claude-deny/out" "o.type===\"result\" && o.result.includes(\"$DENY_REASON\")"; then
  fail claude-deny "deny reason not quoted by the model" "$T/claude-deny/out"
else
  ok claude-deny
fi

# 3. a second user message on the same process continues the same session with full history.
run_claude claude-multi-turn --msg "first message" --msg "second message"
out=$T/claude-multi-turn/out
sid=$(field "$out" 'o.type==="result" ? o.session_id : undefined')
nres=$(grep -c '"type":"result"' "$out")
if [ "$nres" != 2 ]; then
  fail claude-multi-turn "expected 2 results, got $nres" "$out"
elif ! has_line "$out" "o.type===\"result\" && o.session_id===\"$sid\" && o.result===\"Echo: second message\""; then
  fail claude-multi-turn "second turn not answered in session $sid" "$out"
elif ! has_line "$T/server.log" 'o.prompt==="second message" && o.items >= 3'; then
  fail claude-multi-turn "second request carried no history" "$T/server.log"
else
  ok claude-multi-turn
fi

# 4. AskUserQuestion arrives as can_use_tool; allow + updatedInput.answers reaches the model.
run_claude claude-ask --msg "FAKE:ask Which database?|Postgres|SQLite" --answer Postgres
out=$T/claude-ask/out
if ! has_line "$out" 'o.type==="control_request" && o.request.subtype==="can_use_tool" && o.request.tool_name==="AskUserQuestion"'; then
  fail claude-ask "no can_use_tool for AskUserQuestion" "$out"
elif ! has_line "$out" 'o.type==="result" && o.result.includes("\"Which database?\"=\"Postgres\"")'; then
  fail claude-ask "answer did not reach the model" "$out"
else
  ok claude-ask
fi

# ---------- codex ----------
export CODEX_HOME=$T/codex-home FAKE_OPENAI_API_KEY=test
write_codex_config "$CODEX_HOME" "$PORT"
mkrepo "$T/codex/repo"

# 5. a shell tool call runs in the workspace and the turn completes.
(cd "$T/codex/repo" && timeout -k 2 "$STEP_TIMEOUT" "$CODEX" exec --json --skip-git-repo-check \
  --sandbox workspace-write "FAKE:bash touch b.txt" </dev/null >"$T/codex/out1" 2>"$T/codex/err1")
out=$T/codex/out1
thread=$(field "$out" 'o.type==="thread.started" ? o.thread_id : undefined')
if [ ! -f "$T/codex/repo/b.txt" ]; then
  fail codex-tool "b.txt not created" "$out"
elif ! has_line "$out" 'o.type==="item.completed" && o.item.type==="command_execution" && o.item.exit_code===0'; then
  fail codex-tool "no completed command_execution" "$out"
elif ! has_line "$out" 'o.type==="item.completed" && o.item.type==="agent_message" && o.item.text.startsWith("Ran it. Result:")' ||
     ! has_line "$out" 'o.type==="turn.completed"'; then
  fail codex-tool "no final answer or turn.completed" "$out"
else
  ok codex-tool
fi

# 6. exec resume continues the same thread, from another cwd.
if [ -z "$thread" ]; then
  fail codex-resume "no thread_id from the first run"
else
  (cd "$T" && timeout -k 2 "$STEP_TIMEOUT" "$CODEX" exec resume --json --skip-git-repo-check \
    "$thread" "hello" </dev/null >"$T/codex/out2" 2>"$T/codex/err2")
  out=$T/codex/out2
  if ! has_line "$out" "o.type===\"thread.started\" && o.thread_id===\"$thread\""; then
    fail codex-resume "different or no thread" "$out"
  elif ! has_line "$out" 'o.type==="item.completed" && o.item.type==="agent_message" && o.item.text==="Echo: hello"' ||
       ! has_line "$out" 'o.type==="turn.completed"'; then
    fail codex-resume "no echo answer or turn.completed" "$out"
  elif ! has_line "$T/server.log" 'o.api==="openai" && o.prompt==="hello" && o.items >= 6'; then
    fail codex-resume "resumed request carried no history" "$T/server.log"
  else
    ok codex-resume
  fi
fi

# ---------- server lifetime ----------
# 7. the server exits by itself when its stdin (a pipe) closes.
if timeout 5 node "$HERE/fake-model-server.mjs" < <(sleep 0.3) >/dev/null 2>&1; then
  ok server-stdin-eof
else
  fail server-stdin-eof "server did not exit when stdin closed"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
