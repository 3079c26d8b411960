import QCoordCore

/// Where each test goes on the results.html timeline: one lane per host slot, tests packed
/// into a host's lanes greedily by their actual start and end times.
///
/// The agents do not report which slot ran a test, so lanes are reconstructed: sorted by
/// start, a test takes the first lane of its host that is free by then (interval partitioning,
/// which needs exactly as many lanes as the host's peak concurrency).
public struct TimelineLayout: Sendable, Hashable {
    public struct Lane: Sendable, Hashable {
        public var host: String
        /// 0-based slot index within the host.
        public var slot: Int
    }

    public struct Bar: Sendable, Hashable {
        public var uid: Int
        /// Index into `lanes`.
        public var lane: Int
        /// Seconds from the timeline's origin.
        public var start: Double
        public var end: Double
        public var status: TestStatus
    }

    public var lanes: [Lane]
    public var bars: [Bar]
    /// Seconds the timeline spans (at least the last bar's end).
    public var span: Double

    /// - Parameters:
    ///   - hosts: the job's hosts (each gets at least `slots` lanes, even if idle); hosts only
    ///     seen in `tests` are added after them, in order of first appearance.
    ///   - origin: epoch seconds of the timeline's 0 (the job start); nil: the earliest test start.
    public init(tests: [TestResult], hosts: [JobHost] = [], origin: Double? = nil, minimumSpan: Double = 0) {
        let ran = tests.filter { $0.ran && $0.host != nil }
        let zero = origin ?? ran.map(\.actualTimeStart).min() ?? 0
        var hostOrder = hosts.map(\.name)
        var minLanes: [String: Int] = [:]
        for h in hosts { minLanes[h.name] = max(minLanes[h.name] ?? 0, h.slots) }
        for t in ran { if let h = t.host, !hostOrder.contains(h) { hostOrder.append(h) } }

        var laneEnds: [String: [Double]] = [:]
        var placed: [(uid: Int, host: String, slot: Int, start: Double, end: Double, status: TestStatus)] = []
        let ordered = ran.sorted { ($0.actualTimeStart, $0.uid) < ($1.actualTimeStart, $1.uid) }
        for t in ordered {
            guard let host = t.host else { continue }
            let start = max(0, t.actualTimeStart - zero)
            let end = max(start, t.actualTimeEnd - zero)
            var ends = laneEnds[host] ?? []
            // A little slack: a slot's next test starts a few ms after the previous end is recorded.
            let slot = ends.firstIndex { $0 <= start + 0.001 } ?? ends.count
            if slot == ends.count { ends.append(end) } else { ends[slot] = end }
            laneEnds[host] = ends
            placed.append((t.uid, host, slot, start, end, t.status))
        }

        var lanes: [Lane] = []
        var laneIndex: [String: Int] = [:]  // host → index of its first lane
        for host in hostOrder {
            laneIndex[host] = lanes.count
            let count = max(laneEnds[host]?.count ?? 0, minLanes[host] ?? 0, 1)
            for slot in 0..<count { lanes.append(Lane(host: host, slot: slot)) }
        }
        self.lanes = lanes
        bars = placed.sorted { $0.uid < $1.uid }.map {
            Bar(uid: $0.uid, lane: (laneIndex[$0.host] ?? 0) + $0.slot, start: $0.start, end: $0.end, status: $0.status)
        }
        span = max(minimumSpan, bars.map(\.end).max() ?? 0)
    }

    /// Seconds each host's slots spent idle within the span (the grey in the timeline).
    public func idleSeconds(host: String) -> Double {
        let hostLanes = lanes.indices.filter { lanes[$0].host == host }
        let busy = bars.filter { hostLanes.contains($0.lane) }.reduce(0) { $0 + ($1.end - $1.start) }
        return max(0, Double(hostLanes.count) * span - busy)
    }
}
