#!/usr/bin/env bash
# Workflow runs in the daemon (issue 16) with scripted agents: `fab run FILE`
# following a run to its end (agent, command and conditional stages, routing
# on a command's exit code and on an agent's JSON answer), a human gate
# answered on the terminal, over HTTP, and never by EOF, a bad workflow
# refused with file:line, and fabd SIGKILLed in the middle of a command stage:
# restarted, the run resumes by itself and every stage's side effect happens
# exactly once. Prints ok/FAIL lines, then `N passed, N failed`.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

e2e_init wfruns
[ -x "$FAB_BUILD/scripted/fab-scripted-agent" ] || { fail setup "fab-scripted-agent not built"; finish; }
[ -x "$FAB_BUILD/fab-workflow" ] || { fail setup "fab-workflow not built"; finish; }
command -v curl >/dev/null || { fail setup "curl missing"; finish; }
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
make_repo "$T/repo"
if ! fab server start --http "127.0.0.1:$HTTP_PORT" >"$T/server-start.out" 2>&1; then
  fail daemon-start "" "$T/server-start.out" "$FAB_DIR/fab.log"; finish
fi
wait_until 10 test -S "$FAB_DIR/fab.sock"
if fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then ok project-add; else fail project-add "" "$T/project.out"; finish; fi
API=http://127.0.0.1:$HTTP_PORT/api/v1

# run_events ID: the run's events, one JSON object a line.
run_events() { fab run events "$1" --json 2>/dev/null; }
run_status() { fab run show "$1" --json 2>/dev/null | jq -r '.status // empty'; }
status_is() { [ "$(run_status "$1")" = "$2" ]; }
# stage_count ID EVENT NODE: how many EVENT events the run logged for NODE.
stage_count() { run_events "$1" | jq -s --arg e "$2" --arg n "$3" '[.[] | select(.event == $e and .properties.node == $n)] | length'; }

# ---------- 1: fab run FILE follows a run to its end ----------
cat >"$T/flow.fabro" <<EOF
digraph flow {
    goal = "Exercise the engine"
    model_stylesheet = "* { backend: scripted }"
    start  [shape=Mdiamond]
    plan   [shape=box, prompt="SCRIPT:say Plan: {{ goal }} for {{ inputs.who }}"]
    test   [shape=parallelogram, script="echo tested; echo tested >>'$T/flow.log'; exit 3"]
    fix    [shape=tab, prompt="SCRIPT:say fixed it {\"outcome\": \"success\", \"context_updates\": {\"fixed\": \"yes\"}}"]
    check  [shape=diamond]
    exit   [shape=Msquare]
    start -> plan -> test
    test -> check [condition="outcome=success"]
    test -> fix   [condition="outcome=fail && command.output contains \"tested\"", weight=10]
    test -> exit  [condition="outcome=fail"]
    fix -> check
    check -> exit [condition="outcome=success && context.fixed=yes"]
    check -> plan [condition="outcome=fail"]
}
EOF
timeout 60 "$FAB" run "$T/flow.fabro" --project web --input who=tests </dev/null >"$T/run1.out" 2>&1
rc=$?
id1=$(sed -n 's/^run \(run-[a-z0-9]*\):.*/\1/p' "$T/run1.out" | head -1)
if [ "$rc" -eq 0 ] && grep -q "run succeeded" "$T/run1.out" && grep -q "✓ fix: success" "$T/run1.out" &&
   grep -q "✗ test: fail" "$T/run1.out" && grep -q "Plan: Exercise the engine for tests" "$T/run1.out"; then
  ok run-file-follows
else
  fail run-file-follows "exit $rc" "$T/run1.out" "$FAB_DIR/fab.log"
fi
if [ -n "$id1" ] && [ "$(stage_count "$id1" stage.started test)" = 1 ] &&
   [ "$(stage_count "$id1" checkpoint.completed plan)" = 1 ] &&
   run_events "$id1" | jq -e -s '[.[] | select(.event == "edge.selected" and .properties.from == "test" and .properties.to == "fix")] | length == 1' >/dev/null &&
   [ "$(git -C "$FAB_DIR/projects/web/repo" log --format=%s "fab/run/$id1" | grep -c "^fab($id1): ")" -ge 4 ]; then
  ok run-events-and-commits
else
  fail run-events-and-commits "run $id1" "$FAB_DIR/fab.log"
  run_events "$id1" | jq -c '[.event, .properties.node]' | tail -20
fi

# ---------- 1b: an agent stage asking for a retry: backoff, then its retries spent ----------
cat >"$T/retry.fabro" <<'EOF'
digraph retry {
    goal = "Retry once"
    model_stylesheet = "* { backend: scripted }"
    start [shape=Mdiamond]
    flaky [shape=box, max_retries=1, retry_policy=linear, prompt="SCRIPT:say {\"outcome\": \"retry\"}"]
    exit  [shape=Msquare]
    start -> flaky
    flaky -> exit [condition="outcome=fail"]
}
EOF
timeout 60 "$FAB" run "$T/retry.fabro" --project web </dev/null >"$T/retry.out" 2>&1
rc=$?
rid1=$(sed -n 's/^run \(run-[a-z0-9]*\):.*/\1/p' "$T/retry.out" | head -1)
if [ "$rc" -eq 0 ] && [ "$(stage_count "$rid1" stage.retrying flaky)" = 1 ] &&
   [ "$(stage_count "$rid1" stage.started flaky)" = 2 ] && [ "$(stage_count "$rid1" stage.failed flaky)" = 1 ]; then
  ok retry-backoff
else
  fail retry-backoff "exit $rc" "$T/retry.out"
fi

# ---------- 2: a bad workflow is refused with file:line, nothing queued ----------
printf 'digraph bad {\n  start [shape=Mdiamond]\n  a [shape=box]\n  start -> a\n}\n' >"$T/bad.fabro"
before=$(fab run list --json | jq '.meta.total')
out=$(timeout 20 "$FAB" run "$T/bad.fabro" --project web 2>&1)
rc=$?
after=$(fab run list --json | jq '.meta.total')
if [ "$rc" -ne 0 ] && grep -q "$T/bad.fabro:[0-9]*: " <<<"$out" && [ "$before" = "$after" ]; then
  ok run-file-invalid
else
  fail run-file-invalid "exit $rc, runs $before → $after: $out"
fi

# ---------- 3: a human gate: terminal answer, EOF never approves, HTTP answer ----------
cat >"$T/gate.fabro" <<'EOF'
digraph gate {
    goal = "Ask a person"
    start  [shape=Mdiamond]
    review [shape=hexagon, label="Ship it?"]
    ship   [shape=parallelogram, script="echo shipped"]
    exit   [shape=Msquare]
    start -> review
    review -> ship [label="[A] Approve"]
    review -> exit [label="[R] Reject"]
    ship -> exit
}
EOF
printf 'A\n' | timeout 60 "$FAB" run "$T/gate.fabro" --project web >"$T/gate1.out" 2>&1
rc=$?
gid=$(sed -n 's/^run \(run-[a-z0-9]*\):.*/\1/p' "$T/gate1.out" | head -1)
if [ "$rc" -eq 0 ] && grep -q "? Ship it?" "$T/gate1.out" && [ "$(stage_count "$gid" stage.completed ship)" = 1 ]; then
  ok gate-terminal
else
  fail gate-terminal "exit $rc" "$T/gate1.out"
fi

# EOF on stdin: not an answer; Ctrl-C detaches and the run still waits.
timeout 60 "$FAB" run "$T/gate.fabro" --project web </dev/null >"$T/gate2.out" 2>&1 &
cli=$!
if wait_until 20 grep -q "stdin closed" "$T/gate2.out"; then
  kill -INT "$cli"
  wait "$cli"
  rc=$?
  gid2=$(sed -n 's/^run \(run-[a-z0-9]*\):.*/\1/p' "$T/gate2.out" | head -1)
  if [ "$rc" -eq 130 ] && grep -q "detached from run" "$T/gate2.out" && status_is "$gid2" blocked; then
    ok gate-eof-detach
  else
    fail gate-eof-detach "exit $rc, status $(run_status "$gid2")" "$T/gate2.out"
  fi
  # Answered over HTTP: Reject skips the ship stage.
  qid=$(curl -fsS "$API/runs/$gid2/questions" | jq -r '.data[0].id // empty')
  code=$(curl -sS -o "$T/answer.out" -w '%{http_code}' -X POST "$API/runs/$gid2/questions/$qid/answer" \
    --data-binary '{"selected_option_key":"R"}')
  if [ "$code" = 204 ] || [ "$code" = 200 ]; then :; else fail gate-http "answer: HTTP $code" "$T/answer.out"; fi
  if wait_until 20 status_is "$gid2" succeeded && [ "$(stage_count "$gid2" stage.started ship)" = 0 ]; then
    ok gate-http
  else
    fail gate-http "status $(run_status "$gid2") qid $qid" "$FAB_DIR/fab.log"
  fi
else
  kill "$cli" 2>/dev/null; wait "$cli" 2>/dev/null
  fail gate-eof-detach "no 'stdin closed'" "$T/gate2.out"
fi

# ---------- 3b: POST /api/v1/runs by workflow name (config dir) and a bad one ----------
mkdir -p "$FAB_DIR/config/workflows"
cat >"$FAB_DIR/config/workflows/named.fabro" <<EOF
digraph named {
    goal = "By name"
    start [shape=Mdiamond]
    hello [shape=parallelogram, script="echo named >>'$T/named.log'"]
    exit  [shape=Msquare]
    start -> hello -> exit
}
EOF
code=$(curl -sS -o "$T/post.out" -w '%{http_code}' -X POST "$API/runs" \
  --data-binary '{"project":"web","workflow":"named"}')
nid=$(jq -r '.id // empty' "$T/post.out" 2>/dev/null)
if [ "$code" = 201 ] && wait_until 20 status_is "$nid" succeeded && [ "$(cat "$T/named.log")" = named ]; then
  ok http-workflow-by-name
else
  fail http-workflow-by-name "HTTP $code, status $(run_status "$nid")" "$T/post.out" "$FAB_DIR/fab.log"
fi
printf 'digraph broken {\n  start [shape=Mdiamond]\n  exit [shape=Msquare]\n  start -> exit\n  exit -> start\n}\n' >"$FAB_DIR/config/workflows/broken.fabro"
code=$(curl -sS -o "$T/post2.out" -w '%{http_code}' -X POST "$API/runs" \
  --data-binary '{"project":"web","workflow":"broken"}')
if [ "$code" = 400 ] && grep -q "broken.fabro:[0-9]*: " "$T/post2.out"; then
  ok http-workflow-invalid
else
  fail http-workflow-invalid "HTTP $code" "$T/post2.out"
fi

# ---------- 4: fabd SIGKILLed mid-stage: the run resumes by itself ----------
cat >"$T/resume.fabro" <<EOF
digraph resume {
    goal = "Survive a crash"
    model_stylesheet = "* { backend: scripted }"
    start [shape=Mdiamond]
    a     [shape=parallelogram, script="echo a >>'$T/side.log'"]
    b     [shape=parallelogram, script="echo b-start >>'$T/starts.log'; while [ ! -e '$T/go' ]; do sleep 0.05; done; echo b >>'$T/side.log'"]
    say   [shape=box, prompt="SCRIPT:say after b"]
    c     [shape=parallelogram, script="echo c >>'$T/side.log'"]
    exit  [shape=Msquare]
    start -> a -> b -> say -> c -> exit
}
EOF
starts() { [ -f "$T/starts.log" ] && wc -l <"$T/starts.log" || echo 0; }
if timeout 30 "$FAB" run "$T/resume.fabro" --project web --detach >"$T/resume.out" 2>&1; then
  rid=$(awk '{print $2}' "$T/resume.out")
  wait_until 30 eval '[ "$(starts)" -ge 1 ]' || fail resume "stage b never started" "$FAB_DIR/fab.log"
  # A second run waits at a human gate across the restart.
  gr=$(timeout 30 "$FAB" run "$T/gate.fabro" --project web --detach | awk '{print $2}')
  wait_until 20 status_is "$gr" blocked || fail resume-gate "not blocked before the kill"
  q1=$(curl -fsS "$API/runs/$gr/questions" | jq -r '.data[0].id // empty')
  daemon_kill9 || fail resume "kill -9 fabd"
  # The orphaned stage process still runs; the restarted daemon must kill it.
  if fab server start --http "127.0.0.1:$HTTP_PORT" >"$T/restart.out" 2>&1 &&
     wait_until 30 eval '[ "$(starts)" -ge 2 ]'; then
    touch "$T/go"
    if wait_until 40 status_is "$rid" succeeded &&
       [ "$(cat "$T/side.log" | tr '\n' ' ')" = "a b c " ] &&
       [ "$(stage_count "$rid" stage.completed a)" = 1 ] &&
       [ "$(stage_count "$rid" stage.completed b)" = 1 ] &&
       [ "$(stage_count "$rid" stage.completed say)" = 1 ] &&
       [ "$(stage_count "$rid" stage.interrupted b)" = 1 ]; then
      ok resume-after-kill9
    else
      fail resume-after-kill9 "status $(run_status "$rid"); side: $(tr '\n' ' ' <"$T/side.log" 2>/dev/null); starts $(starts)" "$FAB_DIR/fab.log"
    fi
  else
    fail resume-after-kill9 "no restart of stage b (starts $(starts))" "$T/restart.out" "$FAB_DIR/fab.log"
  fi
else
  fail resume-after-kill9 "submit" "$T/resume.out"
fi

# The gate run: still blocked on the same question after the restart, then answered.
q2=$(curl -fsS "$API/runs/$gr/questions" | jq -r '.data[0].id // empty')
code=$(curl -sS -o "$T/answer2.out" -w '%{http_code}' -X POST "$API/runs/$gr/questions/$q2/answer" \
  --data-binary '{"value":"approve"}')
if [ -n "$q1" ] && [ "$q1" = "$q2" ] && { [ "$code" = 200 ] || [ "$code" = 204 ]; } &&
   wait_until 20 status_is "$gr" succeeded && [ "$(stage_count "$gr" stage.completed ship)" = 1 ] &&
   [ "$(stage_count "$gr" interview.started review)" = 1 ]; then
  ok resume-gate
else
  fail resume-gate "q $q1/$q2 HTTP $code status $(run_status "$gr")" "$T/answer2.out" "$FAB_DIR/fab.log"
fi

finish
