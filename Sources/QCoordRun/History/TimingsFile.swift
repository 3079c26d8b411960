import Foundation
import QCoordCore

/// `--timings FILE`: expected durations from a `qcoord history --export` file
/// (`{"format": "qcoord-timings", "version": 1, "timings": {"<test id>": seconds}}`) or from any
/// earlier job's results.json (each test's `time_elapsed`, for tests that ran to a verdict).
public enum TimingsFile {
    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String)
        case notTimings

        public var description: String {
            switch self {
            case .unreadable(let why): "cannot read it: \(why)"
            case .notTimings: "neither a 'qcoord history --export' file nor a job's results.json (no 'timings' object, no 'tests' list)"
            }
        }
    }

    /// Statuses whose duration says how long the test takes (a CANCEL or SKIP ends early, an
    /// ERROR may be a lost host's 0 s).
    static let timedStatuses: Set<String> = ["PASS", "FAIL", "WARN"]

    public static func load(path: String) throws -> Timings {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LoadError.unreadable(error.localizedDescription)
        }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws -> Timings {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw LoadError.unreadable("not JSON: \(error.localizedDescription)")
        }
        guard let top = object as? [String: Any] else { throw LoadError.notTimings }
        if let timings = top["timings"] as? [String: Any] {
            var out: [String: Double] = [:]
            for (id, value) in timings { if let s = (value as? NSNumber)?.doubleValue { out[id] = s } }
            return Timings(out)
        }
        if let tests = top["tests"] as? [[String: Any]] {
            var samples: [String: [Double]] = [:]
            for test in tests {
                guard let name = test["name"] as? String, let status = test["status"] as? String,
                      timedStatuses.contains(status), let t = (test["time_elapsed"] as? NSNumber)?.doubleValue
                else { continue }
                samples[name, default: []].append(t)
            }
            return Timings(samples.compactMapValues { Timings.median($0) })
        }
        throw LoadError.notTimings
    }

    /// The export format `load` reads back, keys sorted.
    public static func render(_ timings: Timings) -> String {
        let body = timings.durations.keys.sorted().map { id in
            "    \(jsonString(id)): \(timings.durations[id] ?? 0)"
        }.joined(separator: ",\n")
        return "{\"format\": \"qcoord-timings\", \"version\": 1, \"timings\": {\n\(body)\n}}\n"
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }
}
