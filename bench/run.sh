#!/usr/bin/env bash
# Times `qcoord run` against `avocado run` on the same N trivial SIMPLE tests.
# Usage: bench/run.sh QCOORD_BINARY AVOCADO_VENV [N]
set -euo pipefail
qcoord=$(realpath "$1")
venv=$(realpath "$2")
n=${3:-200}
dir=build/bench-run
rm -rf "$dir"
mkdir -p "$dir/tests" "$dir/home"
for i in $(seq -w 1 "$n"); do
    printf '#!/bin/sh\nexit 0\n' > "$dir/tests/t$i.sh"
    chmod +x "$dir/tests/t$i.sh"
done
cd "$dir"
now() { date +%s%N; }

t0=$(now)
"$qcoord" run --job-results-dir results-qcoord tests/*.sh > qcoord.out
t1=$(now)
HOME=$PWD/home "$venv/bin/avocado" run --job-results-dir results-avocado tests/*.sh > avocado.out
t2=$(now)

echo "qcoord : $(grep '^RESULTS' qcoord.out)"
echo "avocado: $(grep '^RESULTS' avocado.out)"
awk -v n="$n" -v q=$((t1 - t0)) -v a=$((t2 - t1)) 'BEGIN {
    printf "bench-run: %d trivial SIMPLE tests\n  qcoord run : %7.2f s\n  avocado run: %7.2f s\n  ratio      : %7.1fx (target >= 20x)\n",
        n, q / 1e9, a / 1e9, a / q }'
