import Foundation

/// Wheels for one Avocado version and one host Python (major.minor), fetched on this machine
/// with `pip download` so hosts without internet can install from them. Kept under
/// `<dir>/avocado-VERSION-pyX.Y/` and reused; each set is fetched at most once per run even
/// when many hosts ask at the same time. Also pycotap's wheel (`<dir>/pycotap-VERSION/`), which
/// QEMU's tests/functional import, for every host.
public actor WheelCache {
    public struct WheelSet: Sendable {
        /// Local directory holding the wheels.
        public var directory: String
        /// File names of the wheels (pip's included).
        public var files: [String]
        /// Whether this run downloaded them (false: found in the cache).
        public var downloaded: Bool
    }

    public let directory: String
    /// The local Python whose pip does the download; nil: a venv of the cache's own
    /// (`DIR/.pip-venv`, made with `python3 -m venv`), as Debian's python3 has no pip.
    public let pipPython: String?
    private var pending: [String: Task<Result<WheelSet, DeployError>, Never>] = [:]
    private var ownPip: Task<Result<String, DeployError>, Never>?

    public init(directory: String, pipPython: String?) {
        self.directory = directory
        self.pipPython = pipPython
    }

    /// What the hosts install: Avocado itself, pip (to install with, no ensurepip needed), and
    /// a setuptools that still has `pkg_resources` (Avocado imports it; setuptools 81 dropped it).
    public static func requirements(avocado version: String) -> [String] {
        ["avocado-framework==\(version)", "setuptools<81", "pip"]
    }

    public static func setName(avocado version: String, python: String) -> String {
        "avocado-\(version)-py\(python)"
    }

    /// The pycotap every host gets (QEMU pins none; 1.3.1 is what Debian and PyPI ship): pure
    /// Python, no dependencies, any Python 3.
    public static let pycotapVersion = "1.3.1"
    public static var pycotapSetName: String { "pycotap-\(pycotapVersion)" }

    public func wheels(avocado version: String, python: String) async -> Result<WheelSet, DeployError> {
        await set(Self.setName(avocado: version, python: python)) { dir, pip in
            Self.fetch(into: dir, avocado: version, python: python, pipPython: pip)
        }
    }

    /// pycotap's wheel alone (`pip download --no-deps`), which the host helper unpacks into its pylib.
    public func pycotap() async -> Result<WheelSet, DeployError> {
        await set(Self.pycotapSetName) { dir, pip in
            let args = [pip, "-m", "pip", "download", "--disable-pip-version-check", "--quiet", "--only-binary=:all:",
                        "--no-deps", "--dest", dir, "pycotap==\(Self.pycotapVersion)"]
            return Self.download(into: dir, args: args, expect: "pycotap-",
                                 hint: "check that this machine reaches PyPI (or a mirror in pip.conf) and that \(pip) has pip")
        }
    }

    /// The set `key`: cached, being fetched for another host, or fetched now.
    private func set(_ key: String, fetch: @escaping @Sendable (String, String) -> Result<WheelSet, DeployError>) async
        -> Result<WheelSet, DeployError> {
        if let task = pending[key] {
            // Another host asked first: only its report says the wheels were downloaded.
            return await task.value.map { var set = $0; set.downloaded = false; return set }
        }
        let dir = directory + "/" + key
        let task = Task.detached { [self] () async -> Result<WheelSet, DeployError> in
            if let cached = Self.cached(dir) { return .success(cached) }
            return await self.resolvedPip().flatMap { pipPython in fetch(dir, pipPython) }
        }
        pending[key] = task
        return await task.value
    }

    /// `--pip-python`, else the cache's own venv, made once (only when something is downloaded).
    private func resolvedPip() async -> Result<String, DeployError> {
        if let pipPython { return .success(pipPython) }
        let task = ownPip ?? Task.detached { [directory] in Self.makeOwnPip(directory + "/.pip-venv") }
        ownPip = task
        return await task.value
    }

    private static func makeOwnPip(_ venv: String) -> Result<String, DeployError> {
        let python = venv + "/bin/python"
        if FileManager.default.isExecutableFile(atPath: python) { return .success(python) }
        let (status, text) = runLocally(["python3", "-m", "venv", venv])
        guard status == 0, FileManager.default.isExecutableFile(atPath: python) else {
            try? FileManager.default.removeItem(atPath: venv)
            return .failure(.wheels("'python3 -m venv \(venv)' failed (\(text.split(separator: "\n").suffix(3).joined(separator: " "))); "
                + "install python3-venv, or give a Python with pip as '--pip-python'"))
        }
        return .success(python)
    }

    /// Runs a local command through env (PATH search), returning its status and merged output.
    private static func runLocally(_ args: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = args
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return (-1, error.localizedDescription)
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    private static func fetch(into dir: String, avocado version: String, python: String,
                              pipPython: String) -> Result<WheelSet, DeployError> {
        // Binary wheels only, for the host's Python: pip picks versions whose Requires-Python
        // fits it. Our own platform's tags apply, so any wheel that is not pure Python is
        // refused below rather than shipped to a host of another architecture.
        let args = [pipPython, "-m", "pip", "download", "--disable-pip-version-check", "--quiet",
                    "--only-binary=:all:", "--python-version", python, "--dest", dir]
            + requirements(avocado: version)
        return download(into: dir, args: args, expect: "pip-",
                        hint: "check that this machine reaches PyPI (or a mirror in pip.conf), that Avocado \(version) exists, "
                            + "and that \(pipPython) has pip ('--pip-python' names another Python)")
    }

    /// Runs `args` (a `pip download` into `dir`); the set once it holds a wheel named `expect…`, all pure Python.
    private static func download(into dir: String, args: [String], expect: String, hint: String) -> Result<WheelSet, DeployError> {
        let fm = FileManager.default
        let complete = dir + "/.complete"
        if let cached = cached(dir) { return .success(cached) }
        try? fm.removeItem(atPath: dir)
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            return .failure(.wheels("cannot create \(dir): \(error.localizedDescription)"))
        }
        let (status, text) = runLocally(args)
        guard status == 0 else {
            let tail = text.split(separator: "\n").suffix(8).joined(separator: "\n")
            return .failure(.wheels("'\(args.joined(separator: " "))' failed (exit \(status)):\n\(tail)\n" + hint))
        }
        guard let files = wheelFiles(dir), files.contains(where: { $0.hasPrefix(expect) }) else {
            return .failure(.wheels("pip download left no wheels in \(dir)"))
        }
        let native = files.filter { !$0.hasSuffix("-none-any.whl") }
        guard native.isEmpty else {
            return .failure(.wheels("not pure-Python wheels: \(native.joined(separator: ", ")); they would not fit a host of another platform"))
        }
        _ = fm.createFile(atPath: complete, contents: Data())
        return .success(WheelSet(directory: dir, files: files, downloaded: true))
    }

    /// The set in `dir` when a download there completed.
    private static func cached(_ dir: String) -> WheelSet? {
        guard FileManager.default.fileExists(atPath: dir + "/.complete"), let files = wheelFiles(dir), !files.isEmpty else { return nil }
        return WheelSet(directory: dir, files: files, downloaded: false)
    }

    private static func wheelFiles(_ dir: String) -> [String]? {
        (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".whl") }.sorted()
    }
}
