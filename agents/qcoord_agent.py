#!/usr/bin/env python3
"""qcoord agent: runs tests on one host for one job, speaking protocol v2 on stdin/stdout.

The coordinator starts this file as a local subprocess or over SSH (`python3 -u -`).
Every line on stdin and stdout is one JSON object with a "type" field; stderr is free
for diagnostics.  The full specification is docs/protocol.md.

The coordinator's job plan decides each task's arch, qemu binary and timeout; the agent
runs exactly that (or refuses with a reason), split along prepare (TaskPlan), run
(TaskProcess and a runner per kind) and collect (send_files, `finished`).

Python >= 3.8, standard library only: test hosts are x86_64, aarch64, s390x, ppc64le,
riscv64 machines that have python3 and nothing else we can count on.
"""

import ast
import base64
import itertools
import json
import os
import platform
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

PROTOCOL_VERSION = 2
# Raw bytes per `output` / `file` chunk before base64 (keeps every line < 70 KiB).
CHUNK_BYTES = 48 * 1024
# Longest line accepted from the coordinator (params and env travel in `run`).
MAX_INPUT_LINE = 16 << 20
HEARTBEAT_S = 1.0
# Seconds between SIGTERM and SIGKILL of a task's process group.
KILL_GRACE_S = float(os.environ.get("QCOORD_KILL_GRACE_S", "3"))
# When the link ends (stdin EOF, `shutdown`, SIGTERM) the agent exits within 3 s: its tasks'
# groups get SIGTERM, SIGKILL after EXIT_KILL_S at the latest, and their threads have until
# EXIT_JOIN_S to send their `finished`.
EXIT_KILL_S = 1.5
EXIT_JOIN_S = 2.5
PROBE_TIMEOUT_S = 5.0
# Files of one test larger than this are cut (the rest is dropped, a note is appended).
MAX_FILE_BYTES = 64 << 20
MAX_TASK_FILE_BYTES = 256 << 20
TIMEOUT_REASON = "Test interrupted: Timeout reached"

STATUSES = ("PASS", "ERROR", "FAIL", "SKIP", "WARN", "INTERRUPTED", "CANCEL")
KINDS = ("INSTRUMENTED", "PyUNITTEST", "SIMPLE", "TAP", "EXTERNAL", "FUNCTIONAL")

# The arch alias table, agents/arch_aliases.json: QEMU target name -> its other spellings
# (uname -m, Debian arch names, tag spellings); QCoordCore's ArchName is generated from the
# same file. The embedder puts the table's JSON on the next line of the shipped agent (one
# file, cached by its hash); run from the repo, the agent reads the file beside it.
ARCH_TABLE_JSON = None  # replaced by the embedder


def load_arch_aliases(text=None):
    """Every spelling (lowercase) -> its QEMU target name, targets included."""
    if text is None:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "arch_aliases.json")
        with open(path, encoding="utf-8") as f:
            text = f.read()
    aliases = {}
    for target, names in json.loads(text).items():
        aliases[target.lower()] = target
        for name in names:
            aliases[name.lower()] = target
    return aliases


ARCH_ALIASES = load_arch_aliases(ARCH_TABLE_JSON)


def normalize_arch(name):
    """Maps a uname / tag spelling of an architecture to QEMU's target name."""
    if not name:
        return name
    key = str(name).strip().lower()
    return ARCH_ALIASES.get(key, key)


def log(msg):
    """Diagnostics go to stderr; stdout belongs to the protocol."""
    try:
        sys.stderr.write("qcoord-agent: %s\n" % msg)
        sys.stderr.flush()
    except Exception:
        pass


def last_line(text, default="unknown error"):
    for line in reversed(str(text).strip().splitlines()):
        if line.strip():
            return line.strip()
    return default


def one_line(text):
    """A fail_reason is one line: the non-blank lines, stripped, joined by " | "."""
    if text is None:
        return None
    text = str(text)
    if "\n" not in text and "\r" not in text:
        return text
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def b64(data):
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------------------
# Linux process hygiene: no child may outlive the agent.

_libc = None
if sys.platform.startswith("linux"):
    try:
        import ctypes
        import ctypes.util
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except Exception:  # pragma: no cover - exotic libc
        _libc = None

PR_SET_PDEATHSIG = 1


def _make_child_setup(parent_pid):
    """Runs in each forked child before exec: die with SIGKILL when the spawning thread dies."""
    def setup():
        if _libc is not None:
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The parent may have died between fork and prctl: then nobody would kill us.
        if os.getppid() != parent_pid:
            os._exit(1)
    return setup


class Guardian:
    """A forked watchdog that kills every registered process group once the agent is gone.

    PR_SET_PDEATHSIG only reaches the direct child, and is not inherited by the QEMU a
    test starts; when the agent is SIGKILLed nothing in it can run.  So a process forked
    at startup (before any thread exists) keeps the list of live process groups, read
    from a pipe only the agent writes; EOF on that pipe means the agent exited or died,
    and the guardian then SIGTERMs and SIGKILLs every group still listed.
    """

    def __init__(self):
        self.fd = None
        self.lock = threading.Lock()

    def start(self):
        if not hasattr(os, "fork"):
            return
        try:
            r, w = os.pipe()
            pid = os.fork()
        except OSError as e:
            log("guardian not started: %s" % e)
            return
        if pid == 0:  # pragma: no cover - runs in the forked child
            try:
                os.close(w)
                self._serve(r)
            finally:
                os._exit(0)
        os.close(r)
        self.fd = w
        # Reap the guardian if it ever exits before us, without blocking anything.
        threading.Thread(target=self._reap, args=(pid,), daemon=True).start()

    @staticmethod
    def _reap(pid):
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass

    @staticmethod
    def _serve(r):  # pragma: no cover - runs in the forked child
        os.setsid()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_IGN)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        groups = set()
        base_dir = None
        buf = b""
        while True:
            try:
                data = os.read(r, 4096)
            except InterruptedError:
                continue
            except OSError:
                break
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                op = line[:1]
                try:
                    pgid = int(line[1:]) if op in (b"+", b"-") else 0
                except ValueError:
                    continue
                if op == b"d":
                    base_dir = line[1:].decode("utf-8", "surrogateescape")
                    continue
                if op == b"+":
                    groups.add(pgid)
                elif op == b"-":
                    groups.discard(pgid)
        kill_groups(groups, grace=KILL_GRACE_S)
        if base_dir:
            shutil.rmtree(base_dir, ignore_errors=True)

    def _send(self, text):
        if self.fd is None:
            return
        with self.lock:
            try:
                os.write(self.fd, text.encode("utf-8", "surrogateescape"))
            except OSError:
                pass

    def register(self, pgid):
        self._send("+%d\n" % pgid)

    def unregister(self, pgid):
        self._send("-%d\n" % pgid)

    def remove_on_exit(self, path):
        """The agent's temp dir: removed by the guardian too, in case the agent is SIGKILLed."""
        if "\n" not in path:
            self._send("d%s\n" % path)


def killpg(pgid, sig):
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False
    except OSError:
        return False


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except OSError:
        return False


def kill_groups(groups, grace):
    """SIGTERM every group, wait up to `grace` for them to vanish, SIGKILL the rest."""
    groups = [g for g in groups if killpg(g, signal.SIGTERM)]
    deadline = time.monotonic() + grace
    while groups and time.monotonic() < deadline:
        time.sleep(0.05)
        groups = [g for g in groups if group_alive(g)]
    for g in groups:
        killpg(g, signal.SIGKILL)


# --------------------------------------------------------------------------------------
# Output channel


class Channel:
    """Writes protocol messages to stdout, one JSON object per line, from any thread."""

    def __init__(self, stream):
        self.stream = stream
        self.lock = threading.Lock()
        self.broken = False

    def send(self, msg):
        line = json.dumps(msg, separators=(",", ":"), ensure_ascii=True).encode("ascii") + b"\n"
        with self.lock:
            if self.broken:
                return False
            try:
                self.stream.write(line)
                self.stream.flush()
                return True
            except (OSError, ValueError):
                self.broken = True
                return False

    def output(self, task_id, stream, data):
        for i in range(0, len(data), CHUNK_BYTES):
            self.send({"type": "output", "task_id": task_id, "stream": stream,
                       "data_b64": b64(data[i:i + CHUNK_BYTES])})

    def error(self, message, task_id=None):
        msg = {"type": "error", "message": message}
        if task_id is not None:
            msg["task_id"] = task_id
        self.send(msg)


# --------------------------------------------------------------------------------------
# Host probing


def run_quiet(argv, timeout, env=None):
    """Runs argv; returns (returncode, stdout text) or (None, error text)."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, env=env,
                           start_new_session=True)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "timed out after %gs" % timeout
    except OSError as e:
        return None, str(e)


def is_executable_file(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


QEMU_NAME = re.compile(r"^qemu-system-([A-Za-z0-9_]+)$")


def qemu_version(path):
    rc, out = run_quiet([path, "--version"], PROBE_TIMEOUT_S)
    if rc != 0:
        return None
    first = out.strip().splitlines()[0] if out.strip() else ""
    m = re.search(r"version\s+(.+)$", first)
    return (m.group(1).strip() if m else first.strip()) or None


def parallel_map(fn, items, width=8):
    """Calls fn on every item on up to `width` threads; returns results in order."""
    results = [None] * len(items)
    lock = threading.Lock()
    nxt = [0]

    def worker():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= len(items):
                return
            try:
                results[i] = fn(items[i])
            except Exception:
                results[i] = None

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(width, len(items)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def search_path_dirs():
    return [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]


def probe_qemu(search):
    """Every usable qemu-system-* binary: arch -> {path, version}.

    The only search for binaries the agent makes (the coordinator's plan chooses among
    these): `overrides`, then `dirs` in order (the coordinator sends the QEMU build dir, the
    test tree and its parents, each with build/), then PATH; the first usable one per arch wins.
    """
    dirs = list(search.get("dirs") or [])
    if search.get("path_search", True):
        dirs += search_path_dirs()
    candidates = []  # (arch, path) in priority order
    for arch, path in sorted((search.get("overrides") or {}).items()):
        candidates.append((normalize_arch(arch), os.path.expanduser(path)))
    seen = set()
    for d in dirs:
        d = os.path.expanduser(d)
        try:
            names = sorted(os.listdir(d))
        except OSError:
            continue
        for name in names:
            m = QEMU_NAME.match(name)
            if not m:
                continue
            path = os.path.join(d, name)
            real = os.path.realpath(path)
            if (m.group(1), real) in seen:
                continue
            seen.add((m.group(1), real))
            candidates.append((m.group(1), path))
    usable = [c for c in candidates if is_executable_file(c[1])]
    versions = parallel_map(lambda c: qemu_version(c[1]), usable)
    found = {}
    for (arch, path), version in zip(usable, versions):
        if version is not None and arch not in found:
            found[arch] = {"path": os.path.abspath(path), "version": version}
    return found


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        os.close(fd)
        return True
    except OSError:
        return False


def cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Avocado:
    """An Avocado installation on this host: its python, bin dir and version."""

    def __init__(self, python, bindir, version):
        self.python = python
        self.bindir = bindir
        self.version = version
        try:
            self.major = int(version.split(".")[0])
        except ValueError:
            self.major = 0

    def tool(self, name, module_fallback):
        path = os.path.join(self.bindir, name) if self.bindir else None
        if path and is_executable_file(path):
            return [path]
        return [self.python] + module_fallback


def shebang_python(script):
    try:
        with open(script, "rb") as f:
            first = f.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    parts = first[2:].decode("utf-8", "replace").split()
    if not parts:
        return None
    if os.path.basename(parts[0]) == "env" and len(parts) > 1:
        return shutil.which(parts[1])
    return parts[0]


def avocado_version(python):
    rc, out = run_quiet([python, "-c", "from avocado.core.version import VERSION; print(VERSION)"],
                        PROBE_TIMEOUT_S * 2)
    if rc != 0:
        return None
    return last_line(out, "") or None


def find_avocado(configured_python):
    """The host's Avocado: the configured python/venv, PATH, ~/.local/bin, this python."""
    candidates = []  # (python, bindir)
    if configured_python:
        p = os.path.expanduser(configured_python)
        if os.path.isdir(p):
            p = os.path.join(p, "bin", "python3") if os.path.exists(os.path.join(p, "bin", "python3")) \
                else os.path.join(p, "bin", "python")
        candidates.append((p, os.path.dirname(p)))
    scripts = []
    which = shutil.which("avocado")
    if which:
        scripts.append(which)
    local = os.path.expanduser("~/.local/bin/avocado")
    if is_executable_file(local):
        scripts.append(local)
    for script in scripts:
        py = shebang_python(script)
        if py:
            candidates.append((py, os.path.dirname(script)))
    candidates.append((sys.executable, os.path.dirname(sys.executable)))
    tried = set()
    for python, bindir in candidates:
        if not python or python in tried:
            continue
        tried.add(python)
        version = avocado_version(python)
        if version:
            if not is_executable_file(os.path.join(bindir, "avocado")):
                bindir = os.path.dirname(python)
            return Avocado(python, bindir, version)
    return None


def managed_pylib():
    """Where `qcoord deploy` installs pycotap on a host: $XDG_CACHE_HOME/qcoord/pylib, else
    ~/.cache/qcoord/pylib. On PYTHONPATH for FUNCTIONAL tasks (and the pycotap probe) when present."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "qcoord", "pylib")


def pylib_dirs():
    d = managed_pylib()
    return [d] if os.path.isdir(d) else []


def with_pythonpath(env, dirs):
    """env with `dirs` first on PYTHONPATH, the PYTHONPATH it had after them."""
    old = [p for p in (env.get("PYTHONPATH") or "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(list(dirs) + [p for p in old if p not in dirs])
    return env


# Run by the tests' python at hello: pycotap's version (QEMU's tests/functional print TAP with
# it), or nothing when it does not import.
PYCOTAP_PROBE = r'''
import os, sys
try:
    import pycotap
except Exception:
    sys.exit(0)
version = None
try:
    import importlib.metadata as m
    version = m.version("pycotap")
except Exception:
    pass
print(version or "unknown")
'''


def pycotap_version(python):
    """pycotap's version as `python` imports it (qcoord's pylib on its path), or None."""
    env = with_pythonpath(dict(os.environ), pylib_dirs())
    rc, out = run_quiet([python, "-c", PYCOTAP_PROBE], PROBE_TIMEOUT_S * 2, env=env)
    if rc != 0:
        return None
    return last_line(out, "") or None


# Run by Avocado's python: where that Avocado version looks for each asset in a cache dir
# (`Asset.relative_dir`: by_location/<sha1 of the base URL>/<file>, by_name/<name>, …) and its
# configured cache dirs. Asked of Avocado itself, so the layout is the host's version's own.
AVOCADO_ASSET_PLACES = r'''
import json, sys
from avocado.utils.asset import Asset
places = [Asset(a["name"], a["hash"], a["algorithm"], a["locations"], []).relative_dir
          for a in json.load(sys.stdin)]
try:
    from avocado.core.settings import settings
    dirs = settings.as_dict().get("datadir.paths.cache_dirs") or []
except Exception:
    dirs = []
print(json.dumps({"places": places, "cache_dirs": list(dirs)}))
'''

# Avocado has no switch that forbids a download: a test whose assets are all provided gets
# proxies that point at a closed local port, so an attempt fails at once (fetch_asset then
# cancels the test) instead of downloading on the host.
NO_DOWNLOAD_PROXY = "http://127.0.0.1:9"


def asset_key(asset):
    return (asset["name"], asset["hash"], asset["algorithm"], tuple(asset["locations"]))


def read_text(path, limit=1 << 20):
    try:
        with open(path, "rb") as f:
            return f.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


def host_sysinfo():
    """What `ready` says of the host for the job's sysinfo/<host>/ (as Avocado's sysinfo):
    uname, the CPU (model, count, flags), memory, the OS. Each value one short text."""
    info = {"uname": " ".join(os.uname())}
    cpuinfo = read_text("/proc/cpuinfo") or ""
    fields = {}
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key in ("model name", "cpu model", "Model", "cpu", "flags", "Features", "isa") and key not in fields:
            fields[key] = value.strip()
    model = fields.get("model name") or fields.get("cpu model") or fields.get("Model") or fields.get("cpu") or platform.processor()
    cpu = ["model: %s" % (model or "unknown"), "count: %d" % (os.cpu_count() or 0)]
    flags = fields.get("flags") or fields.get("Features") or fields.get("isa")
    if flags:
        cpu.append("flags: %s" % flags)
    info["cpu"] = "\n".join(cpu)
    for line in (read_text("/proc/meminfo") or "").splitlines():
        if line.startswith("MemTotal:"):
            info["memory"] = line.split(":", 1)[1].strip()
            break
    for line in (read_text("/etc/os-release") or "").splitlines():
        if line.startswith("PRETTY_NAME="):
            info["os"] = line.split("=", 1)[1].strip().strip('"')
            break
    return info


def test_python(configured):
    """The python of PyUNITTEST and FUNCTIONAL tests: the configured one, else the agent's."""
    if configured:
        p = os.path.expanduser(configured)
        if os.path.isdir(p):
            p = os.path.join(p, "bin", "python3")
        return p
    return sys.executable or "python3"


# --------------------------------------------------------------------------------------
# Result parsing


class TapParser:
    """Incremental TAP parser: feed() stdout bytes, then status()."""

    PLAN = re.compile(r"^1\.\.(\d+)\s*(#\s*(.*))?$")
    RESULT = re.compile(r"^(not\s+)?ok\b\s*(\d+)?\s*(.*)$")
    DIRECTIVE = re.compile(r"#\s*(SKIP|TODO)\S*\s*(.*)$", re.IGNORECASE)

    def __init__(self):
        self.buf = b""
        self.plan = None
        self.plan_reason = ""
        self.count = 0
        self.skipped = 0
        self.failures = []
        self.bailout = None

    def feed(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self._line(line)
        if len(self.buf) > (1 << 20):  # an endless line cannot be TAP; keep memory bounded
            self.buf = b""

    def close(self):
        if self.buf:
            self._line(self.buf)
            self.buf = b""

    def _line(self, raw):
        line = raw.decode("utf-8", "replace").rstrip("\r").strip()
        if self.bailout is not None:
            return
        if line.startswith("Bail out!"):
            self.bailout = line[len("Bail out!"):].strip()
            return
        m = self.PLAN.match(line)
        if m:
            self.plan = int(m.group(1))
            self.plan_reason = (m.group(3) or "").strip()
            return
        m = self.RESULT.match(line)
        if not m:
            return
        self.count += 1
        desc = m.group(3) or ""
        d = self.DIRECTIVE.search(desc)
        directive = d.group(1).upper() if d else None
        if directive == "SKIP":
            self.skipped += 1
        if m.group(1) and directive != "TODO":
            self.failures.append(("not ok %s %s" % (m.group(2) or self.count, desc)).strip())

    def status(self, returncode):
        if self.bailout is not None:
            return "ERROR", "Bail out! %s" % self.bailout if self.bailout else "Bail out!"
        if self.failures:
            return "FAIL", self.failures[0]
        if self.plan is None:
            return "ERROR", "TAP output has no plan (1..N)"
        if self.plan != self.count:
            return "ERROR", "TAP plan 1..%d but %d test(s) reported" % (self.plan, self.count)
        if returncode not in (0, None):
            return "FAIL", "Exited with status %d" % returncode
        if self.count == 0 or self.skipped == self.count:
            return "SKIP", self.plan_reason or "all TAP tests skipped"
        return "PASS", None


# Run by the configured python for PyUNITTEST tests: runs one test with the standard
# library's unittest and writes the outcome as JSON to argv[4].
UNITTEST_RUNNER = r'''
import json, sys, traceback, unittest
d, module, name, out = sys.argv[1:5]
sys.path.insert(0, d)
sys.argv = [sys.argv[0]]
res = {"run": 0, "failures": [], "errors": [], "skipped": [], "unexpected": [], "expected": 0}
try:
    suite = unittest.defaultTestLoader.loadTestsFromName(module + "." + name)
    r = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(suite)
    res["run"] = r.testsRun
    res["failures"] = [[str(t), tb] for t, tb in r.failures]
    res["errors"] = [[str(t), tb] for t, tb in r.errors]
    res["skipped"] = [[str(t), reason] for t, reason in r.skipped]
    res["unexpected"] = [str(t) for t in r.unexpectedSuccesses]
    res["expected"] = len(r.expectedFailures)
except BaseException:
    res["errors"].append([name, traceback.format_exc()])
with open(out, "w") as f:
    json.dump(res, f)
'''


# --------------------------------------------------------------------------------------
# Tasks: prepare (TaskPlan) -> run (TaskProcess + a runner per kind) -> collect (send_files)


class TaskError(Exception):
    """A task cannot run; ends the task with `status` and this message as fail_reason."""

    def __init__(self, status, reason):
        Exception.__init__(self, reason)
        self.status = status
        self.reason = one_line(reason)


def safe_relative_name(name):
    """A file name relative to a test's result dir, or None when it could escape it."""
    if not name or "\x00" in name or "\\" in name:
        return None
    if name.startswith("/"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


class TaskPlan:
    """Prepare: one `run` message read and checked, and what its test gets (dirs, params, env).

    The coordinator's job plan chose the arch, the qemu binary and the timeout; the agent
    runs exactly that choice. It never looks for another binary: a binary that is gone
    ends the task CANCEL with the reason.
    """

    def __init__(self, agent, msg):
        """Raises on fields of the wrong shape (the task then ends ERROR "invalid run message")."""
        self.agent = agent
        self.id = msg["task_id"]
        self.kind = msg.get("kind")
        self.name = msg.get("name") or msg.get("uri") or ""
        self.uri = msg.get("uri") or ""
        self.args = [str(a) for a in (msg.get("args") or [])]
        self.tags = msg.get("tags") if isinstance(msg.get("tags"), dict) else {}
        self.workdir = msg.get("workdir") or agent.cwd
        self.params = dict(agent.params)
        self.params.update({str(k): str(v) for k, v in (msg.get("params") or {}).items()})
        self.env_extra = dict(agent.env)
        self.env_extra.update({str(k): str(v) for k, v in (msg.get("env") or {}).items()})
        self.host = agent.host_name
        self.problem = self.check_fields(msg)
        # INSTRUMENTED: the assets the coordinator provided here ({"files": [...], "complete"}).
        self.assets = msg.get("assets") if self.problem is None else None
        # The plan's final limit, for every kind (it already holds any `-p timeout`).
        self.timeout = msg.get("timeout_s") if self.problem is None else None
        qemu_bin, arch = msg.get("qemu_bin"), msg.get("arch")
        # Without a binary the test does not use QEMU: no arch either (whatever `run.arch` says).
        self.qemu_bin = qemu_bin if qemu_bin and self.problem is None else None
        self.arch = arch if self.qemu_bin and arch else None
        self.dir = self.results = self.wd = self.tmp = None

    @staticmethod
    def check_fields(msg):
        """Why the task cannot run as sent (it then ends ERROR), or None."""
        if not isinstance(msg.get("uri"), str) or not msg.get("uri"):
            return "run message without a uri"
        timeout = msg.get("timeout_s")
        if timeout is not None and not isinstance(timeout, (int, float)):
            return "timeout_s must be a number"
        for field in ("qemu_bin", "arch"):
            if msg.get(field) is not None and not isinstance(msg.get(field), str):
                return "%s must be a string or null" % field
        assets = msg.get("assets")
        if assets is not None:
            files = assets.get("files") if isinstance(assets, dict) else None
            if not isinstance(files, list) or not all(
                    isinstance(f, dict) and all(isinstance(f.get(k), str) for k in ("name", "hash", "algorithm", "file"))
                    and isinstance(f.get("locations"), list) and all(isinstance(u, str) for u in f["locations"])
                    for f in files):
                return "assets must be {files: [{name, locations, hash, algorithm, file}], complete}"
        return None

    def prepare(self):
        """Checks what can be checked before the test starts and makes its directories."""
        if self.problem is not None:
            raise TaskError("ERROR", self.problem)
        if self.kind not in KINDS:
            raise TaskError("ERROR", "cannot run tests of kind %r" % self.kind)
        if self.qemu_bin and not is_executable_file(self.qemu_bin):
            raise TaskError("CANCEL", self.missing_binary_reason())
        self.make_dir()

    def missing_binary_reason(self):
        what = "qemu-system binary %s" % self.qemu_bin
        if self.arch:
            what += " (%s)" % self.arch
        if self.qemu_bin in self.agent.probed_qemu:
            return "%s is not on host %s any more (it was there when the job started)" % (what, self.host)
        return "%s is not an executable file on host %s" % (what, self.host)

    def uses_qemu(self):
        """A test that may start a QEMU: its direct child also gets PR_SET_PDEATHSIG."""
        return self.kind == "INSTRUMENTED" or self.qemu_bin is not None

    # -- directories ----------------------------------------------------------------------

    def make_dir(self):
        # Short: the path must leave room for UNIX socket names below it (108 bytes).
        # A trivial test costs little more than these directories (a mkdir here costs as much
        # as the test's fork), so a task dir its test left empty is reused (recycle_dir), wd/
        # is made only for the kinds that run in it (make_wd), and a counter, not mkdtemp's
        # random names, keeps new names unique (a task id may come again while its old dir is
        # being removed).
        agent = self.agent
        with agent.spare_dirs_lock:
            spare = agent.spare_dirs.pop() if agent.spare_dirs else None
        self.dir = spare or os.path.join(agent.base_dir, "task-%d" % next(agent.task_serial))
        self.results = os.path.join(self.dir, "results")
        self.wd = os.path.join(self.dir, "wd")
        self.tmp = os.path.join(self.dir, "tmp")
        if spare:
            return
        os.mkdir(self.dir, 0o700)
        os.mkdir(self.results)
        os.mkdir(os.path.join(self.results, "data"))
        os.mkdir(self.tmp)

    def make_wd(self):
        if not os.path.isdir(self.wd):
            os.mkdir(self.wd)

    def recycle_dir(self):
        """Keeps the task dir for the next task when the test left it as made, else removes it;
        with keep_tmp, leaves it as the test left it (the next task gets a new one)."""
        if not self.dir or self.agent.keep_tmp:
            return
        try:
            clean = (os.listdir(self.dir) in (["results", "tmp"], ["tmp", "results"])
                     and os.listdir(self.results) == ["data"]
                     and not os.listdir(os.path.join(self.results, "data"))
                     and not os.listdir(self.tmp))
        except OSError:
            clean = False
        if clean and not self.agent.stopping:
            with self.agent.spare_dirs_lock:
                self.agent.spare_dirs.append(self.dir)
            return
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- what the test gets ---------------------------------------------------------------

    def abs_uri(self):
        uri = os.path.expanduser(self.uri)
        return uri if os.path.isabs(uri) else os.path.normpath(os.path.join(self.workdir, uri))

    def test_file(self, check=os.path.exists):
        """The test file's absolute path; TaskError when it is not on this host."""
        path = self.abs_uri()
        if not check(path):
            raise TaskError("ERROR", "test file %s not found on host %s" % (path, self.host))
        return path

    def test_part(self):
        """`Class.method` from `file.py:Class.method`."""
        if self.name.startswith(self.uri + ":"):
            return self.name[len(self.uri) + 1:]
        if ":" in self.name:
            return self.name.rsplit(":", 1)[1]
        raise TaskError("ERROR", "test name %r has no ':Class.method' part" % self.name)

    def environment(self):
        env = dict(self.agent.base_env)
        env.update(self.env_extra)
        if self.qemu_bin:
            env["QEMU_TEST_QEMU_BINARY"] = self.qemu_bin
        env["AVOCADO_TEST_OUTPUTDIR"] = os.path.join(self.results, "data")
        env["AVOCADO_TEST_LOGDIR"] = self.results
        env["PYTHONUNBUFFERED"] = "1"
        if "TMPDIR" not in self.env_extra:
            # What a test (or a test killed before its tearDown) leaves in TMPDIR goes
            # away with the task.
            env["TMPDIR"] = self.tmp
        return env

    def test_params(self):
        p = dict(self.params)
        if self.qemu_bin:
            p["qemu_bin"] = self.qemu_bin
        if self.arch:
            p["arch"] = self.arch
        return p

    def python(self):
        """The python of PyUNITTEST and FUNCTIONAL tests: the configured one, else the agent's."""
        return test_python(self.agent.search.get("python"))


class TaskProcess:
    """Run: a task's process, in its own session (process group), pumped until it ends.

    Enforces the task's timeout and cancellation: SIGTERM to the whole group, then
    SIGKILL after KILL_GRACE_S (a QEMU in replay mode ignores SIGTERM).
    """

    def __init__(self, agent, task_id, timeout, start_time, on_started):
        self.agent = agent
        self.ch = agent.ch
        self.task_id = task_id
        self.deadline = start_time + float(timeout) if timeout else None
        self.on_started = on_started
        self.pdeathsig = False
        self.lock = threading.Lock()
        self.proc = None
        self.pgid = None
        self.interrupt_reason = None
        self.term_sent = None
        self.killed = False
        self.reaped = False

    def interrupt(self, reason):
        """Called from other threads (cancel, shutdown): SIGTERM the group; the pump escalates."""
        with self.lock:
            if self.interrupt_reason is None:
                self.interrupt_reason = reason
            if self.pgid is not None and self.term_sent is None:
                self.term_sent = time.monotonic()
                killpg(self.pgid, signal.SIGTERM)

    def kill_now(self):
        """SIGKILL the group at once (the agent is exiting and cannot wait for the grace)."""
        with self.lock:
            # Once reaped, the group's id may belong to someone else.
            if self.pgid is not None and not self.reaped:
                self.killed = True
                killpg(self.pgid, signal.SIGKILL)

    def output(self, stream):
        return lambda data: self.ch.output(self.task_id, stream, data)

    def spawn(self, argv, cwd, env, on_stdout=None, on_stderr=None):
        """Runs argv in its own process group, pumping its output; returns the exit code."""
        on_stdout = on_stdout or self.output("stdout")
        on_stderr = on_stderr or self.output("stderr")
        with self.agent.spawn_lock:
            if self.agent.stopping:
                raise TaskError("INTERRUPTED", "Test interrupted: agent shutting down")
            try:
                # PR_SET_PDEATHSIG needs a preexec_fn, which forces a full fork() of this
                # threaded process (~4 ms instead of a vfork's ~0.3 ms). The guardian already
                # kills every group when the agent dies, so the extra belt is worn only by
                # tasks that may start a QEMU, where a test costs seconds anyway.
                setup = _make_child_setup(os.getpid()) if self.pdeathsig and _libc is not None else None
                proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        start_new_session=True, close_fds=True, preexec_fn=setup)
            except OSError as e:
                raise TaskError("ERROR", "cannot start %s: %s" % (argv[0], e))
            self.agent.guardian.register(proc.pid)
        with self.lock:
            self.proc = proc
            self.pgid = proc.pid
            if self.interrupt_reason is not None:
                self.term_sent = time.monotonic()
                killpg(self.pgid, signal.SIGTERM)
        self.on_started(proc.pid)
        try:
            return self.pump(proc, {proc.stdout.fileno(): on_stdout, proc.stderr.fileno(): on_stderr})
        finally:
            proc.stdout.close()
            proc.stderr.close()

    def pump(self, proc, handlers):
        deadline = self.deadline
        sel = selectors.DefaultSelector()
        for fd in handlers:
            sel.register(fd, selectors.EVENT_READ)
        open_fds = set(handlers)
        rc = None
        try:
            while open_fds or rc is None:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    self.interrupt(TIMEOUT_REASON)
                with self.lock:
                    if self.term_sent is not None and not self.killed and now - self.term_sent >= KILL_GRACE_S:
                        self.killed = True
                        killpg(self.pgid, signal.SIGKILL)
                wait = 0.1
                if deadline is not None and self.term_sent is None:
                    wait = max(0.0, min(wait, deadline - now))
                if rc is None:
                    rc = proc.poll()
                    if rc is not None and open_fds:
                        # The test is done but something it started still holds its
                        # stdout/stderr open: that leftover dies with the group.
                        killpg(self.pgid, signal.SIGKILL)
                if open_fds:
                    for key, _ in sel.select(wait):
                        fd = key.fd
                        try:
                            data = os.read(fd, CHUNK_BYTES)
                        except InterruptedError:
                            continue
                        except OSError:
                            data = b""
                        if not data:
                            sel.unregister(fd)
                            open_fds.discard(fd)
                            continue
                        handlers[fd](data)
                elif rc is None:
                    try:
                        rc = proc.wait(wait if wait > 0 else 0.01)
                    except subprocess.TimeoutExpired:
                        pass
        finally:
            sel.close()
        return rc

    def reap_group(self):
        """Kills whatever is left of the task's process group (a QEMU a test forgot)."""
        with self.lock:
            pgid = self.pgid
            proc = self.proc
        if pgid is None:
            return
        killpg(pgid, signal.SIGKILL)
        if proc is not None and proc.returncode is None:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        with self.lock:
            self.reaped = True
        self.agent.guardian.unregister(pgid)


def exit_reason(rc):
    if rc is None:
        return "did not exit"
    if rc < 0:
        try:
            return "Killed by signal %s" % signal.Signals(-rc).name
        except ValueError:
            return "Killed by signal %d" % -rc
    return "Exited with status %d" % rc


# -- runners: one per kind; each takes the Task and returns (status, fail_reason) --------


def run_simple(task):
    plan = task.plan
    rc = task.process.spawn([plan.test_file()] + plan.args, plan.workdir, plan.environment())
    if rc == 0:
        return "PASS", None
    return "FAIL", exit_reason(rc)


def run_external(task):
    plan = task.plan
    if not plan.args:
        raise TaskError("ERROR", "EXTERNAL test %s has no runner" % plan.name)
    rc = task.process.spawn(plan.args + [plan.uri], plan.workdir, plan.environment())
    if rc == 0:
        return "PASS", None
    return "FAIL", exit_reason(rc)


def run_tap(task):
    plan = task.plan
    path = plan.test_file()
    tap = TapParser()

    def on_stdout(data):
        task.ch.output(task.id, "stdout", data)
        tap.feed(data)

    rc = task.process.spawn([path] + plan.args, plan.workdir, plan.environment(), on_stdout=on_stdout)
    tap.close()
    return tap.status(rc)


def run_pyunittest(task):
    plan = task.plan
    path = plan.test_file(os.path.isfile)
    d, base = os.path.split(path)
    module = base[:-3] if base.endswith(".py") else base
    out = os.path.join(plan.dir, "unittest.json")
    argv = [plan.python(), "-c", UNITTEST_RUNNER, d, module, plan.test_part(), out]
    rc = task.process.spawn(argv, d, plan.environment())
    try:
        with open(out) as f:
            res = json.load(f)
    except (OSError, ValueError):
        return "ERROR", "unittest runner ended without a result (%s)" % exit_reason(rc)
    if res["errors"]:
        return "ERROR", last_line(res["errors"][0][1])
    if res["failures"]:
        return "FAIL", last_line(res["failures"][0][1])
    if res["unexpected"]:
        return "FAIL", "unexpected success: %s" % res["unexpected"][0]
    if res["run"] == 0:
        return "ERROR", "no test named %s in %s" % (plan.test_part(), path)
    if len(res["skipped"]) == res["run"]:
        return "SKIP", res["skipped"][0][1]
    return "PASS", None


def run_instrumented(task):
    plan = task.plan
    avocado = task.agent.avocado
    if avocado is None:
        return "ERROR", ("Avocado is not installed on host %s: install it with "
                         "`pip install avocado-framework` (or `qcoord deploy --with-avocado`), "
                         "or point qcoord at a python/venv that has it (--python)" % plan.host)
    path = plan.test_file(os.path.isfile)
    plan.make_wd()
    # avocado_qemu-style tests look for ./qemu-system-ARCH in their working directory.
    if plan.qemu_bin and plan.arch:
        link = os.path.join(plan.wd, "qemu-system-" + plan.arch)
        if not os.path.lexists(link):
            os.symlink(plan.qemu_bin, link)
    cache = avocado_asset_cache(task, avocado)
    if avocado.major >= 91:
        return InstrumentedNRunner(task, avocado, path, cache).run()
    return run_instrumented_legacy(task, avocado, path, cache)


class AvocadoCache:
    """An Avocado cache of the task's own: links to the assets the coordinator provided, at the
    places the host's Avocado looks, each with its `-CHECKSUM` file (verified when pushed).
    `cache_dirs` is what Avocado is told; `offline`: every asset is here, downloads refused."""

    def __init__(self, cache_dirs, offline):
        self.cache_dirs = cache_dirs
        self.offline = offline

    def environment(self, env):
        if self.offline:
            for name in ("no_proxy", "NO_PROXY"):
                env.pop(name, None)
            for name in ("http_proxy", "https_proxy", "ftp_proxy", "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY"):
                env[name] = NO_DOWNLOAD_PROXY
        return env


def avocado_asset_cache(task, avocado):
    """The task's AvocadoCache, or None when the coordinator provided no assets for it."""
    plan = task.plan
    files = (plan.assets or {}).get("files") or []
    if not files:
        return None
    places, default_dirs = task.agent.avocado_asset_places(avocado, files)
    root = os.path.join(plan.dir, "assets")
    offline = bool(plan.assets.get("complete"))
    for asset, place in zip(files, places):
        if not os.path.isfile(asset["file"]):
            if offline:
                raise TaskError("CANCEL", "asset %s: %s is not on host %s any more (it was pushed for this job)"
                                % (asset["name"], asset["file"], plan.host))
            continue
        path = os.path.normpath(os.path.join(root, place))
        if not path.startswith(root + os.sep):
            raise TaskError("ERROR", "Avocado places asset %s outside its cache: %s" % (asset["name"], place))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.lexists(path):
            os.symlink(asset["file"], path)
        with open(path + "-CHECKSUM", "w") as f:
            f.write("%s %s\n" % (asset["algorithm"], asset["hash"]))
    return AvocadoCache([root] + ([] if offline else [d for d in default_dirs if d != root]), offline)


class InstrumentedNRunner:
    """Avocado >= 91: its own per-test runner; params travel as a variant.

    The runner's stdout is a stream of Python dict literals: `log` lines go to debug.log,
    the test's `stdout`/`stderr` to `output` messages, and the `finished` one is the result.
    """

    def __init__(self, task, avocado, path, cache=None):
        self.task = task
        self.plan = task.plan
        self.avocado = avocado
        self.path = path
        self.cache = cache
        self.buf = b""
        self.finished = None
        self.debug_log = None
        self.stderr_tail = bytearray()

    def argv(self):
        params = self.plan.test_params()
        variant = {"paths": ["/"], "variant_id": None,
                   "variant": [["/", [["/", k, v] for k, v in sorted(params.items())]]]}
        argv = self.avocado.tool("avocado-runner-avocado-instrumented",
                                 ["-m", "avocado.plugins.runners.avocado_instrumented"])
        argv += ["runnable-run", "-k", "avocado-instrumented", "-u", "%s:%s" % (self.path, self.plan.test_part())]
        if self.cache:
            argv += ["-c", json.dumps({"datadir.paths.cache_dirs": self.cache.cache_dirs})]
        argv += ["variant=json:" + json.dumps(variant), "output_dir=" + self.plan.results]
        if self.plan.tags:
            # avocado_qemu-style tests read single `arch:` / `machine:` / `cpu:` tags from self.tags.
            argv.append("tags=json:" + json.dumps(self.plan.tags, sort_keys=True))
        return argv

    def handle(self, line):
        task = self.task
        line = line.strip()
        if not line:
            return
        try:
            msg = ast.literal_eval(line.decode("utf-8", "replace"))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            task.ch.output(task.id, "stdout", line + b"\n")
            return
        if not isinstance(msg, dict):
            return
        kind = msg.get("type")
        data = msg.get("log")
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        if msg.get("status") == "finished":
            self.finished = msg
        elif kind == "log" and data is not None:
            self.debug_log.write(data + b"\n")
        elif kind in ("stdout", "stderr") and data is not None:
            task.ch.output(task.id, kind, data)
        elif kind == "whiteboard" and data is not None:
            task.whiteboard = data.decode("utf-8", "replace")

    def on_stdout(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.handle(line)
        if len(self.buf) > (64 << 20):
            self.buf = b""

    def on_stderr(self, data):
        self.task.ch.output(self.task.id, "stderr", data)
        self.stderr_tail.extend(data)
        del self.stderr_tail[:-4096]

    def run(self):
        task, plan = self.task, self.plan
        argv = self.argv()
        self.debug_log = open(os.path.join(plan.results, "debug.log"), "ab")
        try:
            env = self.cache.environment(plan.environment()) if self.cache else plan.environment()
            rc = task.process.spawn(argv, plan.wd, env, on_stdout=self.on_stdout, on_stderr=self.on_stderr)
            self.handle(self.buf)
        finally:
            self.debug_log.close()
        if task.whiteboard is not None:
            with open(os.path.join(plan.results, "whiteboard"), "w") as f:
                f.write(task.whiteboard)
        fin = self.finished
        if fin is None:
            return "ERROR", "avocado runner ended without a result (%s): %s" % (
                exit_reason(rc), last_line(self.stderr_tail.decode("utf-8", "replace"), "no output"))
        result = str(fin.get("result", "error")).upper()
        if result not in STATUSES:
            result = "ERROR"
        reason = fin.get("fail_reason")
        if result == "PASS":
            reason = None
        return result, (str(reason) if reason is not None else None)


def run_instrumented_legacy(task, avocado, path, cache=None):
    """Avocado < 91 (QEMU 7.x pins 88.1): its nrunner ignores -p, the legacy runner honours it."""
    plan = task.plan
    jobs = os.path.join(plan.dir, "job-results")
    out_json = os.path.join(plan.dir, "results.json")
    argv = avocado.tool("avocado", ["-m", "avocado"])
    env = plan.environment()
    if cache:
        conf = os.path.join(plan.dir, "avocado.conf")
        with open(conf, "w") as f:
            f.write("[datadir.paths]\ncache_dirs = %s\n" % json.dumps(cache.cache_dirs))
        argv += ["--config", conf]
        env = cache.environment(env)
    port = free_port()
    argv += ["run", "--test-runner=runner", "--disable-sysinfo", "--job-results-dir", jobs,
             "--json", out_json, "--disable-xunit-job-result", "--disable-tap-job-result",
             # Unused by the legacy runner, but never the shared fixed 127.0.0.1:8888.
             "--nrunner-status-server-uri", "127.0.0.1:%d" % port,
             "--nrunner-status-server-listen", "127.0.0.1:%d" % port]
    for k, v in sorted(plan.test_params().items()):
        argv += ["-p", "%s=%s" % (k, v)]
    argv += ["--", "%s:%s" % (path, plan.test_part())]
    ui = bytearray()

    def keep(data):
        ui.extend(data)
        del ui[:-8192]

    rc = task.process.spawn(argv, plan.wd, env, on_stdout=keep, on_stderr=keep)
    try:
        with open(out_json) as f:
            res = json.load(f)
        test = res["tests"][0]
    except (OSError, ValueError, KeyError, IndexError):
        return "ERROR", "avocado %s ended without a result (%s): %s" % (
            avocado.version, exit_reason(rc), last_line(ui.decode("utf-8", "replace"), "no output"))
    logdir = test.get("logdir")
    if logdir and os.path.isdir(logdir):
        collect_legacy_logdir(task, logdir)
    wb = test.get("whiteboard")
    if wb:
        task.whiteboard = wb
    status = str(test.get("status") or "ERROR").upper()
    if status not in STATUSES:
        status = "ERROR"
    reason = test.get("fail_reason")
    if status == "PASS":
        reason = None
    return status, (str(reason) if reason not in (None, "None") else None)


def collect_legacy_logdir(task, logdir):
    """The legacy runner's test dir: stdout/stderr become `output`, the rest result files."""
    for stream in ("stdout", "stderr"):
        try:
            with open(os.path.join(logdir, stream), "rb") as f:
                while True:
                    data = f.read(CHUNK_BYTES)
                    if not data:
                        break
                    task.ch.output(task.id, stream, data)
        except OSError:
            pass
    for name in os.listdir(logdir):
        src = os.path.join(logdir, name)
        if name in ("stdout", "stderr") or os.path.islink(src):
            continue
        dst = os.path.join(task.plan.results, name)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)


# Run by the configured python for FUNCTIONAL tests (QEMU's tests/functional): what
# `python3 <file>` does through QemuBaseTest.main(), for exactly one unittest id. argv[0] is the
# file, its directory first on sys.path; pycotap's TAP goes to stdout, unittest's messages and
# the test's output to stderr (LogToError, as main() sets them). Also writes what TAP cannot say
# (an error or a failure, the tracebacks, skip reasons) as JSON to argv[3].
FUNCTIONAL_DRIVER = r'''
import json, os, sys, traceback, unittest
path, test_id, out = sys.argv[1:4]
sys.argv = [path]
sys.path[0] = os.path.dirname(path)
res = {"pycotap_missing": None, "run": 0, "errors": [], "failures": [], "skipped": [],
       "unexpected": [], "crash": None}


def write():
    with open(out, "w") as f:
        json.dump(res, f)


try:
    import pycotap
except Exception as e:
    res["pycotap_missing"] = "%s: %s" % (type(e).__name__, e)
    write()
    sys.stderr.write("qcoord: cannot import pycotap: %s\n" % res["pycotap_missing"])
    sys.exit(2)
import warnings
warnings.simplefilter("default")
os.environ["PYTHONWARNINGS"] = "default"
code = 1
try:
    tr = pycotap.TAPTestRunner(message_log=pycotap.LogMode.LogToError,
                               test_output_log=pycotap.LogMode.LogToError)
    r = unittest.main(module=None, testRunner=tr, exit=False, argv=[path, test_id]).result
    sys.stdout.flush()
    res["run"] = r.testsRun
    res["errors"] = [[t.id(), tb] for t, tb in r.errors]
    res["failures"] = [[t.id(), tb] for t, tb in r.failures]
    res["skipped"] = [[t.id(), reason] for t, reason in r.skipped]
    res["unexpected"] = [t.id() for t in r.unexpectedSuccesses]
    for t, _ in r.errors + r.failures:
        if hasattr(t, "log_filename"):
            sys.stderr.write("More information on %s could be found here:\n %s\n" % (t.id(), t.log_filename))
            if hasattr(t, "console_log_name"):
                sys.stderr.write(" %s\n" % t.console_log_name)
    code = 0 if r.wasSuccessful() else 1
except BaseException:
    res["crash"] = traceback.format_exc()
    sys.stderr.write(res["crash"])
write()
sys.exit(code)
'''

PYCOTAP_HINT = ("pycotap (QEMU's tests/functional print their TAP with it) does not import with %s on "
                "host %s: run `qcoord deploy` for this host (it installs pycotap into ~/.cache/qcoord/pylib), "
                "or `pip install pycotap` for that python (%s)")


class FunctionalTap:
    """The TAP one functional test file prints through pycotap: its result lines and plan."""

    RESULT = re.compile(r"^(not\s+)?ok\b\s*(\d+)?\s*(.*?)\s*$")
    SKIP = re.compile(r"\s#\s*SKIP\S*\s*(.*)$", re.IGNORECASE)

    def __init__(self):
        self.buf = b""
        self.results = []  # (ok, test id, skip reason or None)
        self.plan = None

    def feed(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.line(line)
        if len(self.buf) > (1 << 20):
            self.buf = b""

    def close(self):
        if self.buf:
            self.line(self.buf)
            self.buf = b""

    def line(self, raw):
        line = raw.decode("utf-8", "replace").strip()
        m = TapParser.PLAN.match(line)
        if m:
            self.plan = int(m.group(1))
            return
        m = self.RESULT.match(line)
        if not m:
            return
        desc, skip = m.group(3), None
        d = self.SKIP.search(desc)
        if d:
            skip = d.group(1).strip() or "skipped"
            desc = desc[:d.start()].strip()
        self.results.append((not m.group(1), desc, skip))


class FunctionalRunner:
    """FUNCTIONAL: one test of QEMU's tests/functional (>= 10.0), run as meson runs its file.

    meson runs `python3 <file>` with QEMU_TEST_QEMU_BINARY, QEMU_TEST_QEMU_IMG, QEMU_BUILD_ROOT
    and PYTHONPATH=<tree>/python:<tree>/tests/functional; the file's QemuBaseTest.main() prints
    TAP through pycotap. Here one python process runs the one unittest id of `run.args` the same
    way (FUNCTIONAL_DRIVER), QEMU_BUILD_ROOT is the task's build/ dir, and the test's log dir
    (build/tests/functional/<arch>/<id>/: base.log, console.log, ...) becomes its result files.
    """

    def __init__(self, task):
        self.task = task
        self.plan = task.plan
        self.tap = FunctionalTap()
        self.stderr_tail = bytearray()

    def test_id(self, path):
        if self.plan.args:
            return self.plan.args[0]
        module = os.path.basename(path)[:-3] if path.endswith(".py") else os.path.basename(path)
        return "%s.%s" % (module, self.plan.test_part())

    @staticmethod
    def functional_root(path):
        """The dir holding qemu_test/ at or above the test file's dir (tests/functional), or None."""
        d = os.path.dirname(path)
        while True:
            if os.path.isfile(os.path.join(d, "qemu_test", "__init__.py")):
                return d
            parent = os.path.dirname(d)
            if parent == d:
                return None
            d = parent

    def qemu_img(self):
        """qemu-img next to the binary, else on PATH; None when neither."""
        near = os.path.join(os.path.dirname(self.plan.qemu_bin), "qemu-img")
        if is_executable_file(near):
            return near
        return shutil.which("qemu-img", path=self.plan.env_extra.get("PATH") or self.task.agent.base_env.get("PATH"))

    def environment(self, root, build):
        plan = self.plan
        env = dict(self.task.agent.base_env)
        env.update(plan.env_extra)
        env["QEMU_TEST_QEMU_BINARY"] = plan.qemu_bin
        env["QEMU_BUILD_ROOT"] = build
        img = self.qemu_img()
        if "QEMU_TEST_QEMU_IMG" not in plan.env_extra:
            if img:
                env["QEMU_TEST_QEMU_IMG"] = img
            else:
                env.pop("QEMU_TEST_QEMU_IMG", None)
        if img:
            # qemu_test looks for QEMU_BUILD_ROOT/qemu-img (meson's build dir has it), then PATH.
            os.symlink(img, os.path.join(build, "qemu-img"))
        env["PYTHONUNBUFFERED"] = "1"
        if "TMPDIR" not in plan.env_extra:
            env["TMPDIR"] = plan.tmp
        tree = os.path.dirname(os.path.dirname(root))
        return with_pythonpath(env, [os.path.join(tree, "python"), root] + pylib_dirs())

    def on_stdout(self, data):
        self.task.ch.output(self.task.id, "stdout", data)
        self.tap.feed(data)

    def on_stderr(self, data):
        self.task.ch.output(self.task.id, "stderr", data)
        self.stderr_tail.extend(data)
        del self.stderr_tail[:-8192]

    def stderr_line(self, default="no output"):
        return last_line(self.stderr_tail.decode("utf-8", "replace"), default)

    def run(self):
        task, plan = self.task, self.plan
        if not plan.qemu_bin:
            raise TaskError("ERROR", "FUNCTIONAL test %s has no qemu_bin (QEMU_TEST_QEMU_BINARY)" % plan.name)
        path = plan.test_file(os.path.isfile)
        root = self.functional_root(path)
        if root is None:
            raise TaskError("ERROR", "no qemu_test package in the directories above %s: not a QEMU "
                                     "tests/functional file" % path)
        test_id = self.test_id(path)
        build = os.path.join(plan.dir, "build")
        os.mkdir(build)
        out = os.path.join(plan.dir, "functional.json")
        python = plan.python()
        argv = [python, "-c", FUNCTIONAL_DRIVER, path, test_id, out]
        try:
            rc = task.process.spawn(argv, build, self.environment(root, build),
                                    on_stdout=self.on_stdout, on_stderr=self.on_stderr)
        finally:
            self.tap.close()
            self.collect_logs(build)
        try:
            with open(out) as f:
                res = json.load(f)
        except (OSError, ValueError):
            res = None
        return self.status(res, rc, python, test_id)

    def status(self, res, rc, python, test_id):
        plan = self.plan
        if res and res.get("pycotap_missing"):
            return "ERROR", PYCOTAP_HINT % (python, plan.host, res["pycotap_missing"])
        results = self.tap.results
        if not results:
            return "ERROR", "no TAP result for %s (%s): %s" % (test_id, exit_reason(rc), self.stderr_line())
        res = res or {}
        bad = [r for r in results if not r[0]]
        if bad:
            failed = bad[0][1]
            for tid, tb in res.get("errors") or []:
                if tid == failed:
                    return "ERROR", last_line(tb)
            for tid, tb in res.get("failures") or []:
                if tid == failed:
                    return "FAIL", last_line(tb)
            if failed in (res.get("unexpected") or []):
                return "FAIL", "unexpected success: %s" % failed
            return "FAIL", "not ok %s" % failed
        if self.tap.plan is None or rc != 0:
            # TAP said ok, but the process did not end as a finished run ends (meson: ERROR).
            return "ERROR", "%s after `ok` for %s: %s" % (exit_reason(rc), test_id, self.stderr_line())
        if all(r[2] is not None for r in results):
            return "SKIP", results[0][2]
        return "PASS", None

    def collect_logs(self, build):
        """build/tests/functional/<arch>/<id>/ (base.log, console.log, ...) -> the result dir;
        the scratch dir stays behind. Several test dirs (not one id) keep their <arch>/<id>/ path."""
        base = os.path.join(build, "tests", "functional")
        dirs = []
        for arch in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            adir = os.path.join(base, arch)
            if os.path.isdir(adir) and not os.path.islink(adir):
                dirs += [(arch, t) for t in sorted(os.listdir(adir)) if os.path.isdir(os.path.join(adir, t))]
        for arch, test in dirs:
            src = os.path.join(base, arch, test)
            dst = self.plan.results if len(dirs) == 1 else os.path.join(self.plan.results, arch, test)
            for name in os.listdir(src):
                full = os.path.join(src, name)
                if name == "scratch" or os.path.islink(full):
                    continue
                target = os.path.join(dst, name)
                if os.path.lexists(target):
                    continue
                os.makedirs(dst, exist_ok=True)
                shutil.move(full, target)


def run_functional(task):
    return FunctionalRunner(task).run()


RUNNERS = {"INSTRUMENTED": run_instrumented, "PyUNITTEST": run_pyunittest, "SIMPLE": run_simple,
           "TAP": run_tap, "EXTERNAL": run_external, "FUNCTIONAL": run_functional}


# -- collect: the result files, then `finished` ------------------------------------------


def send_files(ch, task_id, results):
    """Sends every regular file under the result dir as `file` chunks, names relative."""
    if not results or not os.path.isdir(results):
        return
    total = 0
    for root, dirs, files in os.walk(results, followlinks=False):
        dirs.sort()
        for fname in sorted(files):
            full = os.path.join(root, fname)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            name = safe_relative_name(os.path.relpath(full, results).replace(os.sep, "/"))
            if name is None:
                continue
            total = send_file(ch, task_id, name, full, total)


def send_file(ch, task_id, name, full, total):
    """Sends one file in chunks; returns the task's running byte total."""
    try:
        f = open(full, "rb")
    except OSError:
        return total
    with f:
        size = os.fstat(f.fileno()).st_size
        limit = max(0, min(size, MAX_FILE_BYTES, MAX_TASK_FILE_BYTES - total))
        offset = 0
        while True:
            data = f.read(min(CHUNK_BYTES, limit - offset)) if offset < limit else b""
            last = not data or offset + len(data) >= limit
            if last and limit < size:
                data += b"\n[qcoord: file cut at %d of %d bytes]\n" % (offset + len(data), size)
            ch.send({"type": "file", "task_id": task_id, "name": name, "offset": offset,
                     "data_b64": b64(data), "last": last})
            offset += len(data)
            if last:
                return total + offset


class Task:
    """One `run` on its own thread: prepare (TaskPlan), run (its kind's runner), collect."""

    def __init__(self, agent, msg):
        self.agent = agent
        self.ch = agent.ch
        self.start_time = time.monotonic()
        self.plan = TaskPlan(agent, msg)
        self.id = self.plan.id
        self.process = TaskProcess(agent, self.id, self.plan.timeout, self.start_time, self.send_started)
        self.process.pdeathsig = self.plan.uses_qemu()
        self.started_sent = False
        self.whiteboard = None
        self.thread = threading.Thread(target=self.main, name="task-" + str(self.id), daemon=True)

    def interrupt(self, reason):
        self.process.interrupt(reason)

    def main(self):
        status, reason = "ERROR", None
        try:
            self.plan.prepare()
            status, reason = RUNNERS[self.plan.kind](self)
        except TaskError as e:
            status, reason = e.status, e.reason
        except Exception:
            log("task %s crashed:\n%s" % (self.id, traceback.format_exc()))
            status, reason = "ERROR", last_line(traceback.format_exc())
        finally:
            self.process.reap_group()
        if self.process.interrupt_reason is not None and status != "CANCEL":
            status, reason = "INTERRUPTED", self.process.interrupt_reason
        self.collect(status, self.one_line_reason(reason))

    def one_line_reason(self, reason):
        """The reason as one line; a multi-line one is also written whole to the test's debug.log
        when the test has one (Avocado's kinds). Without one qcoord writes the debug.log from the
        test's stdout and stderr, and a debug.log made here would replace it."""
        folded = one_line(reason)
        debug_log = os.path.join(self.plan.results, "debug.log") if self.plan.results else None
        if folded != reason and debug_log and os.path.isfile(debug_log):
            try:
                with open(debug_log, "a") as f:
                    f.write("fail_reason (full text):\n%s\n" % str(reason).rstrip("\n"))
            except OSError:
                log("task %s: cannot write the full fail_reason to debug.log" % self.id)
        return folded

    def send_started(self, pid):
        if self.started_sent:
            return
        self.started_sent = True
        self.ch.send({"type": "started", "task_id": self.id, "qemu_bin": self.plan.qemu_bin,
                      "arch": self.plan.arch, "pid": pid})

    def collect(self, status, reason):
        """The test's files, then `finished`; the task dir is kept for reuse or removed."""
        self.send_started(None)
        try:
            send_files(self.ch, self.id, self.plan.results)
        except Exception:
            log("task %s: sending files failed:\n%s" % (self.id, traceback.format_exc()))
        msg = {"type": "finished", "task_id": self.id, "status": status,
               "fail_reason": reason, "time_s": round(time.monotonic() - self.start_time, 6)}
        if self.whiteboard is not None:
            msg["whiteboard"] = self.whiteboard
        # Forget the task before reporting it, so the coordinator may reuse its id at once.
        self.agent.task_done(self)
        self.ch.send(msg)
        self.plan.recycle_dir()


def free_port():
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


# --------------------------------------------------------------------------------------
# The agent


class Agent:
    def __init__(self, stdin, stdout):
        self.stdin = stdin
        self.ch = Channel(stdout)
        self.guardian = Guardian()
        self.tasks = {}
        self.tasks_lock = threading.Lock()
        self.spawn_lock = threading.Lock()
        self.stopping = False
        self.hello = None
        self.params = {}
        self.env = {}
        self.search = {}
        self.avocado = None
        self.pycotap = None
        self.cwd = os.getcwd()
        self.hostname = socket.gethostname()
        # How messages name this host: the coordinator's name for it (hello.host_name), if any.
        self.host_name = self.hostname
        # Paths of the binaries reported in `ready`.
        self.probed_qemu = set()
        self.host_arch = normalize_arch(platform.machine())
        self.base_dir = None
        # hello.keep_tmp (`qcoord run --keep-tmp`): the scratch dir stays after the job.
        self.keep_tmp = False
        self.heartbeat_stop = threading.Event()
        # When the last line (or EOF) came from the coordinator.
        self.last_input = time.monotonic()
        # os.environ decodes every variable on each copy; tasks copy this dict instead.
        self.base_env = dict(os.environ)
        self.task_serial = itertools.count(1)
        self.spare_dirs = []
        self.spare_dirs_lock = threading.Lock()
        # Avocado's place of each asset in a cache dir, asked once per asset (avocado_asset_places).
        self.asset_places = {}
        self.avocado_cache_dirs = None
        self.asset_places_lock = threading.Lock()

    def avocado_asset_places(self, avocado, files):
        """Where the host's Avocado looks for each of `files` in a cache dir, and its configured
        cache dirs. TaskError ERROR when Avocado cannot say."""
        with self.asset_places_lock:
            todo = [f for f in files if asset_key(f) not in self.asset_places]
            if todo or self.avocado_cache_dirs is None:
                request = [{"name": f["name"], "hash": f["hash"], "algorithm": f["algorithm"], "locations": f["locations"]}
                           for f in todo]
                proc = None
                try:
                    proc = subprocess.run([avocado.python, "-c", AVOCADO_ASSET_PLACES], input=json.dumps(request).encode(),
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=PROBE_TIMEOUT_S * 6)
                    answer = json.loads(proc.stdout.decode("utf-8", "replace"))
                    places = answer["places"]
                    if proc.returncode != 0 or len(places) != len(todo) or not all(isinstance(p, str) for p in places):
                        raise ValueError("unexpected answer")
                except (OSError, ValueError, KeyError, TypeError, subprocess.TimeoutExpired) as e:
                    err = proc.stderr.decode("utf-8", "replace") if proc is not None else ""
                    raise TaskError("ERROR", "Avocado %s on host %s cannot say where its cache keeps assets (%s): %s" % (
                        avocado.version, self.host_name, e, last_line(err, "no output")))
                for f, place in zip(todo, places):
                    self.asset_places[asset_key(f)] = place
                self.avocado_cache_dirs = [os.path.expanduser(d) for d in answer.get("cache_dirs") or [] if isinstance(d, str)]
            return [self.asset_places[asset_key(f)] for f in files], self.avocado_cache_dirs

    # -- main loop ----------------------------------------------------------------------

    def serve(self):
        self.guardian.start()
        try:
            while True:
                line = self.stdin.readline(MAX_INPUT_LINE + 1)
                self.last_input = time.monotonic()
                if not line:
                    break
                if len(line) > MAX_INPUT_LINE and not line.endswith(b"\n"):
                    self.ch.error("input line longer than %d bytes ignored" % MAX_INPUT_LINE)
                    while line and not line.endswith(b"\n"):
                        line = self.stdin.readline(MAX_INPUT_LINE + 1)
                    continue
                if not line.strip():
                    continue
                if self.handle_line(line) == "exit":
                    break
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def handle_line(self, line):
        try:
            msg = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            self.ch.error("malformed input line (%s): %r" % (e, line[:200]))
            return None
        if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
            self.ch.error("input line is not a JSON object with a \"type\": %r" % line[:200])
            return None
        kind = msg["type"]
        try:
            if kind == "hello":
                return self.on_hello(msg)
            if self.hello is None:
                self.ch.error("expected hello before %r" % kind)
                return None
            if kind == "run":
                self.on_run(msg)
            elif kind == "cancel":
                self.on_cancel(msg)
            elif kind == "shutdown":
                return "exit"
            elif kind == "heartbeat":
                pass  # the coordinator is alive (serve noted the time)
            else:
                self.ch.error("unknown message type %r" % kind)
        except Exception:
            log(traceback.format_exc())
            self.ch.error("cannot handle %r: %s" % (kind, last_line(traceback.format_exc())))
        return None

    def on_hello(self, msg):
        if self.hello is not None:
            self.ch.error("duplicate hello ignored")
            return None
        version = msg.get("version")
        if version != PROTOCOL_VERSION:
            self.ch.error("protocol version mismatch: this agent speaks version %d, the coordinator "
                          "sent %r; use the agent embedded in the same qcoord build" % (PROTOCOL_VERSION, version))
            return "exit"
        self.hello = msg
        if isinstance(msg.get("host_name"), str) and msg.get("host_name"):
            self.host_name = msg["host_name"]
        self.params = {str(k): str(v) for k, v in (msg.get("params") or {}).items()}
        self.env = {str(k): str(v) for k, v in (msg.get("env") or {}).items()}
        search = msg.get("qemu_search") or {}
        self.search = {
            "dirs": [str(d) for d in (search.get("dirs") or [])],
            "path_search": search.get("path_search", True) is not False,
            "overrides": {normalize_arch(k): str(v) for k, v in (search.get("overrides") or {}).items()},
            "python": search.get("python"),
        }
        job = re.sub(r"[^A-Za-z0-9_.-]", "_", str(msg.get("job_id") or "job"))[:12]
        self.base_dir = tempfile.mkdtemp(prefix="qcoord-%s-" % job)
        self.keep_tmp = msg.get("keep_tmp") is True
        if not self.keep_tmp:
            self.guardian.remove_on_exit(self.base_dir)
        found = {}

        def probe_avocado():
            found["avocado"] = find_avocado(self.search.get("python"))

        def probe_pycotap():
            found["pycotap"] = pycotap_version(test_python(self.search.get("python")))

        probes = [threading.Thread(target=f, daemon=True) for f in (probe_avocado, probe_pycotap)]
        for t in probes:
            t.start()
        qemu = probe_qemu(self.search)
        for t in probes:
            t.join()
        self.avocado = found.get("avocado")
        self.pycotap = found.get("pycotap")
        self.probed_qemu = set(info["path"] for info in qemu.values())
        self.ch.send({
            "type": "ready", "version": PROTOCOL_VERSION, "host": self.hostname,
            "arch": self.host_arch, "cpus": cpu_count(), "kvm": kvm_usable(),
            "python": platform.python_version(),
            "avocado": self.avocado.version if self.avocado else None,
            "pycotap": self.pycotap,
            "qemu": qemu,
            "sysinfo": host_sysinfo(),
            # Where the tasks' dirs are (task-N/: results, wd, tmp), kept after the job with keep_tmp.
            "scratch": self.base_dir,
        })
        threading.Thread(target=self.heartbeat, name="heartbeat", daemon=True).start()
        limit = msg.get("coordinator_idle_limit_s")
        if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0:
            threading.Thread(target=self.watch_coordinator, args=(float(limit),), name="coordinator-watch",
                             daemon=True).start()
        return None

    def watch_coordinator(self, limit):
        """A coordinator silent for `limit` s (it sends a heartbeat every second) is gone even if
        the connection never closed (a cut network, a suspended laptop): stop every test and exit."""
        while not self.heartbeat_stop.wait(0.25):
            silent = time.monotonic() - self.last_input
            if silent > limit:
                log("no message from the coordinator for %.1f s: the link is gone; stopping" % silent)
                self.shutdown()
                sys.stdout.flush()
                os._exit(0)

    def heartbeat(self):
        while not self.heartbeat_stop.wait(HEARTBEAT_S):
            if not self.ch.send({"type": "heartbeat"}):
                return

    def on_run(self, msg):
        task_id = msg.get("task_id")
        if not isinstance(task_id, str) or not task_id:
            self.ch.error("run without a task_id ignored")
            return
        with self.tasks_lock:
            if task_id in self.tasks:
                self.ch.error("task %s is already running; duplicate run ignored" % task_id, task_id)
                return
            try:
                task = Task(self, msg)
            except Exception:
                # Fields of the wrong shape: the task still gets its started/finished pair.
                log("bad run message:\n%s" % traceback.format_exc())
                reason = "invalid run message: %s" % last_line(traceback.format_exc())
                self.ch.send({"type": "started", "task_id": task_id, "qemu_bin": None, "arch": None, "pid": None})
                self.ch.send({"type": "finished", "task_id": task_id, "status": "ERROR",
                              "fail_reason": reason, "time_s": 0.0})
                return
            self.tasks[task_id] = task
        task.thread.start()

    def on_cancel(self, msg):
        with self.tasks_lock:
            task = self.tasks.get(msg.get("task_id"))
        if task is None:
            return  # already finished: the finished message is on its way
        task.interrupt("Test interrupted: cancelled by the coordinator")

    def task_done(self, task):
        with self.tasks_lock:
            self.tasks.pop(task.id, None)

    def shutdown(self):
        """Stops every task and cleans up within 3 s; used on EOF, shutdown and SIGTERM/SIGHUP.

        SIGTERM to every task's group, SIGKILL to those still there after the grace (at most
        EXIT_KILL_S), and until EXIT_JOIN_S for the tasks to send their files and `finished`.
        """
        t0 = time.monotonic()
        with self.spawn_lock:
            self.stopping = True
        with self.tasks_lock:
            tasks = list(self.tasks.values())
        for task in tasks:
            task.interrupt("Test interrupted: agent shutting down")
        for deadline in (t0 + min(KILL_GRACE_S, EXIT_KILL_S), t0 + EXIT_JOIN_S):
            for task in tasks:
                task.thread.join(max(0.0, deadline - time.monotonic()))
            for task in tasks:
                if task.thread.is_alive():
                    task.process.kill_now()
        self.heartbeat_stop.set()
        if self.base_dir and not self.keep_tmp:
            shutil.rmtree(self.base_dir, ignore_errors=True)


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


def main():
    # A launcher may hand us a blocked signal mask (qcoord's Swift process starts the local
    # agent with nearly every signal blocked, and exec keeps the mask): the tests and their
    # QEMUs would inherit it and never see the SIGTERM of a shutdown or a cancel. Unblock all.
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, _raise_exit)
        except (ValueError, OSError):
            pass
    agent = Agent(sys.stdin.buffer, sys.stdout.buffer)
    try:
        agent.serve()
    except SystemExit:
        agent.shutdown()
    sys.stdout.flush()
    # Daemon threads may still be blocked in reads of dead pipes: leave without joining.
    os._exit(0)


if __name__ == "__main__":
    main()
