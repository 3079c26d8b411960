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
Every test_*.py under tests/functional (qemu_test/ excepted) is imported in turn; the modules
each import brings in are dropped before the next (as if each ran in its own process, as with
meson).
Nothing is run: only imported and loaded.
"""
import importlib
import json
import os
import shutil
import sys
import tempfile
import unittest


ROOT = [""]


def ids(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from ids(test)
        else:
            yield test.id()


def load(path, extra):
    """The ids of one file, imported as meson's process would: sys.path[0] is the file's
    directory, then PYTHONPATH. Every module the import brings in is dropped afterwards (and
    sys.path restored), so no file sees another's modules: a fresh interpreter per file, minus
    the start-up cost."""
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    sys.path[:0] = [os.path.dirname(path)] + extra
    try:
        loader = unittest.TestLoader()
        module = importlib.import_module(os.path.basename(path)[:-3])
        suite = loader.loadTestsFromModule(module)
        if loader.errors:
            return None, "; ".join(str(e) for e in loader.errors)
        return list(ids(suite)), None
    except BaseException as e:  # what meson's process would die of
        return None, "%s: %s" % (type(e).__name__, e)
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            # The tree's own modules go (test modules of one name live in several target
            # directories); the standard library and src/python's packages may stay.
            origin = getattr(sys.modules[name], "__file__", None) or ""
            if origin.startswith(ROOT[0]) or not origin:
                del sys.modules[name]
        importlib.invalidate_caches()


def main():
    src, pylib = (os.path.abspath(a) for a in sys.argv[1:3])
    root = os.path.join(src, "tests", "functional")
    extra = [os.path.join(src, "python"), root, pylib]
    ROOT[0] = root + os.sep
    files, errors = {}, {}
    # qemu_test.config needs a build directory at import time; nothing is written there.
    scratch = tempfile.mkdtemp(prefix="qcoord-functional-ids-")
    os.environ["QEMU_BUILD_ROOT"] = scratch
    sys.dont_write_bytecode = True
    cwd = os.getcwd()
    os.chdir(src)
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "qemu_test" and not d.startswith("."))
            for f in sorted(filenames):
                if not (f.startswith("test_") and f.endswith(".py")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root)
                found, error = load(path, extra)
                if error is None:
                    files[rel] = found
                else:
                    errors[rel] = error
    finally:
        os.chdir(cwd)
        shutil.rmtree(scratch, ignore_errors=True)
    json.dump({"files": files, "errors": errors}, sys.stdout, indent=1, sort_keys=True)
    print()
    print("functional-unittest-ids %s: %d files, %d tests, %d import errors"
          % (src, len(files), sum(len(v) for v in files.values()), len(errors)), file=sys.stderr)


if __name__ == "__main__":
    main()
