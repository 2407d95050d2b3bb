#!/usr/bin/env bash
# `fab workflow validate|graph` through the real `fab` (which execs
# fab-workflow): exit codes, file:line errors for every bad fixture, the text
# graph and the SVG. No daemon, no agents. Prints ok/FAIL lines, then
# `N passed, N failed`; exits 1 on any failure.
# Env: FAB_BUILD (default <repo>/build).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${FAB_BUILD:-$here/build}
fab="$build/fab"
passed=0
failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

tmp=$(mktemp -d /tmp/fab-workflow-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" FAB_DIR="$tmp/fab" XDG_CONFIG_HOME="$tmp/config"
unset FAB_SOCKET_PATH FAB_PID_PATH
mkdir -p "$HOME"

[ -x "$fab" ] && [ -x "$build/fab-workflow" ] || { fail setup "$fab or fab-workflow not built"; echo "$passed passed, $failed failed"; exit 1; }

# Every example validates.
for f in "$here"/share/workflows/*.fabro; do
    name=examples/$(basename "$f")
    if out=$("$fab" workflow validate "$f" 2>&1) && grep -q ": ok (" <<<"$out"; then
        ok "$name"
    else
        fail "$name" "$out"
    fi
done

# Every bad fixture fails with its expected file:line: message.
for f in "$here"/tests/fixtures/workflows/bad/*.fabro; do
    name=bad/$(basename "$f")
    expect=$(sed -n '1s|^// expect: ||p' "$f")
    line=${expect%%: *}
    text=${expect#*: }
    out=$("$fab" workflow validate "$f" 2>&1)
    rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "$name" "exit $rc, want 1: $out"
    elif ! grep -F -- "$f:$line: " <<<"$out" | grep -qF -- "$text"; then
        fail "$name" "want $f:$line: …$text…; got: $out"
    else
        ok "$name"
    fi
done

# Several files: one bad one makes the exit status 1, the good ones still say ok.
out=$("$fab" workflow validate "$here/share/workflows/goal-gate.fabro" \
    "$here/tests/fixtures/workflows/bad/no-exit.fabro" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -q "goal-gate.fabro: ok" <<<"$out" && grep -q "no-exit.fabro:2: no exit" <<<"$out"; then
    ok "validate several files"
else
    fail "validate several files" "exit $rc: $out"
fi

out=$("$fab" workflow validate "$tmp/missing.fabro" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -q "missing.fabro" <<<"$out"; then ok "missing file"; else fail "missing file" "exit $rc: $out"; fi

"$fab" workflow validate >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then ok "usage error exits 2"; else fail "usage error exits 2" "exit $rc"; fi

# A file named like an option is still a file.
cp "$here/share/workflows/goal-gate.fabro" "$tmp/-x.fabro"
if (cd "$tmp" && "$fab" workflow validate -- -x.fabro >/dev/null 2>&1); then ok "file named -x"; else fail "file named -x" "rejected"; fi

out=$("$fab" workflow graph "$here/share/workflows/command-routing.fabro" 2>&1)
if grep -q "^test .* command .*script: ./run-tests.sh" <<<"$out" &&
    grep -q -- "-> look .*if outcome=fail && command.output contains \"Segmentation fault\"  weight 10" <<<"$out"; then
    ok "graph as text"
else
    fail "graph as text" "$out"
fi

out=$("$fab" workflow graph --svg "$here/share/workflows/parallel-review.fabro" 2>/dev/null)
if grep -q "<svg" <<<"$out" && grep -q "review_security" <<<"$out" && grep -q "</svg>" <<<"$out"; then
    ok "graph as SVG"
else
    fail "graph as SVG" "$(head -c 300 <<<"$out")"
fi

# A graph with problems is still drawn, and the problems are reported.
out=$("$fab" workflow graph "$here/tests/fixtures/workflows/bad/unreachable.fabro" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -q "^orphan" <<<"$out" && grep -q "unreachable.fabro:5:" <<<"$out"; then
    ok "graph of an invalid workflow"
else
    fail "graph of an invalid workflow" "exit $rc: $out"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
