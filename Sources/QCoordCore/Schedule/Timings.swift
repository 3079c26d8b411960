/// Expected test durations, by test id (`file.py:Class.method[;arch=A]`), in seconds.
///
/// From the timing history or a `--timings` file; a test with no figure gets the median of the
/// known ones (nothing known: every test the same, so job order decides).
public struct Timings: Sendable, Hashable {
    public var durations: [String: Double]

    public init(_ durations: [String: Double] = [:]) { self.durations = durations }

    public var isEmpty: Bool { durations.isEmpty }

    /// Expected seconds for each test, in order; unknown tests get the median of the known.
    public func expected(for ids: [String]) -> [Double] {
        let known = ids.map { durations[$0] }
        let median = Self.median(known.compactMap { $0 }) ?? Self.median(Array(durations.values)) ?? 0
        return known.map { $0 ?? median }
    }

    public func expected(for tests: [TestCase]) -> [Double] { expected(for: tests.map(\.name)) }

    /// The median (mean of the middle two for an even count); nil for none.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
