#!/usr/bin/env python3
"""`make bench-list`: time `qcoord list` (release) against `avocado list` on one corpus.

Usage: bench/list.py QCOORD AVOCADO CORPUS [RUNS]
Each tool lists CORPUS from inside it RUNS times (median reported, start-up included);
both must list the same number of tests, or the comparison means nothing.
"""
import statistics
import subprocess
import sys
import time


def timed(command, cwd, runs):
    times, output = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        output = done.stdout
    return statistics.median(times), times, output.decode().splitlines()


def main():
    qcoord, avocado, corpus = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    q_median, q_times, q_lines = timed([qcoord, "list", "."], corpus, runs)
    a_median, a_times, a_lines = timed([avocado, "list", "."], corpus, runs)
    files = int(subprocess.run(["sh", "-c", "find . -name '*.py' | wc -l"], cwd=corpus,
                               stdout=subprocess.PIPE, check=True).stdout)
    print(f"corpus: {corpus}: {files} Python files, {len(a_lines)} tests (Avocado) / {len(q_lines)} (qcoord)")
    print(f"{'tool':<24}{'median':>10}   runs")
    print(f"{'qcoord list (release)':<24}{q_median * 1000:>8.1f}ms   " + " ".join(f"{t * 1000:.1f}" for t in q_times))
    print(f"{'avocado list (113.0)':<24}{a_median * 1000:>8.1f}ms   " + " ".join(f"{t * 1000:.0f}" for t in a_times))
    print(f"ratio: qcoord is {a_median / q_median:.1f}x faster (target >= 30x, qcoord <= 60 ms)")
    if len(a_lines) != len(q_lines):
        print("error: the two tools listed a different number of tests", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
