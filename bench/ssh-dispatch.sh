#!/usr/bin/env bash
# Dispatch overhead of `qcoord run` over SSH: wall time of 60 and of 300 trivial SIMPLE tests
# on the testbed in $QCOORD_TESTBED_DIR (3 hosts, 2 slots each); the slope per test per slot
# is (t300 - t60) * slots / 240 — fixed costs (connect, agent start, tree sync) cancel out.
# Usage: bench/ssh-dispatch.sh QCOORD_BINARY
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
# The machine is shared: each size ROUNDS times (default 3), alternating, and the medians.
rounds=${ROUNDS:-3}
a60=() a300=()
for _ in $(seq "$rounds"); do a60+=("$(run 60)"); a300+=("$(run 300)"); done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
t60=$(median "${a60[@]}")
t300=$(median "${a300[@]}")
repeat_sync=$(grep '^TREE SYNC' run60.out || true)
echo "  first run  $first_sync"
echo "  repeat run $repeat_sync"
echo "  load      $(uptime | sed 's/.*load average/load average/')"
awk -v a="$t60" -v b="$t300" -v s="$slots" -v h="$hosts" -v r="$rounds" 'BEGIN {
    slope = (b - a) / 1e6 * s / 240
    printf "bench-ssh dispatch: %d hosts x 2 slots, trivial SIMPLE tests (medians of %d runs)\n  60 tests : %7.2f s\n  300 tests: %7.2f s\n", h, r, a / 1e9, b / 1e9
    printf "  slope    : %7.2f ms per test per slot (target <= 15 ms)\n", slope
    exit slope > 15 }'
