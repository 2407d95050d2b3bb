#!/usr/bin/env bash
# fab with the real `claude` CLI against tests/e2e/fake-model-server.mjs: a tool call allowed by
# a rule (hook), a follow-up in the same session, a command denied by a rule (the model hears
# why), the daemon SIGKILLed mid-turn (twice), an abort during a slow answer and during a
# long-running Bash tool. Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on failure.
# Env: FAB_BUILD (default <repo>/build), FAB_NPM_BIN (default <repo>/.deps/npm/node_modules/.bin);
#      FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1 narrates.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"
. "$HERE/lib/flows.sh"

# Defaults of lib/flows.sh: USAGE_KIND=cost, ABORT_TOOL=1, DENY_RULE, SLOW_DONE, same_session.
BACKEND=claude
P_BASH="FAKE:bash"
TURN_TIMEOUT=30
slow_prompt() { echo "FAKE:slow $1"; }

e2e_init claude
start_fake_server
use_claude
flows_setup
run_flows
