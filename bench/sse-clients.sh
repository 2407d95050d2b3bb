#!/usr/bin/env bash
# bench/sse-clients.sh — 200 SSE clients on one run whose agent streams 200
# lines/s (GET /api/v1/runs/{id}/attach): latency agent line -> client (each
# flood line carries its send time; targets p99 <= 20 ms), the daemon's RSS
# per connected client (target <= +50 KiB), and the SSE counters of
# /api/v1/system/info. The clients are one Python asyncio process (its own
# parsing adds to the latency). Prints figures; never fails for slowness.
#   BUILD=build bench/sse-clients.sh      CLIENTS=200 LINES=2000 RATE=200
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
CLIENTS=${CLIENTS:-200}
LINES=${LINES:-2000}
RATE=${RATE:-200}

root=$(mktemp -d /tmp/fab-bench-sse.XXXXXX)
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
fab server start --http "127.0.0.1:$port" >/dev/null || exit 1
fab project add "$root/web" >/dev/null || exit 1
pid=$(cat "$FAB_DIR/fab.pid")
echo "== $CLIENTS SSE clients, one run streaming $LINES lines at $RATE/s, daemon pid $pid"
# The agent waits for a "go" turn: the clients attach while it is idle.
id=$(curl -s -X POST "$base/api/v1/runs" -d '{"project":"web","goal":"SCRIPT:say ready","backend":"scripted"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 300); do
    st=$(curl -s "$base/api/v1/runs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    [[ $st == running ]] && break
    sleep 0.1
done
agent=$(curl -s "$base/api/v1/runs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["agent_id"])')

python3 - "$port" "$id" "$CLIENTS" "$LINES" "$pid" "$base" "$RATE" "$agent" <<'PY'
import asyncio, json, re, subprocess, sys, time, urllib.request
port, run, clients, lines, pid, base, rate, agent = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], int(sys.argv[7]), sys.argv[8]
flood = re.compile(rb'"event":"agent\.message"[^\n]*?"text":"flood (\d+) t=(\d+)')
lat = []
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS"): return int(l.split()[1])
def sse():
    return json.load(urllib.request.urlopen(base + "/api/v1/system/info"))["sse"]
async def client(ready, done):
    r, w = await asyncio.open_connection("127.0.0.1", int(port))
    w.write(f"GET /api/v1/runs/{run}/attach?since_seq=0 HTTP/1.0\r\nHost: x\r\n\r\n".encode())
    await w.drain()
    seen, buf, signalled = 0, b"", False
    while seen < lines:
        chunk = await r.read(65536)
        if not chunk: break
        now = time.time_ns() // 1000
        buf += chunk
        if not signalled and b": connected" in buf:
            signalled = True; ready()
        for m in flood.finditer(buf):
            lat.append(now - int(m.group(2))); seen += 1
        cut = buf.rfind(b"\n\n")
        if cut >= 0: buf = buf[cut + 2:]
    w.close()
    done()
async def main():
    base_rss = rss()
    n_ready = 0; all_ready = asyncio.Event(); n_done = 0; all_done = asyncio.Event()
    def ready():
        nonlocal n_ready; n_ready += 1
        if n_ready == clients: all_ready.set()
    def done():
        nonlocal n_done; n_done += 1
        if n_done == clients: all_done.set()
    tasks = [asyncio.create_task(client(ready, done)) for _ in range(clients)]
    await asyncio.wait_for(all_ready.wait(), 120)
    await asyncio.sleep(0.5)
    conn_rss = rss(); s = sse()
    print(f"  daemon RSS: {base_rss} KiB before, {conn_rss} KiB with {clients} clients attached: "
          f"{(conn_rss - base_rss) / clients:.1f} KiB per client  [target <= +50 KiB]")
    print(f"  sse counters attached: {s}")
    t0 = time.time()
    subprocess.run(["fab", "agent", "send", agent, f"SCRIPT:flood {lines} {rate}"], check=True, stdout=subprocess.DEVNULL)
    peak = 0
    while not all_done.is_set():
        try: await asyncio.wait_for(all_done.wait(), 0.5)
        except asyncio.TimeoutError: pass
        peak = max(peak, rss())
        if time.time() - t0 > lines / rate + 120: break
    s = sse()
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] / 1000 if lat else float("nan")
    print(f"  events received: {len(lat)} of {clients * lines} in {time.time() - t0:.1f} s")
    print(f"  latency agent line -> client: p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {pct(1.0):.1f} ms  [target p99 <= 20 ms]")
    print(f"  daemon RSS peak during the stream: {peak} KiB ({(peak - base_rss) / clients:.1f} KiB per client); sse counters after: {s}")
    for t in tasks: t.cancel()
asyncio.run(main())
PY
