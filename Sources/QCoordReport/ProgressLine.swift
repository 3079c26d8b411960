import QCoordCore

/// The live status line of `qcoord run` on a terminal: what is done, running and failed, the
/// ETA and what each host runs, e.g.
/// `12/40 done · 4 running on h1 h2 · 0 failed · ETA 1m20s · 41s elapsed · h1: Boot.test_pc and 1 more | h2: A.test`.
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

    /// Tests that ended FAIL, ERROR or INTERRUPTED so far.
    public var failed: Int { counts[.fail] + counts[.error] + counts[.interrupted] }

    /// The line, cut to `width` columns (no newline; escape codes only when `style` has colour),
    /// each number with what it counts:
    /// `12/40 done · 4 running on h1 h2 · 2 failed · ETA 1m20s · 41s elapsed · h1: Boot.test_pc and 1 more | h2: idle`.
    public func render(now: Double, width: Int, style: TerminalStyle = .plain) -> String {
        let sep: (text: String, sgr: String?) = (" · ", nil)
        var segments: [(text: String, sgr: String?)] = [("\(done)/\(total) done", nil), sep]
        let busy = hostOrder.filter { !(running[$0] ?? []).isEmpty }
        let runningCount = busy.reduce(0) { $0 + (running[$1]?.count ?? 0) }
        segments.append(("\(runningCount) running" + (busy.isEmpty ? "" : " on " + busy.joined(separator: " ")), nil))
        segments.append(sep)
        segments.append(("\(failed) failed", failed > 0 ? TerminalStyle.sgr(.fail) : nil))
        let skipped = counts[.skip] + counts[.cancel]
        if skipped > 0 {
            segments.append(sep)
            segments.append(("\(skipped) skipped", TerminalStyle.sgr(.skip)))
        }
        segments.append(sep)
        segments.append(("ETA " + (eta(now: now).map(Self.duration) ?? "unknown"), nil))
        if let started {
            segments.append(sep)
            segments.append((Self.duration(now - started) + " elapsed", nil))
        }
        let hosts = hostOrder.map { host -> String in
            let list = running[host] ?? []
            guard let first = list.first else { return "\(host): idle" }
            return "\(host): \(Self.shortName(first.name))" + (list.count > 1 ? " and \(list.count - 1) more" : "")
        }
        if !hosts.isEmpty {
            segments.append(sep)
            segments.append((hosts.joined(separator: " | "), nil))
        }
        return style.fit(segments, width: width)
    }

    /// `45s`, `1m20s`, `1h02m`: the ETA and the elapsed time.
    public static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let two = { (n: Int) in n < 10 ? "0\(n)" : String(n) }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        return "\(s / 3600)h\(two(s / 60 % 60))m"
    }

    /// The test's `Class.method` (or file) without its directories: the line is narrow.
    static func shortName(_ name: String) -> String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name.split(separator: "/").last.map(String.init) ?? name
    }
}
