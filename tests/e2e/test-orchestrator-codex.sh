#!/usr/bin/env bash
# The orchestrator with the real `codex` CLI against tests/e2e/fake-model-server.mjs: a ticket
# is claimed, done, committed and merged by a codex task agent the orchestrator starts; its
# Bash tool calls go through codex (app-server), each one an approval request decided by fab's rules and then run
# inside its sandbox, which lets it commit and reach fab.sock.
# The flow and its checks: run_orchestrator_flow in lib/flows.sh.
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

BACKEND=codex
run_orchestrator_flow
