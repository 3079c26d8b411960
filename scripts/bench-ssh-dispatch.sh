#!/usr/bin/env bash
# Dispatch overhead of `qcoord run` over SSH: wall time of 60 and of 300 trivial SIMPLE tests
# on the testbed in $QCOORD_TESTBED_DIR (3 hosts, 2 slots each); the slope per test per slot
# is (t300 - t60) * slots / 240 — fixed costs (connect, agent start, tree sync) cancel out.
# Usage: scripts/bench-ssh-dispatch.sh QCOORD_BINARY
set -euo pipefail
qcoord=$(realpath "$1")
state=${QCOORD_TESTBED_DIR:?the testbed state dir}
dir=build/bench-ssh-dispatch
rm -rf "$dir"
mkdir -p "$dir/tests"
for i in $(seq -w 1 300); do
    printf '#!/bin/sh\nexit 0\n' > "$dir/tests/t$i.sh"
    chmod +x "$dir/tests/t$i.sh"
done
# Every host gets 2 slots, whatever its cpu count.
sed 's/^defaults:$/defaults:\n  slots: 2/' "$state/inventory.yaml" > "$dir/inventory.yaml"
hosts=$(grep -c '^  - name:' "$dir/inventory.yaml")
slots=$((hosts * 2))
cd "$dir"
now() { date +%s%N; }
run() {  # N → nanoseconds of wall time
    local n=$1 t0 t1
    t0=$(now)
    "$qcoord" run --inventory inventory.yaml --known-hosts "$state/known_hosts" --job-results-dir results \
        $(ls tests/*.sh | head -n "$n") > "run$n.out"
    t1=$(now)
    grep -q "^RESULTS    : PASS $n " "run$n.out" || { echo "bench-ssh: the $n-test run did not pass:" >&2; tail -5 "run$n.out" >&2; exit 1; }
    echo $((t1 - t0))
}
run 60 > /dev/null   # warm-up: uploads the agent and syncs the tree (same tree for both sizes)
first_sync=$(grep '^TREE SYNC' run60.out || true)
t60=$(run 60)
repeat_sync=$(grep '^TREE SYNC' run60.out || true)
t300=$(run 300)
echo "  first run  $first_sync"
echo "  repeat run $repeat_sync"
awk -v a="$t60" -v b="$t300" -v s="$slots" -v h="$hosts" 'BEGIN {
    slope = (b - a) / 1e6 * s / 240
    printf "bench-ssh dispatch: %d hosts x 2 slots, trivial SIMPLE tests\n  60 tests : %7.2f s\n  300 tests: %7.2f s\n", h, a / 1e9, b / 1e9
    printf "  slope    : %7.2f ms per test per slot (target <= 15 ms)\n", slope
    exit slope > 15 }'
