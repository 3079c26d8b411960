#!/usr/bin/env python3
"""make bench-assets: N tests sharing M assets over a 3-host testbed (issue 17, docs/assets.md).

Two ways, side by side in one run, each from cold caches:
  qcoord   `qcoord run`: the coordinator fetches each asset once from the asset server (the
           "internet", behind one rate-limited link all downloads share), pushes each host the assets of the tests it
           runs there, when it runs them (the next test's ahead), hosts preferred for the tests
           whose assets they hold;
  peer     every host downloading its own: `qcoord run --no-fetch`, each test's QEMU `Asset`
           downloads into the host's own ~/.cache/qemu (what a lab without qcoord's assets does).

Printed: bytes from the asset server (the WAN), bytes pushed over the hosts' link (the LAN),
wall time, and the ratios; also what pushing every asset to every host would have moved.

usage: assets.py QCOORD STATE QEMU_SRC SERVER_SCRIPT NET ASSETS:MIB TESTS_PER_ASSET SLEEP_S RATE_MBPS
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def start_server(script, bind, bench, rate, work):
    info, log = os.path.join(work, "server.json"), os.path.join(work, "server.log")
    proc = subprocess.Popen([sys.executable, script, "--info", info, "--log", log, "--bind", bind, "--big-mb", "1",
                             "--bench-files", bench, "--rate-mbps", str(rate), "--lifetime", "3600"])
    for _ in range(600):
        if os.path.exists(info):
            with open(info) as f:
                return proc, json.load(f), log
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("bench-assets: the asset server did not start")


def served(log, since):
    """Bytes the server sent for GETs after line `since`, by client address."""
    out = {}
    with open(log) as f:
        lines = f.readlines()[since:]
    for line in lines:
        entry = json.loads(line)
        if entry.get("method") == "GET":
            out[entry.get("client", "?")] = out.get(entry.get("client", "?"), 0) + entry.get("bytes", 0)
    return out


def log_lines(log):
    with open(log) as f:
        return sum(1 for _ in f)


def make_tree(qemu_src, base, files, per_asset, sleep_s):
    root = tempfile.mkdtemp(prefix="qcoord-bench-assets-")
    fn = os.path.join(root, "tests", "functional")
    os.makedirs(fn)
    shutil.copytree(os.path.join(qemu_src, "tests", "functional", "qemu_test"), os.path.join(fn, "qemu_test"))
    shutil.copytree(os.path.join(qemu_src, "python"), os.path.join(root, "python"))
    with open(os.path.join(fn, "meson.build"), "w") as f:
        f.write("tests_x86_64_system_quick = [\n  'bench_assets',\n]\n")
    body = ["#!/usr/bin/env python3", "import hashlib, time", "from qemu_test import QemuSystemTest, Asset", ""]
    for n, (path, info) in enumerate(files):
        body += ["class Asset%d(QemuSystemTest):" % n,
                 "    ASSET = Asset('%s%s', '%s')" % (base, path, info["sha256"]), ""]
        for k in range(per_asset):
            body += ["    def test_%d(self):" % k,
                     "        with open(self.ASSET.fetch(), 'rb') as f:",
                     "            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), '%s')" % info["sha256"],
                     "        time.sleep(%s)" % sleep_s, ""]
    body += ["if __name__ == '__main__':", "    QemuSystemTest.main()", ""]
    with open(os.path.join(fn, "test_bench_assets.py"), "w") as f:
        f.write("\n".join(body))
    return root


def clear_hosts(state):
    for host in sorted(os.listdir(state)):
        home = os.path.join(state, host, "home")
        if host.startswith("h") and os.path.isdir(home):
            for d in (".cache/qcoord/assets", ".cache/qemu"):
                shutil.rmtree(os.path.join(home, d), ignore_errors=True)


def run(qcoord, args, results):
    start = time.monotonic()
    proc = subprocess.run([qcoord, "run", "--job-results-dir", results] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    latest = os.path.join(results, "latest")
    with open(os.path.join(latest, "results.json")) as f:
        res = json.load(f)
    return proc, wall, res


def main():
    qcoord, state, qemu_src, script, net, bench, per_asset, sleep_s, rate = sys.argv[1:10]
    count, mib = (int(x) for x in bench.split(":"))
    per_asset = int(per_asset)
    work = tempfile.mkdtemp(prefix="qcoord-bench-assets-")
    cleanup = [work]
    server, info, log = start_server(script, net + ".1", bench, float(rate), work)
    try:
        base = "http://%s.1:%d" % (net, info["port"])
        files = sorted(((p, i) for p, i in info["files"].items() if p.startswith("/bench/")), key=lambda x: x[0])
        root = make_tree(qemu_src, base, files, per_asset, sleep_s)
        cleanup.append(root)
        ref = [os.path.join(root, "tests", "functional", "test_bench_assets.py")]
        hosts = ["--inventory", os.path.join(state, "inventory.yaml"), "--known-hosts", os.path.join(state, "known_hosts")]
        total_tests = count * per_asset
        rows = {}
        for way in ("qcoord", "peer"):
            clear_hosts(state)
            cache = os.path.join(work, "cache-" + way)
            for run_name in ("cold", "warm"):
                mark = log_lines(log)
                extra = ["--asset-cache", cache] if way == "qcoord" else ["--no-fetch"]
                proc, wall, res = run(qcoord, extra + hosts + ref, os.path.join(work, "results-%s-%s" % (way, run_name)))
                statuses = {}
                for t in res["tests"]:
                    statuses[t["status"]] = statuses.get(t["status"], 0) + 1
                if statuses != {"PASS": total_tests}:
                    sys.stderr.write(proc.stderr[-3000:])
                    raise SystemExit("bench-assets: %s %s: not every test passed: %s" % (way, run_name, statuses))
                wan = served(log, mark)
                pushed = {h["host"]: h["pushed_bytes"] for h in res.get("asset_push", [])}
                rows[(way, run_name)] = (wall, sum(wan.values()), sum(pushed.values()), pushed, wan)
        asset_bytes = count * (mib << 20)
        mb = lambda b: "%.1f MiB" % (b / (1 << 20))
        print("bench-assets: %d tests sharing %d assets of %d MiB (%d tests each, %s s each), 3 hosts x 2 slots, "
              "asset server behind a %s Mbit/s link (the WAN, shared by parallel downloads)"
              % (total_tests, count, mib, per_asset, sleep_s, rate))
        print("  %-14s %8s %17s %14s   %s" % ("", "wall", "from the server", "pushed (LAN)", "per host (pushed / downloaded)"))
        for (way, run_name), (wall, wan, lan, pushed, by_client) in sorted(rows.items(), key=lambda kv: (kv[0][0] != "qcoord", kv[0][1])):
            per = pushed if way == "qcoord" else by_client
            print("  %-14s %7.1fs %17s %14s   %s" % ("%s %s" % (way, run_name), wall, mb(wan), mb(lan),
                                                     ", ".join("%s %s" % (h, mb(b)) for h, b in sorted(per.items())) or "-"))
        for run_name in ("cold", "warm"):
            q, p = rows[("qcoord", run_name)], rows[("peer", run_name)]
            print("  %s: peer/qcoord wall %.2fx, bytes from the server %s" % (
                run_name, p[0] / q[0], ("%.2fx" % (p[1] / q[1])) if q[1] else "%s vs 0" % mb(p[1])))
        print("  the assets once: %s; every asset pushed to every host would be %s"
              % (mb(asset_bytes), mb(asset_bytes * 3)))
    finally:
        server.terminate()
        for d in cleanup:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
