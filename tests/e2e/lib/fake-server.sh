# shellcheck shell=bash
# The fake model server (tests/e2e/fake-model-server.mjs): starting it, and pointing codex at it.
# Shared by common.sh and check-fake-server.sh. Source it, don't run it.
#
#   fake_server_start DIR          the server on a free port; SERVER_PID, PORT (1 if it did not
#                                  start); its files in DIR/server.{in,out,err,log}
#   write_codex_config DIR PORT    DIR/config.toml for codex against the server on PORT

FAKE_SERVER_JS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fake-model-server.mjs

# The server reads stdin to its end: a fifo held open on fd 7 keeps it up, and closing fd 7
# (exec 7>&-) makes it exit by itself. It prints {"port":N} once it listens.
fake_server_start() {
  mkfifo "$1/server.in"
  node "$FAKE_SERVER_JS" --port 0 --log "$1/server.log" <"$1/server.in" >"$1/server.out" 2>"$1/server.err" &
  SERVER_PID=$!
  exec 7>"$1/server.in"
  local _
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^{"port":\([0-9]*\)}$/\1/p' "$1/server.out" 2>/dev/null)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$PORT" ]
}

# Codex against the server (AGENT-CLIS.md §2.1); set CODEX_HOME=DIR and FAKE_OPENAI_API_KEY too.
write_codex_config() {
  mkdir -p "$1"
  cat >"$1/config.toml" <<TOML
model = "gpt-5.5"
model_provider = "fake"
approval_policy = "on-request"
sandbox_mode = "workspace-write"
[model_providers.fake]
name = "fake"
base_url = "http://127.0.0.1:$2/v1"
env_key = "FAKE_OPENAI_API_KEY"
wire_api = "responses"
request_max_retries = 1
stream_max_retries = 1
stream_idle_timeout_ms = 20000
TOML
}
