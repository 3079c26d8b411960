import Foundation

/// How one asset's fetch ended.
public struct AssetFetchOutcome: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case fetched, cached, failed }

    public var state: State
    /// `sha256:<hex>`.
    public var contentKey: String
    /// The URL it came from (fetched), its sidecar's (cached), or the first tried (failed).
    public var url: String
    /// The file in the cache (not when failed).
    public var path: String?
    public var bytes: Int
    public var seconds: Double
    /// Whether a Range request resumed a partial download.
    public var resumed: Bool
    /// Why it failed: each URL tried, with its reason.
    public var error: String?

    public init(state: State, contentKey: String, url: String, path: String? = nil, bytes: Int = 0,
                seconds: Double = 0, resumed: Bool = false, error: String? = nil) {
        self.state = state
        self.contentKey = contentKey
        self.url = url
        self.path = path
        self.bytes = bytes
        self.seconds = seconds
        self.resumed = resumed
        self.error = error
    }
}

/// The text of `qcoord assets fetch` (docs/assets-fetch.md). Pure: clock values are passed in.
public enum AssetFetchReport {
    /// One line per asset when it ends (not a terminal, e.g. CI):
    /// `fetched https://…/vmlinuz 50.0 MiB in 1.2 s`, `cached …`, `FAILED https://…: why`.
    public static func line(_ o: AssetFetchOutcome) -> String {
        switch o.state {
        case .fetched:
            return "fetched \(o.url) \(ByteSize.format(o.bytes)) in \(seconds(o.seconds))\(o.resumed ? " (resumed)" : "")"
        case .cached:
            return "cached \(o.url) \(ByteSize.format(o.bytes))"
        case .failed:
            return "FAILED \(o.error ?? o.url)"
        }
    }

    /// `assets: 3 fetched (120.0 MiB in 4.1 s), 2 cached, 1 failed`.
    public static func summary(_ outcomes: [AssetFetchOutcome], skipped: Int, seconds wall: Double) -> String {
        let fetched = outcomes.filter { $0.state == .fetched }
        let cached = outcomes.filter { $0.state == .cached }.count
        let failed = outcomes.filter { $0.state == .failed }.count
        var parts = ["\(fetched.count) fetched (\(ByteSize.format(fetched.reduce(0) { $0 + $1.bytes })) in \(seconds(wall)))",
                     "\(cached) cached", "\(failed) failed"]
        if skipped > 0 { parts.append("\(skipped) left to the tests") }
        return "assets: " + parts.joined(separator: ", ")
    }

    /// The terminal's updating line:
    /// `assets 2/5 · 120.3 MiB/400.0 MiB · 45.2 MiB/s · ETA 0:06`. `ofBytes` nil: a total is not
    /// known yet (no ETA); `rate` in bytes per second, nil before there is one.
    public static func progress(done: Int, total: Int, bytes: Int, ofBytes: Int?, rate: Double?) -> String {
        var parts = ["assets \(done)/\(total)"]
        parts.append(ofBytes.map { "\(ByteSize.format(bytes))/\(ByteSize.format($0))" } ?? ByteSize.format(bytes))
        if let rate, rate > 0 {
            parts.append("\(ByteSize.format(Int(rate)))/s")
            if let ofBytes, ofBytes >= bytes { parts.append("ETA \(clock(Double(ofBytes - bytes) / rate))") }
        }
        return parts.joined(separator: " · ")
    }

    /// `0:06`, `12:34`, `1:02:03`.
    public static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.up)))
        if s >= 3600 { return "\(s / 3600):\(pad((s / 60) % 60)):\(pad(s % 60))" }
        return "\(s / 60):\(pad(s % 60))"
    }

    /// `0.4 s`, `12.0 s`.
    static func seconds(_ value: Double) -> String {
        let tenths = Int((max(0, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `--json`: the outcomes (and what was left to the tests), sorted keys.
    public static func json(_ outcomes: [AssetFetchOutcome], skipped: [AssetFetchPlan.Skipped]) -> String {
        struct Skip: Encodable { var url: String?; var name: String?; var reason: String }
        struct Doc: Encodable { var assets: [AssetFetchOutcome]; var skipped: [Skip] }
        let doc = Doc(assets: outcomes, skipped: skipped.map { Skip(url: $0.asset.url, name: $0.asset.name, reason: $0.reason) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(doc)) ?? Data(), as: UTF8.self) + "\n"
    }
}

/// Bytes per second over a sliding window of samples: the rate the ETA uses. Pure (the
/// caller passes the time of each sample).
public struct TransferRate: Sendable {
    private var samples: [(time: Double, bytes: Int)] = []
    public let window: Double

    public init(window: Double = 5) { self.window = window }

    /// `bytes` received in all by `time` (seconds, any origin).
    public mutating func add(time: Double, bytes: Int) {
        samples.append((time, bytes))
        while samples.count > 2, let first = samples.first, time - first.time > window { samples.removeFirst() }
    }

    public var bytesPerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.time - first.time >= 0.2 else { return nil }
        return Double(last.bytes - first.bytes) / (last.time - first.time)
    }
}
