#!/usr/bin/env python3
"""The peer of qcoord's static asset discovery for QEMU's tests/functional (issue 17;
docs/assets.md): every `qemu_test.Asset` attribute of each test class, as Python itself sees it,
each file imported the way meson runs it (as scripts/functional-unittest-ids.py does).

Usage: functional-assets.py SRC PYLIB > assets.json
The JSON: {"tests": {unittest id: [[url, hash], ...] (sorted, unique)}, "errors": {path: why}}
A test's assets are the Asset instances among its class's attributes, its bases' included
(`dir(cls)`; what `self.ASSET_X` reaches), plus module-level Assets its class body or methods
name (none in 10.0 or 10.2). Nothing is run: only imported and loaded.
"""
import importlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ids_peer = importlib.import_module("functional-unittest-ids")


def tests_of(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from tests_of(test)
        else:
            yield test


def class_assets(cls, asset_type):
    found = set()
    for name in dir(cls):
        value = getattr(cls, name, None)
        if isinstance(value, asset_type):
            found.add((value.url, value.hash))
    # Module-level Assets the class names (in its own source).
    module = sys.modules.get(cls.__module__)
    if module is not None:
        try:
            source = inspect.getsource(cls)
        except (OSError, TypeError):
            source = ""
        for name, value in vars(module).items():
            if isinstance(value, asset_type) and name in source:
                found.add((value.url, value.hash))
    return sorted(found)


def load(path, extra, out):
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    sys.path[:0] = [os.path.dirname(path)] + extra
    try:
        loader = unittest.TestLoader()
        module = importlib.import_module(os.path.basename(path)[:-3])
        asset_type = sys.modules["qemu_test.asset"].Asset
        suite = loader.loadTestsFromModule(module)
        if loader.errors:
            return "; ".join(str(e) for e in loader.errors)
        for test in tests_of(suite):
            out[test.id()] = class_assets(type(test), asset_type)
        return None
    except BaseException as e:
        return "%s: %s" % (type(e).__name__, e)
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            origin = getattr(sys.modules[name], "__file__", None) or ""
            if origin.startswith(ids_peer.ROOT[0]) or not origin:
                del sys.modules[name]
        importlib.invalidate_caches()


def main():
    src, pylib = (os.path.abspath(a) for a in sys.argv[1:3])
    root = os.path.join(src, "tests", "functional")
    extra = [os.path.join(src, "python"), root, pylib]
    ids_peer.ROOT[0] = root + os.sep
    tests, errors = {}, {}
    scratch = tempfile.mkdtemp(prefix="qcoord-functional-assets-")
    os.environ["QEMU_BUILD_ROOT"] = scratch
    sys.dont_write_bytecode = True
    cwd = os.getcwd()
    os.chdir(src)
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "qemu_test" and not d.startswith("."))
            for f in sorted(filenames):
                if f.startswith("test_") and f.endswith(".py"):
                    path = os.path.join(dirpath, f)
                    error = load(path, extra, tests.setdefault(os.path.relpath(path, root), {}))
                    if error is not None:
                        errors[os.path.relpath(path, root)] = error
    finally:
        os.chdir(cwd)
        shutil.rmtree(scratch, ignore_errors=True)
    json.dump({"files": tests, "errors": errors}, sys.stdout, indent=1, sort_keys=True)
    print()
    per_test = [a for per_file in tests.values() for a in per_file.values()]
    unique = {tuple(a) for assets in per_test for a in assets}
    print("functional-assets %s: %d unique assets, %d tests with assets (of %d), %d import errors"
          % (src, len(unique), sum(1 for a in per_test if a), len(per_test), len(errors)), file=sys.stderr)


if __name__ == "__main__":
    main()
