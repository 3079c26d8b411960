#!/bin/sh
# TAP test: which qemu-system targets answer --version (missing ones are skipped).
echo "1..4"
n=0
for arch in x86_64 aarch64 ppc riscv64; do
    n=$((n + 1))
    if command -v "qemu-system-$arch" >/dev/null 2>&1; then
        if "qemu-system-$arch" --version >/dev/null 2>&1; then
            echo "ok $n qemu-system-$arch --version"
        else
            echo "not ok $n qemu-system-$arch --version"
        fi
    else
        echo "ok $n qemu-system-$arch # SKIP not installed"
    fi
done
