#!/usr/bin/env python3
"""The agent's own CPU per task (`make bench-agent`): a real agent subprocess (as the
coordinator starts it) runs N trivial SIMPLE tests, SLOTS at a time, fed over its stdin as
`run` messages; its CPU time (all its threads, from /proc/PID/stat, read before it exits; the
tests' own processes are not counted) for 60 and for 300 tasks; the slope per task cancels the
fixed start-up (qemu probing). The per-test CPU that `make bench-ssh`'s wall-time slope is made
of, without the SSH testbed's noise.

Usage: bench/agent.py [AGENT] [--python PY] [--slots 2] [--repeat 3]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.path.join(os.path.dirname(HERE), "agents", "qcoord_agent.py")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime, every thread


def run(agent, python, n, slots, tests):
    proc = subprocess.Popen([python, "-u", agent], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=None if os.environ.get("BENCH_AGENT_STDERR") else subprocess.DEVNULL, cwd=tests)
    done = threading.Semaphore(0)
    ready = threading.Event()
    finished = [0]

    def reader():
        for line in proc.stdout:
            msg = json.loads(line)
            if msg["type"] == "ready":
                ready.set()
            elif msg["type"] == "finished":
                if msg["status"] != "PASS":
                    sys.exit("bench-agent: task %s ended %s: %s" % (msg["task_id"], msg["status"], msg["fail_reason"]))
                finished[0] += 1
                done.release()

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        proc.stdin.write((json.dumps(msg) + "\n").encode())
        proc.stdin.flush()

    send({"type": "hello", "version": 2, "job_id": "bench", "env": {}, "params": {},
          "qemu_search": {"dirs": [], "path_search": True, "overrides": {}, "python": None}})
    if not ready.wait(60):
        sys.exit("bench-agent: no ready from the agent")
    before = cpu_seconds(proc.pid)
    t0 = time.monotonic()
    for i in range(n):
        if i >= slots:
            done.acquire()
        send({"type": "run", "task_id": str(i + 1), "kind": "SIMPLE", "name": "t.sh", "uri": "t.sh",
              "args": [], "arch": None, "qemu_bin": None, "params": {}, "env": {}, "timeout_s": None,
              "workdir": tests})
    for _ in range(min(n, slots)):
        done.acquire()
    wall = time.monotonic() - t0
    cpu = cpu_seconds(proc.pid) - before
    send({"type": "shutdown"})
    proc.stdin.close()
    proc.wait(30)
    return cpu, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("agent", nargs="?", default=AGENT)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--slots", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    a.agent = os.path.abspath(a.agent)
    with tempfile.TemporaryDirectory(prefix="qcoord-bench-agent-") as tests:
        with open(os.path.join(tests, "t.sh"), "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(os.path.join(tests, "t.sh"), 0o755)
        slopes, walls = [], []
        for _ in range(a.repeat):
            c60, w60 = run(a.agent, a.python, 60, a.slots, tests)
            c300, w300 = run(a.agent, a.python, 300, a.slots, tests)
            slopes.append((c300 - c60) / 240 * 1000)
            walls.append((w300 - w60) / 240 * 1000 * a.slots)
    slopes.sort()
    walls.sort()
    print("bench-agent: %s, %d slots, trivial SIMPLE tasks (median of %d)" % (a.agent, a.slots, a.repeat))
    print("  agent CPU per task : %.2f ms  (runs: %s)" % (slopes[len(slopes) // 2], " ".join("%.2f" % s for s in slopes)))
    print("  wall per task×slot : %.2f ms" % walls[len(walls) // 2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
