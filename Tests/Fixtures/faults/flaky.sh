#!/bin/sh
# Fails the first time it runs, passes after: QCOORD_FLAKY_MARKER names a file that records the first run.
if [ -e "$QCOORD_FLAKY_MARKER" ]; then
    echo "second run: pass"
    exit 0
fi
: > "$QCOORD_FLAKY_MARKER"
echo "first run: fail"
exit 1
