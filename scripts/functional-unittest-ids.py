#!/usr/bin/env python3
"""The peer of qcoord's static FUNCTIONAL resolution (issue 16): the test ids Python's own
unittest loader finds in QEMU's tests/functional, importing each file the way meson runs it
(`python3 tests/functional/[<target>/]test_x.py`: sys.path[0] is the file's directory, then
PYTHONPATH = src/python : src/tests/functional : pylib (pycotap); qemu_test's main() then
loads the module by its base name: `unittest.main(module=None, argv=[…, base])`).

Usage: functional-unittest-ids.py SRC PYLIB > ids.json
SRC is a QEMU source tree (with tests/functional); PYLIB the directory holding pycotap.
The JSON: {"files": {path relative to tests/functional: [test ids, in loader order]},
           "errors": {path: "the import error"}}
Every test_*.py under tests/functional (qemu_test/ excepted) is imported in a fresh child
process, so modules of one file never leak into another's import (as with meson).
Nothing is run: only imported and loaded.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

CHILD = r"""
import importlib, json, os, sys, unittest
path, extra = sys.argv[1], sys.argv[2:]
sys.path[:0] = [os.path.dirname(path)] + extra
name = os.path.basename(path)[:-3]
try:
    module = importlib.import_module(name)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
except BaseException as e:
    print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
    sys.exit(0)
def ids(s):
    for t in s:
        if isinstance(t, unittest.TestSuite):
            yield from ids(t)
        else:
            yield t.id()
errors = [str(e) for e in getattr(unittest.defaultTestLoader, "errors", [])]
print(json.dumps({"ids": list(ids(suite)), "loader_errors": errors}))
"""


def main():
    src, pylib = (os.path.abspath(a) for a in sys.argv[1:3])
    root = os.path.join(src, "tests", "functional")
    extra = [os.path.join(src, "python"), root, pylib]
    files, errors = {}, {}
    # qemu_test.config needs a build directory at import time; nothing is written there.
    scratch = tempfile.mkdtemp(prefix="qcoord-functional-ids-")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", QEMU_BUILD_ROOT=scratch)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "qemu_test" and not d.startswith("."))
        for f in sorted(filenames):
            if not (f.startswith("test_") and f.endswith(".py")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            out = subprocess.run([sys.executable, "-c", CHILD, path] + extra, capture_output=True,
                                 text=True, cwd=src, env=env)
            try:
                answer = json.loads(out.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                errors[rel] = "no answer: " + out.stderr.strip()[-500:]
                continue
            if "error" in answer:
                errors[rel] = answer["error"]
            elif answer["loader_errors"]:
                errors[rel] = "; ".join(answer["loader_errors"])
            else:
                files[rel] = answer["ids"]
    shutil.rmtree(scratch, ignore_errors=True)
    json.dump({"files": files, "errors": errors}, sys.stdout, indent=1, sort_keys=True)
    print()
    print("functional-unittest-ids %s: %d files, %d tests, %d import errors"
          % (src, len(files), sum(len(v) for v in files.values()), len(errors)), file=sys.stderr)


if __name__ == "__main__":
    main()
