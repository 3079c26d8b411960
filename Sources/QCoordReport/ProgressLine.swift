import QCoordCore

/// The live status line of `qcoord run` on a terminal: done/total, counts, ETA and what each
/// host runs, e.g. `[12/40] PASS 10 FAIL 2 · 0:41 · ETA 1:20 · local: boot.py:Boot.test_pc +1`.
///
/// A value fed with job events; the clock is passed in, so it renders the same for a test.
public struct ProgressLine: Sendable {
    public private(set) var total = 0
    public private(set) var done = 0
    public private(set) var counts = StatusCounts()
    /// host → running tests (name, start epoch), in start order.
    public private(set) var running: [String: [(name: String, start: Double)]] = [:]
    private var hostOrder: [String] = []
    private var slots = 0
    private var started: Double?
    private var finishedTime = 0.0
    private var finishedRan = 0
    /// Seconds a test took before (the timing history), by name; the mean of this job's
    /// finished tests stands in for tests it lacks.
    public var history: [String: Double]
    private var pendingNames: [String]

    /// - Parameter names: every test of the job (for the history-based ETA of those not started).
    public init(names: [String] = [], history: [String: Double] = [:]) {
        self.history = history
        pendingNames = names
        total = names.count
    }

    public mutating func handle(_ event: JobEvent) {
        switch event {
        case .jobStarted(_, _, let total, let time):
            self.total = total
            started = time
        case .hostUp(let host, _, let slots, _):
            if !hostOrder.contains(host) { hostOrder.append(host) }
            self.slots += max(1, slots)
        case .hostLost(let host, _, _):
            running[host] = nil
            hostOrder.removeAll { $0 == host }
        case .testStarted(_, _, let name, let host, _, _, let time):
            if !hostOrder.contains(host) { hostOrder.append(host) }
            running[host, default: []].append((name, time))
            if let i = pendingNames.firstIndex(of: name) { pendingNames.remove(at: i) }
        case .testFinished(let t, _):
            done += 1
            counts.add(t.status)
            if let host = t.host, var list = running[host], let i = list.firstIndex(where: { $0.name == t.name }) {
                list.remove(at: i)
                running[host] = list
            }
            if let i = pendingNames.firstIndex(of: t.name) { pendingNames.remove(at: i) }
            if t.ran {
                finishedTime += t.timeElapsed
                finishedRan += 1
            }
        case .jobFinished:
            break
        }
    }

    /// Seconds until the job should end, nil before anything can be estimated.
    public func eta(now: Double) -> Double? {
        let mean = finishedRan > 0 ? finishedTime / Double(finishedRan) : nil
        func expected(_ name: String) -> Double? { history[name] ?? mean }
        var work = 0.0
        for name in pendingNames {
            guard let e = expected(name) else { return nil }
            work += e
        }
        for (_, list) in running {
            for r in list {
                guard let e = expected(r.name) else { return nil }
                work += max(0, e - (now - r.start))
            }
        }
        return work / Double(max(1, slots))
    }

    /// The line, cut to `width` columns (no newline, no escape codes).
    public func render(now: Double, width: Int) -> String {
        var parts = ["[\(done)/\(total)]"]
        let shown = StatusCounts.resultsOrder.filter { counts[$0] > 0 || $0 == .pass || $0 == .fail }
        parts[0] += " " + shown.map { "\($0.resultsLabel) \(counts[$0])" }.joined(separator: " ")
        if let started { parts.append(Self.clock(now - started)) }
        parts.append("ETA " + (eta(now: now).map(Self.clock) ?? "?"))
        var line = parts.joined(separator: " · ")
        let hosts = hostOrder.map { host -> String in
            let list = running[host] ?? []
            guard let first = list.first else { return "\(host): idle" }
            return "\(host): \(Self.shortName(first.name))" + (list.count > 1 ? " +\(list.count - 1)" : "")
        }
        if !hosts.isEmpty { line += " · " + hosts.joined(separator: " | ") }
        guard line.count > width, width > 1 else { return line }
        return String(line.prefix(width - 1)) + "…"
    }

    /// `1:05`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let two = { (n: Int) in n < 10 ? "0\(n)" : String(n) }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }

    /// The test's `Class.method` (or file) without its directories: the line is narrow.
    static func shortName(_ name: String) -> String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name.split(separator: "/").last.map(String.init) ?? name
    }
}
