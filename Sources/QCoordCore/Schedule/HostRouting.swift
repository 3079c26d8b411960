/// Which hosts may run each test of a job, decided before it starts from the reachable hosts'
/// `ready` reports, and what becomes of the tests none of them can run.
///
/// A test no reachable host can run ends CANCEL with the Planner's reason when every configured
/// host answered (nothing could have run it); when some host could not be reached, it might
/// have, so the test ends ERROR with an infrastructure reason naming those hosts.
public struct HostRouting: Sendable {
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

    /// Per test (job order): the reachable hosts that may run it.
    public var eligible: [Set<String>]
    /// test index → its outcome, for tests no reachable host can run.
    public var verdicts: [Int: Verdict]

    public init(tests: [TestCase], planner: Planner, unreachable: [Unreachable]) {
        var eligible: [Set<String>] = []
        var verdicts: [Int: Verdict] = [:]
        eligible.reserveCapacity(tests.count)
        // Tests with the same tags and kind get the same answer: plan each shape once (20k tests).
        var memo: [PlanKey: Planner.Eligibility] = [:]
        for (index, test) in tests.enumerated() {
            let key = PlanKey(kind: test.kind, tags: test.tags, params: test.params ?? [:])
            let e = memo[key] ?? planner.eligibility(of: test)
            memo[key] = e
            eligible.append(Set(e.hosts.keys))
            guard e.hosts.isEmpty else { continue }
            let why = e.reason ?? "no host can run it"
            if unreachable.isEmpty {
                verdicts[index] = Verdict(status: .cancel, reason: why)
            } else {
                let names = unreachable.map(\.name).joined(separator: ", ")
                // The hosts' own errors are reported once (stderr, job.log), not per test.
                verdicts[index] = Verdict(status: .error,
                                          reason: "infrastructure: host(s) \(names) could not be reached and might have run it"
                                              + (planner.hosts.isEmpty ? "" : "; \(why)"))
            }
        }
        self.eligible = eligible
        self.verdicts = verdicts
    }

    public func mayRun(_ test: Int, on host: String) -> Bool {
        test < eligible.count && eligible[test].contains(host)
    }

    /// `--dry-run`'s plan: one line per test with its hosts, then the tests that will not run.
    public func render(tests: [TestCase]) -> String {
        var text = "Plan (\(tests.count) tests):\n"
        for (index, test) in tests.enumerated() {
            if let v = verdicts[index] {
                text += "  \(test.name) -> none: \(v.status.rawValue) \(v.reason)\n"
            } else {
                text += "  \(test.name) -> \(eligible[index].sorted().joined(separator: ", "))\n"
            }
        }
        let bad = verdicts.count
        text += bad == 0 ? "Every test has a host to run on.\n" : "\(bad) of \(tests.count) tests cannot run on any reachable host.\n"
        return text
    }

    private struct PlanKey: Hashable {
        var kind: TestKind
        var tags: Tags
        var params: [String: String]
    }
}
