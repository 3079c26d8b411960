import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore

/// The modes a job directory's files are created with (less the umask).
///
/// `readable` (the default): 0755 directories, 0644 files, as Avocado's, so a job can be
/// shared (a CI artifact, a web server, a colleague's account). `private` (`--private-results`):
/// 0700 / 0600, for test environments whose logs may hold secrets.
public struct ReportModes: Sendable, Hashable {
    public var directory: mode_t
    public var file: mode_t

    public init(directory: mode_t, file: mode_t) {
        self.directory = directory
        self.file = file
    }

    public static let readable = ReportModes(directory: 0o755, file: 0o644)
    public static let `private` = ReportModes(directory: 0o700, file: 0o600)

    /// `private` for a directory others have no access to, else `readable` (an existing job
    /// keeps its kind on `--resume`; a merge of a private job is private).
    public static func of(directory path: String) -> ReportModes {
        var st = stat()
        guard stat(path, &st) == 0 else { return .readable }
        return st.st_mode & 0o077 == 0 ? .private : .readable
    }
}

/// One job's results directory: `<base>/job-%Y-%m-%dT%H.%M-<id prefix>/` and its `latest` link.
///
/// Files and directories are created with `modes` (ReportModes: readable as Avocado's by
/// default, 0700/0600 with `--private-results`). Files named by an agent are written only
/// inside that test's directory, never through a symlink.
public struct JobDirectory: Sendable {
    public let base: String
    public let path: String
    public let jobID: String
    /// `job-2026-11-22T01.45-f212b83`.
    public let name: String
    public let modes: ReportModes

    /// Creates the directory (with more id characters if the name is taken) and points `latest` at it.
    /// `base` is created too when missing, with the same modes.
    public static func create(base: String, jobID: String, date: Date, modes: ReportModes = .readable) throws -> JobDirectory {
        try makeDirectories(base, mode: modes.directory)
        let stamp = formatLocal(date, "%Y-%m-%dT%H.%M")
        var length = 7
        while true {
            let name = "job-\(stamp)-\(jobID.prefix(length))"
            let path = base + "/" + name
            if mkdir(path, modes.directory) == 0 {
                let dir = JobDirectory(base: base, path: path, jobID: jobID, name: name, modes: modes)
                try dir.updateLatest()
                try dir.writeText("id", jobID + "\n")
                try dir.makeDirectories(path + "/jobdata")
                try dir.makeDirectories(path + "/test-results")
                return dir
            }
            let e = errno
            guard e == EEXIST, length < jobID.count else { throw ReportError.cannotCreate(path: path, errno: e) }
            length += 1
        }
    }

    init(base: String, path: String, jobID: String, name: String, modes: ReportModes = .readable) {
        self.base = base
        self.path = path
        self.jobID = jobID
        self.name = name
        self.modes = modes
    }

    public var jobLog: String { path + "/job.log" }

    /// `test-results/<uid>-<name with <>:"/\|?*; → _>` (uid zero-padded to the total's width).
    public func testDirectory(uid: Int, name: String, total: Int) -> String {
        path + "/test-results/" + SafePath.testDirectoryName(TestResult.testID(uid: uid, name: name, total: total))
    }

    /// Creates a test's directory and its `data/`, and empties (creating) `emptyFiles` in it.
    ///
    /// Two mkdirs when `test-results/` exists (the usual case), rather than one per path
    /// component: this runs once per test (`make bench-scale`).
    public func makeTestDirectory(_ dir: String, emptyFiles: [String] = []) throws {
        if mkdir(dir, modes.directory) != 0 && errno != EEXIST {
            try makeDirectories(dir)
        }
        if mkdir(dir + "/data", modes.directory) != 0 && errno != EEXIST {
            throw ReportError.cannotCreate(path: dir + "/data", errno: errno)
        }
        for name in emptyFiles {
            guard Self.isPlainName(name) else { throw ReportError.unsafeName(test: dir, name: name) }
            let fd = open(dir + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, modes.file)
            guard fd >= 0 else { throw ReportError.cannotWrite(path: dir + "/" + name, errno: errno) }
            close(fd)
        }
    }

    /// Writes `bytes` at `offset` of the file `name` (relative, agent-supplied) in `testDir`;
    /// `offset == 0` starts the file afresh. Refuses names leaving the directory and symlinks.
    public func writeTestFile(testDir: String, name: String, offset: Int, bytes: [UInt8]) throws {
        guard let parts = SafePath.components(name) else {
            throw ReportError.unsafeName(test: testDir, name: name)
        }
        var dirfd = open(testDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dirfd >= 0 else { throw ReportError.cannotWrite(path: testDir, errno: errno) }
        for part in parts.dropLast() {
            _ = mkdirat(dirfd, part, modes.directory)
            // O_NOFOLLOW on every component: a symlink planted by a test cannot redirect writes.
            let next = openat(dirfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let e = errno
            close(dirfd)
            guard next >= 0 else {
                throw e == ELOOP || e == ENOTDIR ? ReportError.unsafeName(test: testDir, name: name)
                    : ReportError.cannotWrite(path: testDir + "/" + name, errno: e)
            }
            dirfd = next
        }
        defer { close(dirfd) }
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (offset == 0 ? O_TRUNC : 0)
        let fd = openat(dirfd, parts[parts.count - 1], flags, modes.file)
        guard fd >= 0 else {
            let e = errno
            throw e == ELOOP ? ReportError.unsafeName(test: testDir, name: name)
                : ReportError.cannotWrite(path: testDir + "/" + name, errno: e)
        }
        defer { close(fd) }
        try Self.writeAll(fd: fd, bytes: bytes, offset: offset, path: testDir + "/" + name)
    }

    /// Appends to a file of the test directory (stdout, stderr, debug.log written by qcoord).
    public func appendTestFile(testDir: String, name: String, bytes: [UInt8]) throws {
        guard let parts = SafePath.components(name), parts.count == 1 else {
            throw ReportError.unsafeName(test: testDir, name: name)
        }
        let fd = open(testDir + "/" + name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, modes.file)
        guard fd >= 0 else { throw ReportError.cannotWrite(path: testDir + "/" + name, errno: errno) }
        defer { close(fd) }
        try Self.writeAll(fd: fd, bytes: bytes, offset: nil, path: testDir + "/" + name)
    }

    /// Replaces a file of the test directory that qcoord writes itself (debug.log when the
    /// agent sent none): one open, no walk through agent-supplied components.
    public func replaceTestFile(testDir: String, name: String, bytes: [UInt8]) throws {
        guard Self.isPlainName(name) else { throw ReportError.unsafeName(test: testDir, name: name) }
        let fd = open(testDir + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, modes.file)
        guard fd >= 0 else { throw ReportError.cannotWrite(path: testDir + "/" + name, errno: errno) }
        defer { close(fd) }
        try Self.writeAll(fd: fd, bytes: bytes, offset: nil, path: testDir + "/" + name)
    }

    /// One path component, not `.` or `..` (SafePath.components' rule for one part, without
    /// splitting: these run per test for qcoord's own names).
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
    }

    /// Writes a file relative to the job directory (qcoord's own names only).
    public func writeText(_ relative: String, _ text: String) throws {
        let target = path + "/" + relative
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, modes.file)
        guard fd >= 0 else { throw ReportError.cannotWrite(path: target, errno: errno) }
        defer { close(fd) }
        try Self.writeAll(fd: fd, bytes: Array(text.utf8), offset: nil, path: target)
    }

    /// jobdata/: args (JSON), cmdline, pwd, test_references — as Avocado keeps them.
    public func writeJobData(args: [String: String], cmdline: [String], pwd: String, references: [String]) throws {
        try writeText("jobdata/args.json", PythonJSON.object(args.mapValues(PythonJSON.string)).rendered())
        try writeText("jobdata/cmdline", pythonList(cmdline))
        try writeText("jobdata/pwd", pwd)
        try writeText("jobdata/test_references", pythonList(references))
    }

    /// results.json, results.xml, results.tap, results.html; plus copies where the user asked
    /// (`--json`, `--xunit`, `--tap`); a copy named "-" goes to `stdout` instead (Avocado's
    /// `--json -`), after the files are written.
    public func writeReport(_ job: JobSummary, logs: [Int: String], json: String? = nil,
                            xunit: String? = nil, tap: String? = nil, stdout: (String) -> Void = { _ in }) throws {
        let jsonText = ResultsJSONRenderer.render(job)
        let xmlText = ResultsXMLRenderer.render(job, logs: logs)
        let tapText = ResultsTAPRenderer.render(job)
        try writeText("results.json", jsonText)
        try writeText("results.xml", xmlText)
        try writeText("results.tap", tapText)
        try writeText("results.html", ResultsHTMLRenderer.render(job))
        for (target, text) in [(json, jsonText), (xunit, xmlText), (tap, tapText)] {
            guard let target else { continue }
            if target == "-" {
                stdout(text.hasSuffix("\n") ? text : text + "\n")
                continue
            }
            do {
                try text.write(toFile: target, atomically: true, encoding: .utf8)
            } catch {
                throw ReportError.cannotWrite(path: target, errno: EIO)
            }
        }
    }

    /// `latest` → this job, replaced atomically (a rename over the old link).
    func updateLatest() throws {
        let tmp = base + "/.latest-\(jobID.prefix(12))"
        unlink(tmp)
        guard symlink(name, tmp) == 0 else { throw ReportError.cannotCreate(path: tmp, errno: errno) }
        guard rename(tmp, base + "/latest") == 0 else { throw ReportError.cannotCreate(path: base + "/latest", errno: errno) }
    }

    func makeDirectories(_ dir: String) throws {
        try Self.makeDirectories(dir, mode: modes.directory)
    }

    /// `sysinfo/<host>/`: each host's files (HostSysinfo), as Avocado's job keeps its sysinfo.
    public func writeSysinfo(host: String, facts: HostCapabilities) throws {
        let name = SafePath.testDirectoryName(host)
        let dir = "sysinfo/" + (name == "." || name == ".." || name.isEmpty ? "_" : name)
        try makeDirectories(path + "/" + dir)
        for file in HostSysinfo.files(facts) { try writeText(dir + "/" + file.name, file.text) }
    }

    static func makeDirectories(_ dir: String, mode: mode_t) throws {
        var current = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw ReportError.cannotCreate(path: current, errno: errno)
            }
        }
    }

    static func writeAll(fd: Int32, bytes: [UInt8], offset: Int?, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { buf -> Int in
                if let offset { return pwrite(fd, buf.baseAddress, buf.count, off_t(offset + done)) }
                return write(fd, buf.baseAddress, buf.count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReportError.cannotWrite(path: path, errno: errno)
            }
            done += n
        }
    }

    /// Python's `repr` of a list of strings, as Avocado writes cmdline and test_references.
    func pythonList(_ items: [String]) -> String {
        "[" + items.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }
            .joined(separator: ", ") + "]"
    }

    /// strftime in local time.
    public static func formatLocal(_ date: Date, _ format: String) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var tmValue = tm()
        localtime_r(&t, &tmValue)
        var buffer = [Int8](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, format, &tmValue)
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `2026-11-22 01:45:03.430670`, Avocado's results.json `start`.
    public static func startText(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let micros = Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded(.down))
        return formatLocal(date, "%Y-%m-%d %H:%M:%S") + "." + zeroPadded(micros, width: 6)
    }

    /// `2026-11-22T01:45:11.881234`, results.xml's timestamp.
    public static func isoText(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let micros = Int(((seconds - seconds.rounded(.down)) * 1_000_000).rounded(.down))
        return formatLocal(date, "%Y-%m-%dT%H:%M:%S") + "." + zeroPadded(micros, width: 6)
    }
}

func errnoText(_ e: Int32) -> String { String(cString: strerror(e)) }
