#!/usr/bin/env bash
# bench/http-runs.sh — server mode figures: GET /api/v1/runs/{id} throughput
# with keep-alive (h2load, HTTP/1.1 and h2c; target >= 20,000 req/s), submit
# latency of 1,000 queued runs (h2load POST, one connection), and the
# daemon's RSS before and after. Prints figures; never fails for slowness.
#   BUILD=build bench/http-runs.sh      REQUESTS=50000 CONNS=10 QUEUED=1000
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
REQUESTS=${REQUESTS:-50000}
CONNS=${CONNS:-10}
QUEUED=${QUEUED:-1000}
command -v h2load >/dev/null || { echo "http-runs: h2load missing (apt-get install nghttp2-client)"; exit 1; }

root=$(mktemp -d /tmp/fab-bench-http.XXXXXX)
export FAB_DIR=$root/fab HOME=$root/home XDG_CONFIG_HOME=$root/xdg GIT_CONFIG_NOSYSTEM=1
export PATH=$PWD/$BUILD:$PWD/$BUILD/scripted:$PATH
mkdir -p "$HOME"
cleanup() {
    fab server stop >/dev/null 2>&1
    for p in /proc/[0-9]*; do
        grep -qz "^FAB_DIR=$FAB_DIR\$" "$p/environ" 2>/dev/null && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    rm -rf "$root"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
git init -q "$root/web" && git -C "$root/web" -c user.name=b -c user.email=b@x commit -q --allow-empty -m init
# max-concurrent-runs 1: one run works, the rest stay queued (no agents spawned).
fab server start --http "127.0.0.1:$port" --max-concurrent-runs 1 >/dev/null || exit 1
fab project add "$root/web" >/dev/null || exit 1
pid=$(cat "$FAB_DIR/fab.pid")
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "== server mode (h2o) on $base, daemon pid $pid, RSS $(rss) KiB"
id=$(curl -s -X POST "$base/api/v1/runs" -d '{"project":"web","goal":"SCRIPT:sleep 600","backend":"scripted"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for mode in "h1:--h1" "h2c:"; do
    name=${mode%%:*}; flag=${mode#*:}
    out=$(h2load $flag -n "$REQUESTS" -c "$CONNS" "$base/api/v1/runs/$id" 2>&1)
    echo "  GET /api/v1/runs/{id} $name, $CONNS conns, keep-alive: $(echo "$out" | sed -n 's/^finished in \(.*\), \(.*req\/s\).*/\2 (\1)/p')  [target >= 20,000 req/s]"
    echo "$out" | grep -E "^requests:|^time for request:" | sed 's/^/      /'
done
body=$root/run.json
echo '{"project":"web","goal":"queued for the benchmark","backend":"scripted"}' >"$body"
out=$(h2load --h1 -n "$QUEUED" -c 1 -d "$body" -H 'content-type: application/json' "$base/api/v1/runs" 2>&1)
echo "  POST /api/v1/runs x $QUEUED (queued), 1 conn: $(echo "$out" | sed -n 's/^finished in \(.*\), \(.*req\/s\).*/\2 (\1)/p')"
echo "$out" | grep -E "^status codes:|^time for request:" | sed 's/^/      /'
echo "  daemon RSS after: $(rss) KiB; runs: $(curl -s "$base/api/v1/system/info" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"])')"
