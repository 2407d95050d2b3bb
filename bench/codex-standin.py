#!/usr/bin/env python3
# A stand-in for `codex app-server`, for bench-codex-approval only (never a test of the
# real backend: tests/e2e/test-agents-codex.sh runs the real CLI). It speaks just enough of
# the protocol (tests/e2e/NOTES.md): answers initialize and thread/start|resume, and on
# turn/start streams agentMessage deltas (RATE a second) with a command approval request
# every BURST deltas, DECISIONS in all; each request's round trip (request written → its
# answer read) goes to $FAB_BENCH_OUT/lat-<pid>.txt, one "<ms> <decision>" line, and
# $FAB_BENCH_OUT/done-<pid> marks the end. Exits at EOF on stdin.
import json
import os
import sys
import time

OUT = os.environ.get("FAB_BENCH_OUT", "/tmp")
DECISIONS = int(os.environ.get("FAB_BENCH_DECISIONS", "25"))
RATE = float(os.environ.get("FAB_BENCH_RATE", "50"))
BURST = int(os.environ.get("FAB_BENCH_BURST", "5"))
THREAD = "bench-thread-%d" % os.getpid()


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def read_message():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    try:
        return json.loads(line)
    except ValueError:
        return {}


def run_turn(turn):
    send({"method": "turn/started", "params": {"threadId": THREAD, "turn": {"id": turn}}})
    lat = open(os.path.join(OUT, "lat-%d.txt" % os.getpid()), "w")
    for i in range(DECISIONS):
        for k in range(BURST):
            send({"method": "item/agentMessage/delta",
                  "params": {"threadId": THREAD, "turnId": turn, "itemId": "m",
                             "delta": "streaming %d.%d " % (i, k) + "x" * 80}})
            time.sleep(1.0 / RATE)
        item = "call_%d_%d" % (os.getpid(), i)
        t0 = time.monotonic_ns()
        send({"method": "item/commandExecution/requestApproval", "id": i,
              "params": {"threadId": THREAD, "turnId": turn, "itemId": item,
                         "startedAtMs": int(time.time() * 1000), "kind": "command",
                         "command": "/bin/bash -lc 'echo bench %d'" % i, "cwd": os.getcwd()}})
        while True:
            m = read_message()
            if m.get("id") == i and "method" not in m:
                break
        ms = (time.monotonic_ns() - t0) / 1e6
        decision = (m.get("result") or {}).get("decision", "error")
        lat.write("%.4f %s\n" % (ms, decision))
        send({"method": "serverRequest/resolved", "params": {"threadId": THREAD, "requestId": i}})
    lat.close()
    send({"method": "item/completed", "params": {"item": {"type": "agentMessage", "id": "m",
                                                          "text": "bench done"}}})
    send({"method": "turn/completed",
          "params": {"threadId": THREAD, "turn": {"id": turn, "status": "completed"}}})
    open(os.path.join(OUT, "done-%d" % os.getpid()), "w").close()


def main():
    turns = 0
    while True:
        m = read_message()
        method = m.get("method")
        if method == "initialize":
            send({"id": m["id"], "result": {"userAgent": "bench"}})
        elif method in ("thread/start", "thread/resume"):
            send({"id": m["id"], "result": {"thread": {"id": THREAD}, "model": "gpt-5.5",
                                            "cwd": os.getcwd()}})
        elif method == "turn/start":
            turns += 1
            turn = "turn-%d" % turns
            send({"id": m["id"], "result": {"turn": {"id": turn}}})
            run_turn(turn)
        elif "id" in m and method:
            send({"id": m["id"], "result": {}})


main()
