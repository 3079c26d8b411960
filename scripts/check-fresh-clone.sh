#!/usr/bin/env bash
# The README's first command on a clean checkout: `git clone` of this repository's HEAD, then
# `make demo` in it must exit 0 and write a report with all 11 example tests PASS.
#
# Kept fast by reusing build products, never sources: the clone lives at one fixed path
# (build/fresh-clone/qcoord) so its .build stays valid between runs (SwiftPM's build state
# holds absolute paths); the first run seeds it from this tree's .build and still compiles
# everything once (~4-5 min on 2 cores), later runs only what HEAD changed. Every run resets the
# checkout to HEAD and removes every other file (`git clean -xdff`, .build excepted), so the
# tree `make demo` sees is exactly what a clone holds. build/ gets symlinks to this tree's
# Avocado venvs instead of downloading them again; scripts/setup.sh still runs for real.
set -uo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
HEAD=$(git rev-parse HEAD)
BASE=$SRC/build/fresh-clone
CLONE=$BASE/qcoord
[ -z "$(git status --porcelain --untracked-files=no)" ] \
    || echo "check-fresh-clone: note: uncommitted changes are not in the clone (it tests HEAD $HEAD)"

if [ -d "$CLONE/.git" ]; then
    git -C "$CLONE" fetch -q "$SRC" "$HEAD" || exit 1
else
    rm -rf "$CLONE"
    git clone -q --no-checkout "$SRC" "$CLONE" || exit 1
    git -C "$CLONE" fetch -q "$SRC" "$HEAD" || exit 1
fi
git -C "$CLONE" checkout -q -f --detach "$HEAD" || exit 1
git -C "$CLONE" clean -q -xdff -e /.build || exit 1
[ "$(git -C "$CLONE" rev-parse HEAD)" = "$HEAD" ] || { echo "check-fresh-clone: FAIL: clone is not at $HEAD"; exit 1; }
[ -z "$(git -C "$CLONE" status --porcelain --ignored | grep -v '^!! .build/$')" ] \
    || { echo "check-fresh-clone: FAIL: the clone holds files HEAD does not"; exit 1; }

if [ ! -d "$CLONE/.build" ] && [ -d "$SRC/.build" ]; then
    echo "check-fresh-clone: seeding the clone's .build from $SRC/.build (the first run compiles everything once)"
    cp -a "$SRC/.build" "$CLONE/.build"
    # Precompiled modules record the path they were built at: rebuilt for the new one.
    rm -rf "$CLONE"/.build/*/debug/ModuleCache "$CLONE"/.build/*/release/ModuleCache
fi
# The dependency versions SwiftPM chose here (Package.resolved is not committed): no network.
[ -f "$SRC/Package.resolved" ] && cp "$SRC/Package.resolved" "$CLONE/"
mkdir -p "$CLONE/build"
for v in venv-avocado113 venv-avocado88; do
    [ -e "$SRC/build/$v" ] && ln -sfn "$(readlink -f "$SRC/build/$v")" "$CLONE/build/$v"
done

LOG=$BASE/make-demo.log
start=$SECONDS
(cd "$CLONE" && make demo) >"$LOG" 2>&1
rc=$?
echo "check-fresh-clone: make demo in $CLONE: exit $rc in $((SECONDS - start)) s (log $LOG)"
[ "$rc" -eq 0 ] || { tail -30 "$LOG"; echo "check-fresh-clone: FAIL: make demo exited $rc"; exit 1; }
html=$(sed -n 's/^JOB HTML *: //p' "$LOG" | tail -1)
results=${html%/results.html}/results.json
[ -n "$html" ] && [ -f "$results" ] || { echo "check-fresh-clone: FAIL: no 'JOB HTML' line or no $results"; exit 1; }
"$SRC/build/venv-avocado113/bin/python" - "$results" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
statuses = [t["status"] for t in r["tests"]]
if len(statuses) != 11 or set(statuses) != {"PASS"} or r.get("pass") != 11:
    sys.exit("check-fresh-clone: FAIL: %s: %d tests, statuses %s, pass %s" % (sys.argv[1], len(statuses), sorted(set(statuses)), r.get("pass")))
print("check-fresh-clone: %s: 11 tests PASS" % sys.argv[1])
PY
echo "check-fresh-clone: passed"
