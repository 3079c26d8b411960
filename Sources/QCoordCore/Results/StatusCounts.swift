/// How many tests of a job ended in each status.
public struct StatusCounts: Sendable, Hashable {
    public private(set) var counts: [TestStatus: Int] = [:]

    public init() {}

    public init<S: Sequence>(_ statuses: S) where S.Element == TestStatus {
        for status in statuses { add(status) }
    }

    public mutating func add(_ status: TestStatus) { counts[status, default: 0] += 1 }

    public subscript(status: TestStatus) -> Int { counts[status] ?? 0 }

    public var total: Int { counts.values.reduce(0, +) }

    /// True when a test FAILed or ERRORed (exit bit 1); INTERRUPTED is bit 8 instead.
    public var hasFailures: Bool { self[.fail] + self[.error] > 0 }

    /// `PASS 3 | ERROR 1 | FAIL 0 | SKIP 1 | WARN 1 | INTERRUPT 1 | CANCEL 0`, Avocado's order.
    public var resultsLine: String {
        Self.resultsOrder.map { "\($0.resultsLabel) \(self[$0])" }.joined(separator: " | ")
    }

    /// The order of Avocado's RESULTS line.
    public static let resultsOrder: [TestStatus] = [.pass, .error, .fail, .skip, .warn, .interrupted, .cancel]
}
