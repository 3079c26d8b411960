#!/usr/bin/env python3
"""A scripted stand-in agent for QCoordRun's link tests: speaks protocol v1 minimally.

Runs SIMPLE tests with subprocess (exit 0 -> PASS, else FAIL), honours cancel, and
misbehaves on request: a test named `malformed` makes it print a non-JSON line,
`oversized` an overlong line, `crash` makes it exit mid-test, `escape` sends a file
named `../escape`, `silence` stops all output (heartbeats included).
"""
import base64, json, os, signal, subprocess, sys, threading, time

lock = threading.Lock()
procs = {}
silent = threading.Event()

def send(obj):
    with lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

def heartbeat():
    while not silent.is_set():
        time.sleep(1)
        if not silent.is_set():
            send({"type": "heartbeat"})

def run(task):
    tid = task["task_id"]
    name = task["name"]
    if name == "malformed":
        with lock:
            sys.stdout.write("this is not json\n"); sys.stdout.flush()
        return
    if name == "oversized":
        with lock:
            sys.stdout.write("{" + "x" * (2 << 20) + "\n"); sys.stdout.flush()
        return
    if name == "crash":
        os._exit(3)
    if name == "silence":
        silent.set()
        return
    if name == "escape":
        send({"type": "file", "task_id": tid, "name": "../escape", "offset": 0,
              "data_b64": base64.b64encode(b"owned").decode(), "last": True})
    start = time.time()
    uri = task["uri"] if os.path.isabs(task["uri"]) else os.path.join(task.get("workdir") or ".", task["uri"])
    p = subprocess.Popen([uri], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    procs[tid] = p
    # Only now: a cancel that follows "started" must find the process.
    send({"type": "started", "task_id": tid, "qemu_bin": None, "arch": task.get("arch"), "pid": p.pid})
    try:
        out, err = p.communicate(timeout=task.get("timeout_s"))
        status = "PASS" if p.returncode == 0 else "FAIL"
        reason = None
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        status, reason = "INTERRUPTED", "Test interrupted: Timeout reached"
    if p.returncode is not None and p.returncode < 0 and status != "INTERRUPTED":
        status, reason = "INTERRUPTED", "Test interrupted: cancelled"
    for stream, data in (("stdout", out), ("stderr", err)):
        if data:
            send({"type": "output", "task_id": tid, "stream": stream, "data_b64": base64.b64encode(data).decode()})
    send({"type": "finished", "task_id": tid, "status": status, "fail_reason": reason,
          "time_s": time.time() - start})

def main():
    sys.stderr.write("scripted agent says hello on stderr\n")
    sys.stderr.flush()
    threading.Thread(target=heartbeat, daemon=True).start()
    for line in sys.stdin:
        msg = json.loads(line)
        t = msg["type"]
        if t == "hello":
            send({"type": "ready", "version": 2, "host": "scripted", "arch": "x86_64", "cpus": 2,
                  "kvm": False, "python": sys.version.split()[0], "avocado": None, "qemu": {}})
        elif t == "run":
            threading.Thread(target=run, args=(msg,), daemon=True).start()
        elif t == "cancel":
            p = procs.get(msg["task_id"])
            if p is not None:
                os.killpg(p.pid, signal.SIGKILL)
        elif t == "shutdown":
            break
    for p in procs.values():
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass

main()
