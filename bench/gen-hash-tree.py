#!/usr/bin/env python3
"""Generate the `make bench-hash` tree: FILES files, about MB megabytes in all, in nested
directories (a test tree with data files). Deterministic: the same arguments give the same bytes.

Usage: bench/gen-hash-tree.py OUT FILES MB
"""
import os
import random
import sys


def main():
    out, files, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(2026)
    mean = mb * 1000 * 1000 // (files * 9 // 10)  # nine files in ten carry the bytes
    total = 0
    for i in range(files):
        # Sizes from 1 byte to twice the mean: a few big data files among small sources.
        size = rng.randint(1, 2 * mean) if i % 10 else rng.randint(1, 512)
        path = os.path.join(out, "d%02d" % (i % 37), "s%d" % (i % 5), "f%05d.bin" % i)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(rng.randbytes(size))
        total += size
    print("bench-hash tree: %d files, %.1f MB in %s" % (files, total / 1e6, out))


if __name__ == "__main__":
    main()
