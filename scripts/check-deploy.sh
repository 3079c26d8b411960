#!/usr/bin/env bash
# `qcoord deploy` on a 2-host testbed of its own, for real: the first run installs Avocado
# 113.0 into a venv on each host (from wheels downloaded here once, cached in build/wheels),
# the second changes nothing, and `qcoord run` with the python it printed runs INSTRUMENTED
# tests on both hosts. Then Avocado 88.1 on one host, and a missing python's error.
#   env: QCOORD (binary), PIP_PYTHON (checks results), QCOORD_TESTBED_{DIR,PREFIX,NET}
set -uo pipefail
cd "$(dirname "$0")/.."
QCOORD=${QCOORD:-.build/debug/qcoord}
PIP_PYTHON=${PIP_PYTHON:-build/venv-avocado113/bin/python}
export QCOORD_TESTBED_DIR=${QCOORD_TESTBED_DIR:-$PWD/build/testbed-deploy}
export QCOORD_TESTBED_PREFIX=${QCOORD_TESTBED_PREFIX:-qcdp} QCOORD_TESTBED_NET=${QCOORD_TESTBED_NET:-10.231.14}
T=$QCOORD_TESTBED_DIR
OUT=build/check-deploy
fails=0
fail() { echo "check-deploy: FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {  # file pattern count what
    local n; n=$(grep -cE -- "$2" "$1")
    [ "$n" -eq "$3" ] || { fail "$4: expected $3 line(s) matching '$2' in $1, found $n"; sed 's/^/  | /' "$1" >&2; }
}

bash deploy/testbed/testbed.sh down >/dev/null
bash deploy/testbed/testbed.sh up 2 >/dev/null || { bash deploy/testbed/testbed.sh down; exit 1; }
trap 'bash deploy/testbed/testbed.sh down >/dev/null' EXIT
rm -rf "$OUT"; mkdir -p "$OUT"
# No --pip-python: the wheel cache's own venv downloads, as for a user.
deploy() { "$QCOORD" deploy --known-hosts "$T/known_hosts" --wheel-cache build/wheels "$@"; }

start=$SECONDS
deploy --inventory "$T/inventory.yaml" --with-avocado 113.0 >"$OUT/first.txt" 2>&1 || fail "first deploy exited $?"
echo "check-deploy: first run ($((SECONDS - start)) s):"; sed 's/^/  | /' "$OUT/first.txt"
expect "$OUT/first.txt" '^  \+ avocado  venv ~/.cache/qcoord/venv-avocado-113.0: installed Avocado 113.0' 2 "first run installs on both hosts"
expect "$OUT/first.txt" '^  \+ agent ' 2 "first run caches the agent"
expect "$OUT/first.txt" "^  \\+ pycotap  ~/.cache/qcoord/pylib: installed pycotap 1.3.1 " 2 "first run installs pycotap"
expect "$OUT/first.txt" '^    qemu     .*qemu-system-x86_64 ' 1 "h1's qemu binaries listed"
expect "$OUT/first.txt" '^    qemu     .*qemu-system-aarch64 ' 1 "h2's qemu binaries listed"
expect "$OUT/first.txt" '^deploy: 2 hosts: 2 changed' 1 "first run summary"
for h in h1 h2; do
    [ -f "$T/$h/home/.cache/qcoord/venv-avocado-113.0/.qcoord-deployed.json" ] || fail "no venv marker in $h's home"
done

start=$SECONDS
deploy --inventory "$T/inventory.yaml" --with-avocado 113.0 >"$OUT/second.txt" 2>&1 || fail "second deploy exited $?"
echo "check-deploy: second run ($((SECONDS - start)) s):"; sed 's/^/  | /' "$OUT/second.txt"
expect "$OUT/second.txt" 'venv-avocado-113.0: already present \(Avocado 113.0\)' 2 "second run finds the venvs"
expect "$OUT/second.txt" '^    agent    already cached' 2 "second run finds the agents"
expect "$OUT/second.txt" '^    pycotap  ~/.cache/qcoord/pylib: already present \(pycotap 1.3.1\)' 2 "second run finds pycotap"
expect "$OUT/second.txt" '^  \+ ' 0 "second run changes nothing"
expect "$OUT/second.txt" '0 changed, 2 already up to date, 0 failed \(nothing to do\)' 1 "second run summary"

# The inventory with the python deploy printed: INSTRUMENTED tests on both hosts.
python_line=$(grep -E '^    python: ' "$OUT/second.txt" | head -1 | sed 's/^ *python: //')
[ "$python_line" = "~/.cache/qcoord/venv-avocado-113.0/bin/python" ] || fail "deploy printed python '$python_line'"
sed "s#^  python: .*#  python: $python_line#" "$T/inventory.yaml" >"$OUT/inventory.yaml"
"$QCOORD" run --inventory "$OUT/inventory.yaml" --known-hosts "$T/known_hosts" --job-results-dir "$PWD/$OUT/jobs" \
    examples/tests/test_qmp.py >"$OUT/run.txt" 2>&1 || fail "qcoord run with the deployed venv exited $? (see $OUT/run.txt)"
"$PIP_PYTHON" - "$OUT/jobs/latest/results.json" <<'PY' || fail "the run's results"
import json, sys
tests = json.load(open(sys.argv[1]))["tests"]
hosts = {t["host"] for t in tests}
bad = [(t["name"], t["status"]) for t in tests if t["status"] != "PASS"]
assert len(tests) == 6 and not bad and hosts == {"h1", "h2"}, (len(tests), bad, hosts)
print("check-deploy: qcoord run with the deployed venv: 6 INSTRUMENTED tests PASS on h1 and h2")
PY

# Repair: h1's venv lost its marker (an interrupted install), h2's venv is gone while the
# inventory already names it (a new host): both redone, h2's with python3 instead.
rm "$T/h1/home/.cache/qcoord/venv-avocado-113.0/.qcoord-deployed.json"
rm -rf "$T/h2/home/.cache/qcoord/venv-avocado-113.0"
deploy --inventory "$OUT/inventory.yaml" --with-avocado 113.0 >"$OUT/repair.txt" 2>&1 || fail "repair deploy exited $?"
expect "$OUT/repair.txt" '^  \+ avocado  venv ~/.cache/qcoord/venv-avocado-113.0: installed Avocado 113.0' 2 "repair reinstalls both"
expect "$OUT/repair.txt" '^    python   python3: ' 1 "h2 falls back to python3"
expect "$OUT/repair.txt" '^    python   ~/.cache/qcoord/venv-avocado-113.0/bin/python: ' 1 "h1 uses its venv python"
expect "$OUT/repair.txt" '^    wheels   .*0 shipped' 2 "the hosts keep their wheels"

# Avocado 88.1 (QEMU 7.x's) next to it on h1, and a job with it.
deploy --inventory "$T/inventory.yaml" --with-avocado 88.1 >"$OUT/v88.txt" 2>&1 || fail "deploy 88.1 exited $?"
expect "$OUT/v88.txt" 'venv-avocado-88.1: installed Avocado 88.1' 2 "88.1 installs"
sed "s#^  python: .*#  python: ~/.cache/qcoord/venv-avocado-88.1/bin/python#" "$T/inventory.yaml" >"$OUT/inventory-88.yaml"
"$QCOORD" run --inventory "$OUT/inventory-88.yaml" --known-hosts "$T/known_hosts" --job-results-dir "$PWD/$OUT/jobs88" \
    examples/tests/test_qmp.py:X86QMP >"$OUT/run88.txt" 2>&1 || fail "qcoord run with Avocado 88.1 exited $?"
grep -q 'RESULTS    : PASS 3 | ERROR 0' "$OUT/run88.txt" || fail "Avocado 88.1 run: $(grep RESULTS "$OUT/run88.txt")"

# A host without that python: exit 1 and the advice.
sed "s#^  python: .*#  python: /opt/no-such/python3#" "$T/inventory.yaml" >"$OUT/inventory-nopython.yaml"
deploy --inventory "$OUT/inventory-nopython.yaml" >"$OUT/nopython.txt" 2>&1; rc=$?
[ "$rc" -eq 1 ] || fail "deploy with a missing python exited $rc, not 1"
expect "$OUT/nopython.txt" "no '/opt/no-such/python3' there; install Python 3.8 or newer" 2 "missing python advice"

[ "$fails" -eq 0 ] || { echo "check-deploy: $fails failure(s)"; exit 1; }
echo "check-deploy: all passed"
