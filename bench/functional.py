#!/usr/bin/env python3
"""`make bench-functional`: QEMU's tests/functional under qcoord vs the peers, side by side.

  list  `qcoord list tests/functional` (release) vs Python's unittest loader importing every
        file: one process per file as meson does (scripts/functional-unittest-ids.py), and all
        files in one process (the loader's floor). Median of RUNS runs each, QEMU 10.0 and 10.2.
  run   `qcoord run --arch T1,… --inventory INV` over the testbed's hosts vs the same
        asset-free tests run serially the meson way (scripts/functional-meson-run.py, one
        `python3 <file>` after the other). Wall time of one run each.

Usage: functional.py list QCOORD RUNS SRC10 SRC102 PYLIB
       functional.py run QCOORD TARGETS SRC10 BIN10 PYLIB INVENTORY KNOWN_HOSTS
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

ONE_PROCESS = r"""
import importlib, os, sys, unittest
root, extra = sys.argv[1], sys.argv[2:]
sys.path[:0] = extra
count = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if d != "qemu_test" and not d.startswith("."))
    for name in sorted(filenames):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        for mod in [m for m in sys.modules if m.startswith("test_")]:
            del sys.modules[mod]
        sys.path.insert(0, dirpath)
        try:
            module = importlib.import_module(name[:-3])
            count += unittest.defaultTestLoader.loadTestsFromModule(module).countTestCases()
        except Exception:
            pass
        finally:
            sys.path.remove(dirpath)
print(count)
"""


def timed(argv, env=None, cwd=None):
    started = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                          universal_newlines=True)
    elapsed = time.monotonic() - started
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr[-2000:])
        raise SystemExit("bench-functional: %s exited %d" % (argv[0], proc.returncode))
    return elapsed, proc.stdout


def median_of(runs, argv, env=None, cwd=None):
    times, out = [], ""
    for _ in range(runs):
        t, out = timed(argv, env=env, cwd=cwd)
        times.append(t)
    return statistics.median(times), out


def bench_list(qcoord, runs, trees, pylib):
    print("bench-functional list: median of %d runs each" % runs)
    print("%-6s %6s %12s %14s %14s %9s %9s" % ("tree", "tests", "qcoord list", "loader/file", "loader/1 proc",
                                               "x/file", "x/1 proc"))
    for label, src in trees:
        functional = os.path.join(src, "tests", "functional")
        q, out = median_of(runs, [qcoord, "list", "--json", "-", "tests/functional"], cwd=src)
        entries = [e for e in json.loads(out) if e.get("type") == "FUNCTIONAL"]
        per_file, _ = median_of(runs, [sys.executable, os.path.join(REPO, "scripts", "functional-unittest-ids.py"), src, pylib])
        with tempfile.TemporaryDirectory(prefix="qcoord-bench-root-") as build_root:
            # qemu_test refuses to import without a build dir.
            env = dict(os.environ, QEMU_BUILD_ROOT=build_root)
            one, count = median_of(runs, [sys.executable, "-c", ONE_PROCESS, functional, os.path.join(src, "python"), functional, pylib],
                                   env=env)
        print("%-6s %6d %11.3fs %13.3fs %13.3fs %8.1fx %8.1fx" % (label, len(entries), q, per_file, one, per_file / q, one / q))
        if int(count.strip() or 0) != len(entries):
            print("  (the one-process loader counted %s tests)" % count.strip())


def bench_run(qcoord, targets, src, bins, pylib, inventory, known_hosts):
    functional = os.path.join(src, "tests", "functional")
    listing = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "functional-meson-run.py"), "--tests-dir", functional,
                              "--bin-dir", bins, "--pylib", pylib, "--targets", targets, "--list"],
                             stdout=subprocess.PIPE, universal_newlines=True, check=True)
    files = []
    for run in json.loads(listing.stdout)["runs"]:
        if run["file"] not in files:
            files.append(run["file"])
    serial, out = timed([sys.executable, os.path.join(REPO, "scripts", "functional-meson-run.py"), "--tests-dir", functional,
                         "--bin-dir", bins, "--pylib", pylib, "--targets", targets])
    reference = json.loads(out)
    tests = sum(len(r["tests"]) for r in reference["runs"])
    with tempfile.TemporaryDirectory(prefix="qcoord-bench-fn-") as results:
        env = dict(os.environ, XDG_CACHE_HOME=results + "-cache")
        argv = [qcoord, "run", "--job-results-dir", results, "--inventory", inventory, "--known-hosts", known_hosts,
                "--arch", targets] + [os.path.join(functional, f) for f in files]
        wall, _ = timed(argv, env=env)
        with open(os.path.join(results, "latest", "results.json")) as f:
            job = json.load(f)
        hosts = sorted({t.get("host") for t in job["tests"]})
    print("bench-functional run: %d tests (%d files x targets %s)" % (tests, len(reference["runs"]), targets))
    print("  meson way, serial, one machine: %7.2f s" % serial)
    print("  qcoord run over %d hosts (%s):  %7.2f s (%d tests, pass %d)" % (len(hosts), ",".join(hosts), wall,
                                                                            len(job["tests"]), job["pass"]))
    print("  ratio serial / qcoord: %.2fx" % (serial / wall))


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "list":
        qcoord, runs, src10, src102, pylib = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
        bench_list(qcoord, runs, [("10.0", src10), ("10.2", src102)], pylib)
    elif len(sys.argv) >= 2 and sys.argv[1] == "run":
        bench_run(*sys.argv[2:9])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
