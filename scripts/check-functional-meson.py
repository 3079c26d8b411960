#!/usr/bin/env python3
"""`make check-functional-meson`, the peer side: counts what QEMU's tests/functional
meson.build files declare, by a different method than MesonSuites.swift (a line-oriented
grep: a declaration opens on a `name = [` / `name = {` line, each following `'x'` line is one
entry, a line starting with `]`/`}` closes it). It is NOT independent of the Swift reader in
its rules (generic tests added to each system target's quick list, target = what precedes
`_<mode>_<speed>`, 10.0's shared `test_timeouts` vs 10.2's `test_<target>_timeouts`) — those
come from QEMU's top meson.build and are restated here — only in how the files are read.

Usage: check-functional-meson.py LABEL=TREE... > expected.json
TREE is a tests/functional directory; missing trees are left out (and said so on stderr).
The JSON: {LABEL: {"path": abs TREE, "layout": "flat"|"per-target",
                    "targets": {target: {"quick": n, "thorough": n, "timeouts": n}}}}
Only single-line-entry, one-declaration-per-block files are handled (what QEMU ships);
anything else is an error here, so a change in QEMU's format shows up.
"""
import json
import os
import re
import sys

OPEN = re.compile(r"^(tests_\w+|test_\w*timeouts)\s*=\s*([\[{])\s*(#.*)?$")
ONE_LINE = re.compile(r"^(tests_\w+)\s*=\s*\[(.*)\]\s*(#.*)?$")
ENTRY = re.compile(r"^\s*'([^']*)'\s*(:\s*\d+\s*)?,?\s*(#.*)?$")
LIST = re.compile(r"^tests_(\w+)_(system|linuxuser|bsduser)_(quick|thorough)$")


def read_decls(path):
    lists, dicts = {}, {}
    name = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if name is None:
                m = ONE_LINE.match(line)
                if m:
                    lists[m.group(1)] = re.findall(r"'([^']*)'", m.group(2))
                    continue
                m = OPEN.match(line)
                if m:
                    name, entries = m.group(1), []
                continue
            if line.strip() in ("]", "}"):
                (lists if name.startswith("tests_") else dicts)[name] = entries
                name = None
                continue
            if not line.strip() or line.strip().startswith("#"):
                continue
            m = ENTRY.match(line)
            if not m:
                sys.exit(f"{path}:{n}: not a one-entry line inside {name}: {line!r}")
            entries.append(m.group(1))
    if name is not None:
        sys.exit(f"{path}: {name} never closed")
    return lists, dicts


def count(tree):
    top = os.path.join(tree, "meson.build")
    with open(top, encoding="utf-8") as f:
        subdirs = re.findall(r"^subdir\('([^']+)'\)", f.read(), re.M)
    lists, dicts = read_decls(top)
    for d in subdirs:
        l2, d2 = read_decls(os.path.join(tree, d, "meson.build"))
        lists.update(l2)
        dicts.update(d2)
    layout = "per-target" if subdirs else "flat"
    targets = {}
    for var, entries in lists.items():
        m = LIST.match(var)
        if not m or m.group(1) == "generic":
            continue
        target, mode, speed = m.groups()
        key = target if mode == "system" else f"{target}/{mode}"
        t = targets.setdefault(key, {"quick": 0, "thorough": 0, "timeouts": 0, "_mode": mode, "_target": target})
        t[speed] += len(entries)
    for key, t in targets.items():
        t["quick"] += len(lists.get(f"tests_generic_{t['_mode']}", []))
        names = set(lists.get(f"tests_{t['_target']}_{t['_mode']}_quick", [])) \
            | set(lists.get(f"tests_generic_{t['_mode']}", [])) \
            | set(lists.get(f"tests_{t['_target']}_{t['_mode']}_thorough", []))
        table = dicts.get("test_timeouts", []) if layout == "flat" else dicts.get(f"test_{t['_target']}_timeouts", [])
        # timeouts: how many of this target's tests have a timeout other than meson's default
        t["timeouts"] = len(names & set(table))
        del t["_mode"], t["_target"]
    return {"path": os.path.abspath(tree), "layout": layout, "targets": targets}


def main():
    out = {}
    for arg in sys.argv[1:]:
        label, _, tree = arg.partition("=")
        if not os.path.isfile(os.path.join(tree, "meson.build")):
            print(f"check-functional-meson: {tree} not present, {label} left out "
                  "(scripts/qemu-material.sh fetches it)", file=sys.stderr)
            continue
        out[label] = count(tree)
        ts = out[label]["targets"].values()
        print(f"{label} ({out[label]['layout']}): {len(ts)} targets, "
              f"{sum(t['quick'] for t in ts)} quick, {sum(t['thorough'] for t in ts)} thorough, "
              f"{sum(t['timeouts'] for t in ts)} with a timeout", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
