#!/usr/bin/env bash
# `fab tui` against a fab server, as a person uses it: fabd serves HTTPS (a CA and a server
# certificate made here with openssl) with JWT auth (`fab token keygen|issue`); the TUI runs
# in a private tmux server from another FAB_DIR (no daemon of its own there) as
#   fab tui --server-url https://127.0.0.1:PORT --token-file TOKEN --ca CA
# Agents are scripted and created on the server's side.
#   - without a token the server refuses; the [cli] section of the client's config.ini
#     (mode = server, server-url, token-file, tls-ca) lists the same agents as the server
#   - the agent list fills; an agent's new output streams onto the screen (SSE)
#   - y in the remote TUI allows a pending command (the file appears in the worktree),
#     n denies another (no file, the denial in the agent's history)
#   - a server restart shows "reconnecting", then the agents again; q quits cleanly
# Prints ok/FAIL lines, then `N passed, N failed`; exits 1 on any failure.
# Env: FAB_BUILD (default <repo>/build); FAB_E2E_KEEP=1 keeps the temp dir; FAB_E2E_VERBOSE=1.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib/common.sh"
. "$HERE/lib.sh"

e2e_init tui-remote
for b in fab-tui fab-remote scripted/fab-scripted-agent; do
  [ -x "$FAB_BUILD/$b" ] || { fail setup "$FAB_BUILD/$b not built"; finish; }
done
command -v openssl >/dev/null || { fail setup "openssl not installed"; finish; }

# ---------- the server: certificates, a signing key, config ----------
P=$T/pki
mkdir -p "$P"
if ! {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=fab-test-ca -keyout "$P/ca.key" -out "$P/ca.pem" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
      -keyout "$P/server.key" -out "$P/server.csr" &&
    printf 'subjectAltName=IP:127.0.0.1\n' >"$P/san.ext" &&
    openssl x509 -req -in "$P/server.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial \
      -days 1 -extfile "$P/san.ext" -out "$P/server.pem"
} >"$T/pki.out" 2>&1; then
  fail setup "openssl could not make the certificates" "$T/pki.out"; finish
fi
if ! fab token keygen --dir "$T/keys" >"$T/keygen.out" 2>&1 ||
  ! fab token issue --sub people/alice --ttl 1h --key "$T/keys/jwt-ed25519.pem" >"$T/token" 2>"$T/issue.err"; then
  fail setup "fab token keygen/issue failed" "$T/keygen.out" "$T/issue.err"; finish
fi
chmod 600 "$T/token"
HPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=https://127.0.0.1:$HPORT
mkdir -p "$FAB_DIR/config"
cat >"$FAB_DIR/config/config.ini" <<INI
[server]
http-listen = 127.0.0.1:$HPORT
auth = jwt
allowed-users = alice
jwt-public-key = $T/keys/jwt-ed25519.pub.pem
tls-cert = $P/server.pem
tls-key = $P/server.key
INI
make_repo "$T/repo"
daemon_start || finish
if ! fab project add "$T/repo" --name web --max-agents 20 >"$T/project.out" 2>&1; then
  fail project-add "" "$T/project.out"; finish
fi

# ---------- the client side: its own FAB_DIR, no daemon ----------
CL=$T/cl
mkdir -p "$CL/config" && chmod 700 "$CL" "$CL/config"
# remote CMD...: `fab` from the client's FAB_DIR with the server options.
remote() { FAB_DIR=$CL fab --server-url "$URL" --ca "$P/ca.pem" "$@"; }
# shellcheck disable=SC2016 # expanded by eval
if ! wait_until 15 eval 'remote --token-file "$T/token" status >"$T/status.out" 2>&1'; then
  fail server-up "the server did not answer over HTTPS" "$T/status.out" "$FAB_DIR/fab.log"; finish
fi
if remote agent list >"$T/anon.out" 2>&1; then
  fail no-token-refused "the server answered without a token" "$T/anon.out"
elif grep -q 'server: ' "$T/anon.out"; then
  ok no-token-refused
else
  fail no-token-refused "no refusal from the server" "$T/anon.out"
fi

selected() { screen | sed -n 's/.*Enter: message \([a-z0-9]*\).*/\1/p' | head -1; }
selected_is_not() { [ "$(selected)" != "$1" ]; }
select_agent() {
  local id=$1 _ cur
  keys g
  for _ in $(seq 30); do
    cur=$(selected)
    [ "$cur" = "$id" ] && return 0
    keys j
    wait_until 3 selected_is_not "$cur" || return 1
  done
  return 1
}
worktree() { agent_json "$1" | jq -r '.worktree // empty'; }
file_in_worktree() { local w; w=$(worktree "$1"); [ -n "$w" ] && [ -e "$w/$2" ]; }
pending_is() { [ "$(agent_json "$1" | jq -r '.pending_permissions // 0')" = "$2" ]; }

S=$(create_agent scripted 'SCRIPT:say hello from the server')
Y=$(create_agent scripted 'SCRIPT:bash touch approved-remote.txt')
N=$(create_agent scripted 'SCRIPT:bash touch denied-remote.txt')
if [ -z "$S" ] || [ -z "$Y" ] || [ -z "$N" ]; then
  fail create "fab agent create failed" "$T/create.out"; finish
fi

# The [cli] section alone sends the client's commands to the server, over TLS with the token.
cat >"$CL/config/config.ini" <<INI
[cli]
mode = server
server-url = $URL
token-file = $T/token
tls-ca = $P/ca.pem
INI
FAB_DIR=$CL fab agent list >"$T/cli-config.out" 2>&1
fab agent list >"$T/local.out" 2>&1
# The RUNNING column ticks between the two calls: compare id, kind, project, backend.
columns() { awk '{print $1, $2, $3, $4}' "$1"; }
if grep -q "$S" "$T/cli-config.out" && [ "$(columns "$T/cli-config.out")" = "$(columns "$T/local.out")" ]; then
  ok cli-config-remote
else
  fail cli-config-remote "[cli] mode = server did not list the server's agents as locally" \
    "$T/cli-config.out" "$T/local.out"
fi
rm -f "$CL/config/config.ini"

# ---------- the remote TUI ----------
tui_start 160 48 FAB_DIR="$CL" -- --server-url "$URL" --token-file "$T/token" --ca "$P/ca.pem"
expect_screen remote-connected 20 'connected *$' || finish
missing=''
for A in $S $Y $N; do wait_screen 15 "$A" || missing="$missing $A"; done
if [ -z "$missing" ]; then ok remote-list; else fail remote-list "not listed:$missing" "$(shot list)"; fi

# Output streams: a message sent on the server's side shows up in the remote TUI.
if wait_until 15 state_is "$S" idle && fab agent send "$S" 'SCRIPT:say streamed over sse' \
  >"$T/send.out" 2>&1; then
  expect_screen remote-output-streams 15 'streamed over sse'
else
  fail remote-output-streams "could not send to $S ($(agent_state "$S"))" "$T/send.out"
fi

# y in the remote TUI: the command runs on the server's machine.
if ! wait_until 15 pending_is "$Y" 1 || ! select_agent "$Y"; then
  fail remote-allow "no pending permission for $Y, or it cannot be selected" "$(shot allow)"
elif ! wait_screen 10 "permission for $Y" || ! wait_screen 10 'touch approved-remote.txt'; then
  fail remote-allow "no permission prompt for $Y" "$(shot allow)"
else
  keys y
  if wait_until 15 file_in_worktree "$Y" approved-remote.txt; then
    ok remote-allow
  else
    fail remote-allow "approved-remote.txt not created in $(worktree "$Y")" "$(shot allow)" \
      "$T/tui.err"
  fi
fi

# n in the remote TUI: denied, no file, the agent is told.
if ! wait_until 15 pending_is "$N" 1 || ! select_agent "$N"; then
  fail remote-deny "no pending permission for $N ($(agent_json "$N")), or it cannot be selected" \
    "$(shot deny)"
elif ! wait_screen 10 "permission for $N"; then
  fail remote-deny "no permission prompt for $N" "$(shot deny)"
else
  keys n
  if wait_until 15 hist_has "$N" '.kind == "tool_result" and (tostring | contains("denied"))' &&
    ! file_in_worktree "$N" denied-remote.txt; then
    ok remote-deny
  else
    fail remote-deny "$N: still pending, no denial in its history, or the file exists" \
      "$(shot deny)"
  fi
fi

# A server restart: the remote TUI says it is reconnecting, then lists the agents again.
if ! fab server stop >"$T/stop.out" 2>&1; then
  fail remote-restart "fab server stop failed" "$T/stop.out"
elif expect_screen remote-restart-reconnecting 20 'reconnecting'; then
  daemon_start || finish
  if wait_screen 40 'connected *$' && wait_screen 10 "$S" && wait_screen 10 "$Y"; then
    ok remote-restart-connected
  else
    fail remote-restart-connected "not connected again" "$(shot restart)" "$T/tui.err"
  fi
fi

keys q
if wait_screen 10 '^TUI-EXITED 0$'; then
  ok remote-quit
  terminal_usable remote-quit-terminal
else
  fail remote-quit "q did not end the TUI with status 0" "$(shot quit)" "$T/tui.err"
fi
tui_stop
finish
