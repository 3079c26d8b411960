import QCoordCore

/// results.json: Avocado 113's shape (keys sorted, indent 4) plus qcoord's per-test extras
/// (`host`, `arch`, `qemu_bin`, `qemu_version`, `attempts`, and `actual_end`/`time` for
/// `avocado jobs show`, `flaky`). Tests that never ran are listed too.
public enum ResultsJSONRenderer {
    /// - Parameter extras: false leaves out qcoord's per-test fields (exactly Avocado's file then).
    public static func render(_ job: JobSummary, extras: Bool = true) -> String {
        let counts = job.counts
        let top: [String: PythonJSON] = [
            "cancel": .int(counts[.cancel]),
            "debuglog": .string(job.jobLog),
            "errors": .int(counts[.error]),
            "failures": .int(counts[.fail]),
            "interrupt": .int(counts[.interrupted]),
            "job_id": .string(job.jobID),
            "pass": .int(counts[.pass]),
            "skip": .int(counts[.skip]),
            "start": .string(job.start),
            "tests": .array(job.tests.map { test($0, extras: extras) }),
            "time": .double(job.testTime),
            "total": .int(job.tests.count),
            "warn": .int(counts[.warn]),
        ]
        var all = top
        // qcoord's count of tests that passed on a retry; Avocado's readers ignore unknown keys.
        if extras { all["flaky"] = .int(job.flakyTests.count) }
        // Files whose tests are not in the job (could not be read or parsed); only when there are some.
        if !job.resolutionErrors.isEmpty {
            all["resolution_errors"] = .array(job.resolutionErrors.map { e in
                .object(["file": .string(e.path), "line": e.reading ? .null : .int(e.line), "message": .string(e.message)])
            })
        }
        // What the asset push moved to each host; only when something was pushed or reused.
        let pushed = job.hosts.compactMap { host in host.assets.map { (host.name, $0) } }
        if extras && !pushed.isEmpty {
            all["asset_push"] = .array(pushed.map { name, a in
                .object(["host": .string(name), "pushed_files": .int(a.pushedFiles), "pushed_bytes": .int(a.pushedBytes),
                         "reused_files": .int(a.reusedFiles), "reused_bytes": .int(a.reusedBytes),
                         "evicted_files": .int(a.evictedFiles), "failed": a.failed.map(PythonJSON.string) ?? .null])
            })
        }
        return PythonJSON.object(all).rendered()
    }

    static func test(_ t: TestResult, extras: Bool) -> PythonJSON {
        var fields: [String: PythonJSON] = [
            "actual_time_end": .double(t.actualTimeEnd),
            "actual_time_start": .double(t.actualTimeStart),
            "fail_reason": .string(t.failReasonText),
            "id": .string(t.id),
            "logdir": .string(t.logdir),
            "logfile": .string(t.logfile),
            "name": .string(t.name),
            "status": .string(t.status.rawValue),
            "tags": tags(t.tags),
            "time_elapsed": .double(t.timeElapsed),
            "time_end": .double(t.timeEnd),
            "time_start": .double(t.timeStart),
            "whiteboard": .string(t.whiteboard),
        ]
        guard extras else { return .object(fields) }
        fields.merge([
            "host": t.host.map(PythonJSON.string) ?? .null,
            "arch": t.arch.map(PythonJSON.string) ?? .null,
            "kind": .string(t.kind.rawValue),
            "qemu_bin": t.qemuBin.map(PythonJSON.string) ?? .null,
            "attempts": .array(t.attempts.map { a in
                .object([
                    "host": .string(a.host),
                    "status": .string(a.status.rawValue),
                    "fail_reason": a.failReason.map(PythonJSON.string) ?? .null,
                    "time": .double(a.time),
                ])
            }),
        ]) { old, _ in old }
        if let version = t.qemuVersion { fields["qemu_version"] = .string(version) }
        fields["flaky"] = .bool(t.flaky == true)
        if t.ran {
            // The keys `avocado jobs show` reads for its End Time and Run Time columns (Avocado's
            // own results.json lacks them, so it prints <unknown> there for its own jobs).
            fields["actual_end"] = .double(t.actualTimeEnd)
            fields["time"] = .double(t.timeElapsed)
        }
        if let origin = t.origin { fields["origin"] = .string(origin) }
        return .object(fields)
    }

    static func tags(_ tags: Tags) -> PythonJSON {
        var dict: [String: PythonJSON] = [:]
        for key in tags.keys {
            let values = tags[key] ?? []
            dict[key] = values.isEmpty ? .null : .array(values.sorted().map(PythonJSON.string))
        }
        return .object(dict)
    }
}
