#!/usr/bin/env bash
# `make check-core-purity`: QCoordCore is pure (docs/architecture.md, "Package layout"): no
# Glibc/Darwin, no Dispatch, no file system, processes, threads or clock. Fails listing each
# offending line. Foundation stays for JSONEncoder/JSONDecoder and memchr (LineSplitter).
set -u
dir=${1:-Sources/QCoordCore}
pattern='^[[:space:]]*(@preconcurrency[[:space:]]+)?import[[:space:]]+(Glibc|Darwin|Musl|Dispatch|FoundationNetworking)\b'
pattern+='|\b(FileManager|FileHandle|Process|ProcessInfo|DispatchQueue|DispatchGroup|DispatchSemaphore|Thread|NSLock|ContinuousClock|SuspendingClock)\b'
pattern+='|\bDate\(\)|\bData\(contentsOf:|\bString\(contentsOfFile:|\bprint\('
# Comment lines (///, //) are documentation, not uses.
hits=$(grep -rnE --include='*.swift' "$pattern" "$dir" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//')
if [ -n "$hits" ]; then
    echo "check-core-purity: $dir must stay pure (no Glibc, Dispatch, FileManager, Process, Date(), DispatchQueue, print):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "check-core-purity: $dir imports no Glibc/Dispatch and does no I/O, clock or threads ($(find "$dir" -name '*.swift' | wc -l) files)"
