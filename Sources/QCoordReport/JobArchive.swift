import Foundation
import QCoordCore

/// The job directories under a results base (`~/qcoord/job-results`) and what their
/// results.json says: what `qcoord jobs list/show` read.
public struct JobArchive: Sendable {
    public let base: String

    public init(base: String) { self.base = base }

    /// One job as its results.json describes it.
    public struct Record: Sendable, Hashable {
        public var dir: String
        public var jobID: String
        public var start: String
        public var debuglog: String
        public var counts: [String: Int]
        public var total: Int
        public var tests: [Test]
    }

    public struct Test: Sendable, Hashable {
        public var id: String
        public var status: String
        public var timeElapsed: Double?
        /// Epoch seconds.
        public var end: Double?
        public var host: String?
        public var arch: String?
        public var failReason: String?
    }

    /// Directories of `base` holding an `id` and a results.json, newest results first (as Avocado orders them).
    public func jobDirectories() -> [String] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: base)) ?? []
        var found: [(String, Date)] = []
        for name in names where name != "latest" {
            let dir = base + "/" + name
            guard fm.fileExists(atPath: dir + "/id"),
                  let attrs = try? fm.attributesOfItem(atPath: dir + "/results.json"),
                  let date = attrs[.modificationDate] as? Date else { continue }
            found.append((dir, date))
        }
        return found.sorted { ($0.1, $0.0) > ($1.1, $1.0) }.map(\.0)
    }

    /// A job reference as Avocado takes it: nil or `latest`, a job directory, or a prefix of a job id.
    public func resolve(_ reference: String?) throws -> String {
        let ref = reference ?? "latest"
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if ref.contains("/") || fm.fileExists(atPath: ref, isDirectory: &isDir) && isDir.boolValue {
            guard fm.fileExists(atPath: ref + "/id") else { throw ReportError.notAJob(reference: ref) }
            return (ref as NSString).standardizingPath
        }
        if ref == "latest" {
            guard let target = try? fm.destinationOfSymbolicLink(atPath: base + "/latest") else {
                throw ReportError.noJobs(base: base)
            }
            return target.hasPrefix("/") ? target : base + "/" + target
        }
        let matches = jobDirectories().filter { dir in
            let id = (try? String(contentsOfFile: dir + "/id", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return id.hasPrefix(ref)
        }
        guard let first = matches.first else { throw ReportError.notAJob(reference: ref) }
        guard matches.count == 1 else { throw ReportError.ambiguousJob(reference: ref, count: matches.count) }
        return first
    }

    /// Reads `dir/results.json`.
    public static func load(_ dir: String) throws -> Record {
        let path = dir + "/results.json"
        guard let data = FileManager.default.contents(atPath: path),
              let top = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReportError.unreadableResults(path: path)
        }
        var counts: [String: Int] = [:]
        for key in ["pass", "errors", "failures", "skip", "warn", "interrupt", "cancel"] {
            counts[key] = (top[key] as? NSNumber)?.intValue ?? 0
        }
        let tests = ((top["tests"] as? [[String: Any]]) ?? []).map { t in
            Test(id: t["id"] as? String ?? "<unknown>", status: t["status"] as? String ?? "<unknown>",
                 timeElapsed: (t["time_elapsed"] as? NSNumber)?.doubleValue ?? (t["time"] as? NSNumber)?.doubleValue,
                 end: (t["actual_time_end"] as? NSNumber)?.doubleValue ?? (t["actual_end"] as? NSNumber)?.doubleValue,
                 host: t["host"] as? String, arch: t["arch"] as? String,
                 failReason: t["fail_reason"] as? String)
        }
        return Record(dir: dir, jobID: top["job_id"] as? String ?? "<unknown>", start: top["start"] as? String ?? "<unknown>",
                      debuglog: top["debuglog"] as? String ?? dir + "/job.log", counts: counts,
                      total: (top["total"] as? NSNumber)?.intValue ?? tests.count, tests: tests)
    }
}

extension JobArchive {
    /// `qcoord jobs get-output-files`: copies each test's output files (its `data/` directory,
    /// `AVOCADO_TEST_OUTPUTDIR`, already fetched from its host) to `destination/<test dir>/`, as
    /// `avocado jobs get-output-files` does. Symlinks are not followed. Returns the tests and
    /// files copied; a test with no output files is left out.
    public static func copyOutputFiles(jobDir: String, to destination: String) throws -> (tests: Int, files: Int) {
        let fm = FileManager.default
        let results = jobDir + "/test-results"
        var (tests, files) = (0, 0)
        for name in ((try? fm.contentsOfDirectory(atPath: results)) ?? []).sorted() {
            let data = results + "/" + name + "/data"
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: data, isDirectory: &isDir), isDir.boolValue,
                  let walker = fm.enumerator(atPath: data) else { continue }
            var copied = 0
            while let relative = walker.nextObject() as? String {
                let source = data + "/" + relative
                let attrs = try fm.attributesOfItem(atPath: source)
                guard attrs[.type] as? FileAttributeType == .typeRegular else { continue }
                let target = destination + "/" + name + "/" + relative
                try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: source, toPath: target)
                copied += 1
            }
            if copied > 0 {
                tests += 1
                files += copied
            }
        }
        return (tests, files)
    }
}
