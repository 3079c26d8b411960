#!/usr/bin/env python3
"""The peer of qcoord's FUNCTIONAL runner: runs QEMU tests/functional files the way QEMU's
meson does (`python3 <file>` with QEMU_TEST_QEMU_BINARY, QEMU_TEST_QEMU_IMG, QEMU_BUILD_ROOT
and PYTHONPATH = <tree>/python:<tests/functional>), one file at a time, and reads each test's
status from the TAP the file prints (pycotap): `ok` PASS, `ok … # SKIP r` SKIP, `not ok` FAIL,
an id the file never printed ERROR. Used by the differential test and `make bench-functional`.

Which tests: for each --target, the files of that target's meson lists (quick and thorough,
the generic ones included; read with check-functional-meson.py's line-oriented reader) that
declare no `Asset(` (the asset-free ones: nothing to download).

Usage: functional-meson-run.py --tests-dir T --bin-dir B [--pylib P] --targets a,b,... [--list] > out.json
The JSON: {"runs": [{"target", "file", "seconds", "rc", "tests": {id: {"status", "reason"}}}],
           "seconds": total}   (--list: {"runs": [{"target", "file"}]} without running)
"""
import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TAP = re.compile(r"^(ok|not ok)\s+\d+\s+(?:-\s+)?(\S+)(.*)$")


def meson_reader():
    spec = importlib.util.spec_from_file_location("check_functional_meson", os.path.join(HERE, "check-functional-meson.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def selected_files(tests_dir, targets):
    """(target, file relative to tests_dir) for the asset-free files of each target's meson lists."""
    reader = meson_reader()
    lists, _ = reader.read_decls(os.path.join(tests_dir, "meson.build"))
    per_target = os.path.isdir(os.path.join(tests_dir, "generic"))
    if per_target:
        for sub in sorted(os.listdir(tests_dir)):
            path = os.path.join(tests_dir, sub, "meson.build")
            if os.path.isfile(path):
                more, _ = reader.read_decls(path)
                lists.update(more)
    out = []
    for target in targets:
        names = []
        for speed in ("quick", "thorough"):
            names += lists.get("tests_%s_system_%s" % (target, speed), [])
            if speed == "quick":
                names += lists.get("tests_generic_system", [])
        seen = set()
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            if per_target:
                generic = os.path.join("generic", "test_%s.py" % name)
                rel = generic if os.path.exists(os.path.join(tests_dir, generic)) else os.path.join(target, "test_%s.py" % name)
            else:
                rel = "test_%s.py" % name
            with open(os.path.join(tests_dir, rel), encoding="utf-8") as f:
                if "Asset(" in f.read():
                    continue
            out.append((target, rel))
    return out


def parse_tap(text):
    tests = {}
    for line in text.splitlines():
        m = TAP.match(line.strip())
        if not m:
            continue
        ok, test_id, rest = m.group(1) == "ok", m.group(2), m.group(3)
        skip = re.search(r"#\s*SKIP\S*\s*(.*)$", rest, re.IGNORECASE)
        if ok and skip:
            tests[test_id] = {"status": "SKIP", "reason": skip.group(1).strip()}
        else:
            tests[test_id] = {"status": "PASS" if ok else "FAIL", "reason": ""}
    return tests


def run_file(tests_dir, bin_dir, pylib, target, rel, scratch, timeout):
    src = os.path.dirname(os.path.dirname(os.path.abspath(tests_dir)))
    env = dict(os.environ)
    bin_dir = os.path.abspath(bin_dir)
    env["QEMU_TEST_QEMU_BINARY"] = os.path.join(bin_dir, "qemu-system-" + target)
    if os.path.exists(os.path.join(bin_dir, "qemu-img")):
        env["QEMU_TEST_QEMU_IMG"] = os.path.join(bin_dir, "qemu-img")
    env["QEMU_BUILD_ROOT"] = scratch
    paths = [os.path.join(src, "python"), os.path.abspath(tests_dir)] + ([os.path.abspath(pylib)] if pylib else [])
    env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, os.path.join(os.path.abspath(tests_dir), rel)], env=env, cwd=scratch,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                              universal_newlines=True)
        stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        text = lambda b: b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        stdout, stderr, rc = text(e.stdout), text(e.stderr), -9
    return {"target": target, "file": rel, "rc": rc, "seconds": round(time.monotonic() - started, 3),
            "tests": parse_tap(stdout), "stderr_tail": stderr[-1500:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tests-dir", required=True)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--pylib")
    ap.add_argument("--targets", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    targets = [t for t in args.targets.split(",") if t]
    files = selected_files(args.tests_dir, targets)
    if args.list:
        json.dump({"runs": [{"target": t, "file": f} for t, f in files]}, sys.stdout, indent=1)
        return 0
    runs = []
    started = time.monotonic()
    for target, rel in files:
        with tempfile.TemporaryDirectory(prefix="qcoord-meson-") as scratch:
            runs.append(run_file(args.tests_dir, args.bin_dir, args.pylib, target, rel, scratch, args.timeout))
        r = runs[-1]
        print("functional-meson-run: %s %s: rc %d, %d tests, %.1f s" % (target, rel, r["rc"], len(r["tests"]), r["seconds"]),
              file=sys.stderr)
    json.dump({"runs": runs, "seconds": round(time.monotonic() - started, 3)}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
