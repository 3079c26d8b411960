import QCoordCore

/// `--json-events`: one JSON object per event, one line each (NDJSON). Schema: docs/json-events.md.
public enum JobEventJSONRenderer {
    /// Bumped when a field changes meaning or goes away (new fields do not bump it).
    public static let version = 1

    /// The event's line, newline included.
    public static func line(_ event: JobEvent) -> String {
        object(event).compact() + "\n"
    }

    static func object(_ event: JobEvent) -> PythonJSON {
        var fields: [String: PythonJSON] = ["event": .string(event.name), "v": .int(version)]
        switch event {
        case .jobStarted(let jobID, let jobDir, let total, let time):
            fields["job_id"] = .string(jobID)
            fields["job_dir"] = .string(jobDir)
            fields["total"] = .int(total)
            fields["time"] = .double(time)
        case .hostUp(let host, let arch, let slots, let time):
            fields["host"] = .string(host)
            fields["arch"] = .string(arch)
            fields["slots"] = .int(slots)
            fields["time"] = .double(time)
        case .hostLost(let host, let reason, let time):
            fields["host"] = .string(host)
            fields["reason"] = .string(reason)
            fields["time"] = .double(time)
        case .testStarted(let uid, let id, let name, let host, let arch, let qemuBin, let time):
            fields["uid"] = .int(uid)
            fields["id"] = .string(id)
            fields["name"] = .string(name)
            fields["host"] = .string(host)
            fields["arch"] = arch.map(PythonJSON.string) ?? .null
            fields["qemu_bin"] = qemuBin.map(PythonJSON.string) ?? .null
            fields["time"] = .double(time)
        case .testFinished(let t, let time):
            fields["uid"] = .int(t.uid)
            fields["id"] = .string(t.id)
            fields["name"] = .string(t.name)
            fields["status"] = .string(t.status.rawValue)
            fields["fail_reason"] = t.failReason.map(PythonJSON.string) ?? .null
            fields["host"] = t.host.map(PythonJSON.string) ?? .null
            fields["arch"] = t.arch.map(PythonJSON.string) ?? .null
            fields["qemu_bin"] = t.qemuBin.map(PythonJSON.string) ?? .null
            fields["time_elapsed"] = .double(t.timeElapsed)
            fields["attempts"] = .int(t.attempts.count)
            if t.flaky == true { fields["flaky"] = .bool(true) }
            fields["ran"] = .bool(t.ran)
            fields["logdir"] = .string(t.logdir)
            fields["time"] = .double(time)
        case .jobFinished(let counts, let jobTime, let interruption, let time):
            var byStatus: [String: PythonJSON] = [:]
            for status in TestStatus.allCases { byStatus[status.rawValue] = .int(counts[status]) }
            fields["counts"] = .object(byStatus)
            fields["total"] = .int(counts.total)
            fields["job_time"] = .double(jobTime)
            fields["interruption"] = interruption.map(PythonJSON.string) ?? .null
            fields["time"] = .double(time)
        }
        return .object(fields)
    }
}
