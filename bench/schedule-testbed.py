#!/usr/bin/env python3
"""`make bench-schedule`, the real variant: qcoord's scheduler vs a round-robin split on the
3-host SSH testbed (deploy/testbed), makespan over the lower bound.

The suite: N tests (default 300) sleeping log-normal durations (fixed seed, mean ~0.3 s).
70 % are SIMPLE shell scripts any host can run. 30 % are arch-constrained: Python unittest
methods tagged `:avocado: tags=arch:A` (a SIMPLE test carries no tags, and `--arch` would turn
*every* untagged test into per-arch copies, so the unconstrained ones could no longer run
anywhere); a test with one `arch:` tag runs as that arch exactly as an `--arch` copy does — the
Planner sends it only to hosts with qemu-system-A. The testbed hosts have disjoint binaries
(h1 x86_64+i386, h2 aarch64+arm, h3 ppc+ppc64+riscv64), so each constrained test has one host.

Runs, all with 2 slots per host and a private XDG_CACHE_HOME:
  1. warm-up: `qcoord run` of the suite (fills the timing history, syncs the tree);
  2. qcoord: the same run again, now scheduling with the history's durations;
  3. round-robin: the unconstrained tests dealt in job order to h1, h2, h3 in turn, each
     constrained test to its only host; one `qcoord run` per host with a one-host inventory,
     all three at once.
Makespan of a run: last test end − first test start (journal.jsonl, epoch times), so
connecting and agent start are out of it. Lower bound (of that run's own measured durations):
the largest of the longest test, Σ durations ∕ Σ slots, and for every set of hosts, Σ of the
tests only those hosts can run ∕ their slots (per arch: its host's tests ∕ its slots).

Usage: bench/schedule-testbed.py QCOORD STATE_DIR [--tests N] [--seed S] [--out DIR]
"""
import argparse
import itertools
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time

# deploy/testbed/testbed.sh's binary sets: host → the arches only it can run.
HOST_ARCHES = {"h1": ["x86_64", "i386"], "h2": ["aarch64", "arm"], "h3": ["ppc", "ppc64", "riscv64"]}
ARCH_HOST = {a: h for h, arches in HOST_ARCHES.items() for a in arches}
# Constrained tests cycle through these (each host gets a third of them).
ARCH_CYCLE = ["x86_64", "aarch64", "ppc64", "i386", "arm", "riscv64", "ppc"]
SLOTS = 2
TARGET = 1.05


def generate(suite, n, seed, mean, sigma):
    """Writes the suite; returns [(reference, nominal duration, arch or None)] in job order."""
    rng = random.Random(seed)
    mu = math.log(mean) - sigma * sigma / 2  # a log-normal's mean is exp(mu + sigma²/2)
    tests = []
    methods = {}
    for i in range(n):
        d = round(rng.lognormvariate(mu, sigma), 3)
        if i % 10 < 3:
            arch = ARCH_CYCLE[(i // 10 * 3 + i % 10) % len(ARCH_CYCLE)]
            methods.setdefault(arch, []).append((i, d))
            tests.append(("arch_%s.py:Sleep.test_%03d$" % (arch, i), d, arch))
        else:
            path = os.path.join(suite, "sleep_%03d.sh" % i)
            with open(path, "w") as f:
                f.write("#!/bin/sh\nexec sleep %.3f\n" % d)
            os.chmod(path, 0o755)
            tests.append(("sleep_%03d.sh" % i, d, None))
    for arch, items in methods.items():
        with open(os.path.join(suite, "arch_%s.py" % arch), "w") as f:
            f.write("import time\nimport unittest\n\n\nclass Sleep(unittest.TestCase):\n")
            for i, d in items:
                f.write('    def test_%03d(self):\n        """\n        :avocado: tags=arch:%s\n        """\n'
                        "        time.sleep(%.3f)\n\n" % (i, arch, d))
    return tests


def inventories(state, out):
    """The testbed's inventory with 2 slots per host, and one single-host inventory per host."""
    with open(os.path.join(state, "inventory.yaml")) as f:
        lines = f.read().splitlines()
    head, blocks, current = [], {}, None
    for line in lines:
        if line.startswith("  - name: "):
            current = line.split(":", 1)[1].strip()
            blocks[current] = [line]
        elif current is not None:
            blocks[current].append(line)
        else:
            head.append(line)
            if line == "defaults:":
                head.append("  slots: %d" % SLOTS)
    def write(name, hosts):
        path = os.path.join(out, name)
        with open(path, "w") as f:
            f.write("\n".join(head + [l for h in hosts for l in blocks[h]]) + "\n")
        return path
    all_hosts = sorted(blocks)
    missing = set(HOST_ARCHES) - set(all_hosts)
    if missing:
        sys.exit("bench-schedule: the testbed has no host %s (bring it up with 3 hosts)" % ", ".join(sorted(missing)))
    return write("inventory.yaml", all_hosts), {h: write("inventory-%s.yaml" % h, [h]) for h in HOST_ARCHES}


def qcoord_run(qcoord, state, suite, inventory, refs, results, cache, log):
    env = dict(os.environ, XDG_CACHE_HOME=cache)
    argv = [qcoord, "run", "--inventory", inventory, "--known-hosts", os.path.join(state, "known_hosts"),
            "--job-results-dir", results] + refs
    with open(log, "w") as f:
        return subprocess.Popen(argv, cwd=suite, env=env, stdout=f, stderr=subprocess.STDOUT)


def journal(results):
    path = os.path.join(results, "latest", "jobdata", "journal.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check(records, expected, label, log):
    bad = [r for r in records if r["status"] != "PASS"]
    if len(records) != expected or bad:
        sys.exit("bench-schedule: the %s run did not pass all %d tests (%d results, %d not PASS: %s); see %s"
                 % (label, expected, len(records), len(bad),
                    ", ".join("%s %s" % (r["name"], r["status"]) for r in bad[:3]), log))


def lower_bound(durations, eligible):
    """durations[i], eligible[i] (a frozenset of hosts) → (bound, what decides it)."""
    slots = {h: SLOTS for h in HOST_ARCHES}
    parts = [(max(durations), "longest test"),
             (sum(durations) / sum(slots.values()), "Σ durations / Σ slots")]
    hosts = sorted(slots)
    for k in range(1, len(hosts)):
        for subset in itertools.combinations(hosts, k):
            s = frozenset(subset)
            work = sum(d for d, e in zip(durations, eligible) if e <= s)
            arches = "+".join(a for h in subset for a in HOST_ARCHES[h])
            parts.append((work / sum(slots[h] for h in subset), "tests only %s can run (%s) / its slots"
                          % ("+".join(subset), arches)))
    return max(parts)


def summarize(records, by_name):
    start = min(r["actual_time_start"] for r in records)
    end = max(r["actual_time_end"] for r in records)
    durations = [r["time_elapsed"] for r in records]
    eligible = [by_name[r["name"]] for r in records]
    bound, why = lower_bound(durations, eligible)
    per_host = {}
    for r in records:
        per_host.setdefault(r["host"], []).append(r)
    busy = {h: sum(r["time_elapsed"] for r in rs) / SLOTS for h, rs in sorted(per_host.items())}
    return end - start, bound, why, busy, sum(durations) / len(durations)


# --- scarce hosts: a host that alone runs some tests must not spend its slots on others ---
SCARCE_BASE = [6, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
SCARCE_SCALE = 0.7   # seconds per unit: the ppc copies alone then need ~12.6 s on h3's 2 slots
SCARCE_PPC = 1.5     # a ppc copy sleeps this much longer (emulated: slower)
SCARCE_TARGET = 1.10


def scarce(qcoord, state, out):
    """15 skewed sleep tests under `--arch x86_64,ppc`: the ppc copies fit only h3 (the testbed's
    qemu-system-ppc host), the x86_64 copies h1 or h3 (h3 gets a stand-in qemu-system-x86_64
    that answers --version: the tests only sleep). Timed run after a warm-up that fills the
    history; makespan over the lower bound of the run's own measured durations."""
    suite = os.path.join(out, "suite-scarce")
    os.makedirs(suite)
    for i, d in enumerate(SCARCE_BASE):
        path = os.path.join(suite, "sleep_%02d.sh" % i)
        with open(path, "w") as f:
            # $QEMU_TEST_QEMU_BINARY is the plan's binary for this copy's arch.
            f.write('#!/bin/sh\ncase "$QEMU_TEST_QEMU_BINARY" in *ppc) exec sleep %.3f;; *) exec sleep %.3f;; esac\n'
                    % (d * SCARCE_SCALE * SCARCE_PPC, d * SCARCE_SCALE))
        os.chmod(path, 0o755)
    fake = os.path.join(out, "fake-x86")
    os.makedirs(fake)
    with open(os.path.join(fake, "qemu-system-x86_64"), "w") as f:
        f.write("#!/bin/sh\necho 'QEMU emulator version 7.2.0 (stand-in)'\n")
    os.chmod(os.path.join(fake, "qemu-system-x86_64"), 0o755)
    with open(os.path.join(state, "inventory.yaml")) as f:
        lines = f.read().splitlines()
    kept, current = [], None
    for line in lines:
        if line.startswith("  - name: "):
            current = line.split(":", 1)[1].strip()
        if current == "h2":
            continue
        if current == "h3" and line.strip().startswith("qemu_dirs: ["):
            line = line.replace("]", ", %s]" % fake)
        kept.append(line)
        if line == "defaults:":
            kept.append("  slots: %d" % SLOTS)
    inventory = os.path.join(out, "inventory-scarce.yaml")
    with open(inventory, "w") as f:
        f.write("\n".join(kept) + "\n")
    refs = ["--arch", "x86_64,ppc"] + ["sleep_%02d.sh" % i for i in range(len(SCARCE_BASE))]
    cache = os.path.join(out, "cache-scarce")
    rows = []
    for label in ("warm-up", "qcoord"):
        results = os.path.join(out, "results-scarce-" + label)
        log = os.path.join(out, "scarce-%s.log" % label)
        qcoord_run(qcoord, state, suite, inventory, refs, results, cache, log).wait()
        records = journal(results)
        check(records, 2 * len(SCARCE_BASE), "scarce " + label, log)
        start = min(r["actual_time_start"] for r in records)
        end = max(r["actual_time_end"] for r in records)
        ppc = [r["time_elapsed"] for r in records if r["name"].endswith(";arch=ppc")]
        every = [r["time_elapsed"] for r in records]
        bound = max(max(every), sum(every) / (2 * SLOTS), sum(ppc) / SLOTS)
        on = {}
        for r in records:
            on.setdefault(r["host"], set()).add(r["name"].rsplit("=", 1)[1])
        rows.append((label, end - start, bound, on))
    print("bench-schedule, scarce hosts (REAL: testbed h1 + h3, %d slots each): 15 skewed sleep tests × --arch x86_64,ppc;"
          " ppc copies fit only h3, x86_64 copies h1 or h3" % SLOTS)
    for label, makespan, bound, on in rows:
        note = "   target ≤ %.2f" % SCARCE_TARGET if label == "qcoord" else ""
        print("  %-12s makespan %6.2f s  bound %6.2f s  ratio %.3f  (arches per host: %s)%s"
              % (label, makespan, bound, makespan / bound,
                 ", ".join("%s %s" % (h, "+".join(sorted(a))) for h, a in sorted(on.items())), note))
    return rows[-1][1] / rows[-1][2] <= SCARCE_TARGET


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qcoord")
    ap.add_argument("state")
    ap.add_argument("--tests", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--mean", type=float, default=0.3)
    ap.add_argument("--sigma", type=float, default=0.8)
    ap.add_argument("--out", default="build/bench-schedule")
    ap.add_argument("--only-scarce", action="store_true", help="run the scarce-hosts scenario alone")
    a = ap.parse_args()
    qcoord = os.path.realpath(a.qcoord)
    state = os.path.realpath(a.state)
    out = os.path.realpath(a.out)
    shutil.rmtree(out, ignore_errors=True)
    if a.only_scarce:
        os.makedirs(out)
        return 0 if scarce(qcoord, state, out) else 1
    suite = os.path.join(out, "suite")
    os.makedirs(suite)
    tests = generate(suite, a.tests, a.seed, a.mean, a.sigma)
    refs = [t[0] for t in tests]
    every = frozenset(HOST_ARCHES)
    # Journal names: a unittest reference's name drops the trailing `$` of its filter.
    by_name = {ref.rstrip("$"): (frozenset([ARCH_HOST[arch]]) if arch else every) for ref, _, arch in tests}
    inventory, single = inventories(state, out)
    cache_q = os.path.join(out, "cache-qcoord")
    cache_rr = os.path.join(out, "cache-round-robin")

    # 1 + 2: warm-up, then the timed qcoord run with the history the warm-up left.
    runs = {}
    for label in ("warm-up", "qcoord"):
        results = os.path.join(out, "results-" + label)
        log = os.path.join(out, label + ".log")
        t0 = time.monotonic()
        rc = qcoord_run(qcoord, state, suite, inventory, refs, results, cache_q, log).wait()
        wall = time.monotonic() - t0
        records = journal(results)
        check(records, len(tests), label, log)
        runs[label] = (records, wall, rc)

    # 3: round-robin: unconstrained tests to h1, h2, h3 in turn; constrained ones to their host.
    shards = {h: [] for h in HOST_ARCHES}
    order = itertools.cycle(sorted(HOST_ARCHES))
    for ref, _, arch in tests:
        if arch:
            shards[ARCH_HOST[arch]].append(ref)
        else:
            shards[next(order)].append(ref)
    t0 = time.monotonic()
    procs = {h: qcoord_run(qcoord, state, suite, single[h], shards[h], os.path.join(out, "results-rr-" + h),
                           cache_rr, os.path.join(out, "round-robin-%s.log" % h)) for h in sorted(shards)}
    for p in procs.values():
        p.wait()
    wall = time.monotonic() - t0
    records = []
    for h in sorted(shards):
        got = journal(os.path.join(out, "results-rr-" + h))
        check(got, len(shards[h]), "round-robin " + h, os.path.join(out, "round-robin-%s.log" % h))
        records += got
    runs["round-robin"] = (records, wall, 0)

    nominal = [d for _, d, _ in tests]
    nb, nwhy = lower_bound(nominal, [by_name[r.rstrip("$")] for r in refs])
    constrained = sum(1 for t in tests if t[2])
    print("bench-schedule (REAL: 3-host SSH testbed %s, %d slots per host)" % (state, SLOTS))
    print("  %d sleep tests, log-normal (seed %d, nominal mean %.3f s, σ %.1f): %d SIMPLE run anywhere, "
          "%d arch-constrained (PyUNITTEST, one arch: tag; one host each)"
          % (len(tests), a.seed, sum(nominal) / len(nominal), a.sigma, len(tests) - constrained, constrained))
    print("  nominal lower bound %.2f s (%s)" % (nb, nwhy))
    print("  %-12s %9s %9s %7s %8s  %s" % ("run", "makespan", "bound", "ratio", "wall", "bound set by; per-host busy (Σ dur / slots)"))
    ratios = {}
    for label in ("warm-up", "qcoord", "round-robin"):
        records, wall, _ = runs[label]
        makespan, bound, why, busy, mean = summarize(records, by_name)
        ratios[label] = makespan / bound
        note = "   target ≤ %.2f" % TARGET if label == "qcoord" else ""
        print("  %-12s %8.2fs %8.2fs %7.3f %7.1fs  %s; %s (mean %.3f s)%s"
              % (label, makespan, bound, makespan / bound, wall, why,
                 " ".join("%s %.2f" % kv for kv in busy.items()), mean, note))
    print("  (warm-up: no history, unknown tests weigh the median; qcoord: after it. Logs and results in %s)" % out)
    scarce_ok = scarce(qcoord, state, out)
    return 0 if ratios["qcoord"] <= TARGET and scarce_ok else 1


if __name__ == "__main__":
    sys.exit(main())
