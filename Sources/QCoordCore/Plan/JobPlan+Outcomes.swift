extension JobPlan {
    /// A configured host that could not be used, and why.
    public struct Unreachable: Sendable, Hashable {
        public var name: String
        public var reason: String
        public init(name: String, reason: String) { self.name = name; self.reason = reason }
    }

    /// A test's outcome decided before the job starts.
    public struct Verdict: Sendable, Hashable {
        public var status: TestStatus
        public var reason: String
        public init(status: TestStatus, reason: String) { self.status = status; self.reason = reason }
    }

    /// test index → its outcome, for the tests no reachable host can run: CANCEL with the plan's
    /// reason when every configured host answered (nothing could have run it); ERROR with an
    /// infrastructure reason when some host could not be reached (it might have).
    public func verdicts(unreachable: [Unreachable]) -> [Int: Verdict] {
        var out: [Int: Verdict] = [:]
        for index in unplaceable {
            let why = tasks[index].unplaceable ?? "no host can run it"
            if unreachable.isEmpty {
                out[index] = Verdict(status: tasks[index].unplacedStatus, reason: why)
            } else {
                let names = unreachable.map(\.name).joined(separator: ", ")
                // The hosts' own errors are reported once (stderr, job.log), not per test.
                out[index] = Verdict(status: .error,
                                     reason: "infrastructure: host(s) \(names) could not be reached and might have run it"
                                         + (hosts.isEmpty ? "" : "; \(why)"))
            }
        }
        return out
    }

    /// `--dry-run`'s plan: one line per test with its hosts (and binary there), then the tests
    /// that will not run.
    public func render(unreachable: [Unreachable] = []) -> String {
        let verdicts = verdicts(unreachable: unreachable)
        var text = "Plan (\(tasks.count) tests):\n"
        for (index, task) in tasks.enumerated() {
            if let v = verdicts[index] {
                text += "  \(task.name) -> none: \(v.status.rawValue) \(v.reason)\n"
                continue
            }
            let hosts = task.placements.map { p in
                p.qemuBin.map { "\(p.host) (\($0))" } ?? p.host
            }
            text += "  \(task.name) -> \(hosts.joined(separator: ", "))"
                + (task.timeout.map { "; timeout \(Self.seconds($0)) s" } ?? "") + "\n"
        }
        let bad = verdicts.count
        text += bad == 0 ? "Every test has a host to run on.\n" : "\(bad) of \(tasks.count) tests cannot run on any reachable host.\n"
        return text
    }

    public static func seconds(_ s: Double) -> String { s == s.rounded() && abs(s) < 1e15 ? String(Int(s)) : String(s) }

    /// The plan as `--plan-json` and `jobdata/plan.json` write it (docs/plan.schema.json).
    public var document: Document {
        var doc = Document(tasks: [], unplaceable: [])
        for task in tasks {
            if let reason = task.unplaceable {
                doc.unplaceable.append(.init(name: task.name, reason: reason))
                continue
            }
            doc.tasks.append(.init(name: task.name, arch: task.arch, usesQEMU: task.usesQEMU, timeout: task.timeout,
                                   params: task.params,
                                   hosts: task.placements.map { .init(host: $0.host, arch: $0.arch, qemuBin: $0.qemuBin) }))
        }
        return doc
    }

    /// `{"tasks": [{"name", "arch", "timeout", "hosts": [{"host", "qemu_bin"}]}], "unplaceable": [{"name", "reason"}]}`.
    public struct Document: Sendable, Hashable, Codable {
        public struct Task: Sendable, Hashable, Codable {
            /// As results.json names the test.
            public var name: String
            public var arch: String?
            public var usesQEMU: Bool
            public var timeout: Double?
            public var params: [String: String]
            public var hosts: [Host]
            enum CodingKeys: String, CodingKey {
                case name, arch, timeout, params, hosts
                case usesQEMU = "uses_qemu"
            }
        }

        public struct Host: Sendable, Hashable, Codable {
            public var host: String
            public var arch: String
            public var qemuBin: String?
            enum CodingKeys: String, CodingKey {
                case host, arch
                case qemuBin = "qemu_bin"
            }
            public func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(host, forKey: .host)
                try c.encode(arch, forKey: .arch)
                try c.encode(qemuBin, forKey: .qemuBin)
            }
        }

        public struct Unplaceable: Sendable, Hashable, Codable {
            public var name: String
            public var reason: String
        }

        public var tasks: [Task]
        public var unplaceable: [Unplaceable]
    }
}

extension JobPlan.Document.Task {
    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls: a reader sees "no arch" / "no limit", not a missing field.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(arch, forKey: .arch)
        try c.encode(usesQEMU, forKey: .usesQEMU)
        try c.encode(timeout, forKey: .timeout)
        try c.encode(params, forKey: .params)
        try c.encode(hosts, forKey: .hosts)
    }
}
