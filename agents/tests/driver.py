"""Drives a real agent subprocess over its stdin/stdout with protocol v2 messages."""

import base64
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
AGENT = os.path.join(REPO, "agents", "qcoord_agent.py")
FIXTURES = os.path.join(HERE, "fixtures")
EXAMPLES = os.path.join(REPO, "examples")


def venv(version):
    """The Avocado venv of `version` ("113" or "88"): $QCOORD_AVOCADOxxx, else build/venv-avocadoxxx."""
    path = os.environ.get("QCOORD_AVOCADO" + version) or os.path.join(REPO, "build", "venv-avocado" + version)
    return path


def venv_python(version):
    return os.path.join(venv(version), "bin", "python")


def pid_alive(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return False


def wait_dead(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


class AgentProcess:
    def __init__(self, env=None, cwd=None, preexec_fn=None):
        full_env = dict(os.environ)
        full_env.setdefault("QCOORD_KILL_GRACE_S", "1")
        if env:
            full_env.update(env)
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-u", AGENT], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=full_env,
                                     cwd=cwd or REPO, preexec_fn=preexec_fn)
        self.messages = []
        self.raw_lengths = []
        self.raw_lines = []
        self.queue = queue.Queue()
        self.lock = threading.Lock()
        self.finished = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.raw_lengths.append(len(line))
            self.raw_lines.append(line)
            msg = json.loads(line)
            with self.lock:
                self.messages.append(msg)
                if msg.get("type") == "finished":
                    self.finished[msg["task_id"]] = msg
            self.queue.put(msg)
        self.queue.put(None)

    def send(self, msg):
        self.send_raw((json.dumps(msg) + "\n").encode())

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def next(self, type_, timeout=20.0, skip=("heartbeat",)):
        """The next message of `type_` (others in `skip` ignored; anything else fails)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s message within %gs; stderr: %s" % (type_, timeout, self.stderr_text()))
            try:
                msg = self.queue.get(timeout=left)
            except queue.Empty:
                continue
            if msg is None:
                raise AssertionError("agent closed stdout before %s; stderr: %s" % (type_, self.stderr_text()))
            if msg["type"] == type_:
                return msg
            if msg["type"] not in skip:
                raise AssertionError("expected %s, got %r" % (type_, msg))

    def hello(self, python="113", dirs=None, path_search=True, overrides=None, params=None, env=None,
              job_id="job-test", host_name=None, coordinator_idle_limit_s=None, keep_tmp=None):
        search = {"dirs": dirs or [], "path_search": path_search, "overrides": overrides or {},
                  "python": venv_python(python) if python in ("113", "88") else python}
        msg = {"type": "hello", "version": 2, "job_id": job_id, "env": env or {},
               "params": params or {}, "qemu_search": search}
        if host_name is not None:
            msg["host_name"] = host_name
        if coordinator_idle_limit_s is not None:
            msg["coordinator_idle_limit_s"] = coordinator_idle_limit_s
        if keep_tmp is not None:
            msg["keep_tmp"] = keep_tmp
        self.send(msg)
        return self.next("ready", timeout=30)

    def run(self, task_id, kind, uri, name=None, **kw):
        """Sends a `run`; an `arch` without `qemu_bin` gets the plan's usual choice, /usr/bin/qemu-system-ARCH."""
        msg = {"type": "run", "task_id": task_id, "kind": kind, "name": name or uri, "uri": uri,
               "args": [], "arch": None, "qemu_bin": None, "params": {}, "env": {}, "timeout_s": None,
               "workdir": None}
        if kw.get("arch") and "qemu_bin" not in kw:
            kw["qemu_bin"] = "/usr/bin/qemu-system-" + kw["arch"]
        msg.update(kw)
        self.send(msg)

    def wait_finished(self, task_id, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if task_id in self.finished:
                    return self.finished[task_id]
            time.sleep(0.02)
        raise AssertionError("task %s did not finish within %gs; stderr: %s"
                             % (task_id, timeout, self.stderr_text()))

    def task_messages(self, task_id):
        with self.lock:
            return [m for m in self.messages if m.get("task_id") == task_id]

    def output(self, task_id, stream="stdout"):
        return b"".join(base64.b64decode(m["data_b64"]) for m in self.task_messages(task_id)
                        if m["type"] == "output" and m["stream"] == stream)

    def files(self, task_id):
        """name -> bytes, checking that chunks are contiguous and `last` ends each file."""
        files, done = {}, set()
        for m in self.task_messages(task_id):
            if m["type"] != "file":
                continue
            name = m["name"]
            assert name not in done, "chunk after last for %s" % name
            data = files.setdefault(name, b"")
            assert m["offset"] == len(data), "offset %d != %d for %s" % (m["offset"], len(data), name)
            files[name] = data + base64.b64decode(m["data_b64"])
            if m["last"]:
                done.add(name)
        assert done == set(files), "files without a last chunk: %s" % (set(files) - done)
        return files

    def started(self, task_id):
        return [m for m in self.task_messages(task_id) if m["type"] == "started"][0]

    def errors(self):
        with self.lock:
            return [m for m in self.messages if m["type"] == "error"]

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")[-3000:]

    def close(self, timeout=15):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("agent did not exit on stdin EOF")
        finally:
            self.reader.join(5)
            self.proc.stdout.close()
            self.stderr.close()
