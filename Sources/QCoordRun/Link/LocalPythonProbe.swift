import Foundation
import QCoordCore

/// The I/O behind `LocalPython`: which deployed venvs exist, and whether a candidate can
/// import Avocado (one short `python -c` each, only until one can).
public enum LocalPythonProbe {
    /// `$XDG_CACHE_HOME`, else `~/.cache`: where the wheel cache, the agent copy and the
    /// deployed venvs of this machine live.
    public static func cacheHome(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
    }

    /// The local Python a job or `qcoord hosts` uses: `option` (`--python`) when given, else
    /// the first candidate with Avocado.
    public static func choose(option: String?,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> LocalPython.Candidate {
        let cache = cacheHome(environment)
        let candidates = LocalPython.candidates(option: option, virtualEnv: environment["VIRTUAL_ENV"], cacheHome: cache,
                                                deployedVersions: deployedVersions(cacheHome: cache))
        return LocalPython.choose(candidates, hasAvocado: importsAvocado)
    }

    /// Versions of the complete deployed venvs (those holding `.qcoord-deployed.json`).
    static func deployedVersions(cacheHome: String) -> [String] {
        let dir = cacheHome + "/qcoord"
        let prefix = "venv-avocado-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasPrefix(prefix) }
            .filter { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/.qcoord-deployed.json") }
            .map { String($0.dropFirst(prefix.count)) }
    }

    /// Whether `python` exists and imports `avocado` (10 s at most).
    static func importsAvocado(_ python: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import avocado"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate(); process.waitUntilExit(); return false }
        return process.terminationStatus == 0
    }
}
