#!/bin/sh
# SIMPLE test: the host's QEMU answers --version (exit 0 = PASS).
set -e
bin=${QEMU_TEST_QEMU_BINARY:-$(command -v qemu-system-x86_64 || true)}
if [ -z "$bin" ]; then
    # Arch-neutral, it may land on a host without qemu-system-x86_64: any qemu-system will do.
    for dir in $(echo "$PATH" | tr : ' '); do
        for f in "$dir"/qemu-system-*; do
            if [ -x "$f" ] && [ -s "$f" ]; then bin=$f; break 2; fi
        done
    done
fi
[ -n "$bin" ] || { echo "no qemu-system binary on PATH"; exit 1; }
"$bin" --version | grep -q "QEMU emulator version"
echo "ok: $bin"
