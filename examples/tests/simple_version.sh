#!/bin/sh
# SIMPLE test: the host's QEMU answers --version (exit 0 = PASS).
set -e
bin=${QEMU_TEST_QEMU_BINARY:-$(command -v qemu-system-x86_64)}
"$bin" --version | grep -q "QEMU emulator version"
echo "ok: $bin"
