#!/usr/bin/env bash
# The codex app-server protocol fab speaks, as the pinned Codex CLI prints it
# (`codex app-server generate-json-schema`), against the copy kept in
# tests/fixtures/codex-app-server-schema/: the bundle
# codex_app_server_protocol.schemas.json, and SHA256SUMS of every generated file. Any
# difference means the pinned CLI changed its protocol: re-check fab's codex backend
# (src/agents/codex.cpp, tests/e2e/NOTES.md), then refresh the fixture with
#   FAB_SCHEMA_UPDATE=1 tests/e2e/test-codex-schema.sh
# Prints ok/FAIL lines, then `N passed, N failed`.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NPM_BIN=${FAB_NPM_BIN:-$REPO/.deps/npm/node_modules/.bin}
FIX=$REPO/tests/fixtures/codex-app-server-schema
PASS=0 FAIL=0
ok() { echo "ok $1"; PASS=$((PASS + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; FAIL=$((FAIL + 1)); }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }

if [ ! -x "$NPM_BIN/codex" ]; then fail setup "$NPM_BIN/codex not found (set FAB_NPM_BIN)"; finish; fi
T=$(mktemp -d /tmp/fab-schema.XXXXXX)
trap 'rm -rf "$T"' EXIT
# No user config may change what is generated (features enable experimental methods).
export CODEX_HOME=$T/home
mkdir -p "$CODEX_HOME"

if ! "$NPM_BIN/codex" app-server generate-json-schema --out "$T/schema" >"$T/gen.out" 2>&1; then
  fail generate "$(tail -3 "$T/gen.out")"; finish
fi
ok generate
(cd "$T/schema" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$T/SHA256SUMS"

if [ "${FAB_SCHEMA_UPDATE:-0}" = 1 ]; then
  cp "$T/schema/codex_app_server_protocol.schemas.json" "$FIX/"
  cp "$T/SHA256SUMS" "$FIX/SHA256SUMS"
  echo "# updated $FIX"
fi

if cmp -s "$T/schema/codex_app_server_protocol.schemas.json" "$FIX/codex_app_server_protocol.schemas.json"; then
  ok bundle-unchanged
else
  fail bundle-unchanged "the pinned codex prints another protocol: $(diff <(jq -S . "$FIX/codex_app_server_protocol.schemas.json") <(jq -S . "$T/schema/codex_app_server_protocol.schemas.json") | head -5 | tr '\n' ' ')"
fi
if diff -q "$FIX/SHA256SUMS" "$T/SHA256SUMS" >/dev/null; then
  ok every-file-unchanged
else
  fail every-file-unchanged "$(diff "$FIX/SHA256SUMS" "$T/SHA256SUMS" | grep '^[<>]' | head -5 | tr '\n' ' ')"
fi
# The methods fab uses must exist in the kept schema (a fixture edited by hand cannot
# drop one silently).
for m in initialize thread/start thread/resume turn/start turn/steer turn/interrupt \
         item/commandExecution/requestApproval item/fileChange/requestApproval \
         item/tool/requestUserInput turn/completed thread/tokenUsage/updated serverRequest/resolved; do
  grep -q "\"$m\"" "$FIX/codex_app_server_protocol.schemas.json" || missing="${missing:-} $m"
done
if [ -z "${missing:-}" ]; then ok methods-fab-uses-present; else fail methods-fab-uses-present "missing:$missing"; fi
finish
