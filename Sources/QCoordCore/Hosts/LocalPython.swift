/// Which Python runs the local agent (and with it INSTRUMENTED tests) when no `--python` is
/// given: the one decision, made from candidates the caller probes (QCoordRun's
/// `LocalPythonProbe` does the I/O). SSH hosts use their inventory `python:` instead.
///
/// Order: `--python` (alone, when given), `$VIRTUAL_ENV/bin/python`, the venvs
/// `qcoord deploy --local --with-avocado VERSION` made (`<cache>/qcoord/venv-avocado-VERSION`,
/// newest version first), then `python3` on PATH. The first that can import Avocado wins;
/// when none can, `python3` (the job then stops if it has INSTRUMENTED tests).
public enum LocalPython {
    public enum Source: String, Sendable, Hashable {
        case option = "--python"
        case virtualEnv = "$VIRTUAL_ENV"
        case deployed = "qcoord deploy --local"
        case path = "python3 on PATH"
    }

    public struct Candidate: Sendable, Hashable {
        public var python: String
        public var source: Source
        public init(python: String, source: Source) { self.python = python; self.source = source }
    }

    /// The Avocado version `make demo` and the hints install.
    public static let defaultAvocado = "113.0"

    /// What to run to get Avocado on this machine.
    public static let installHint = "qcoord deploy --local --with-avocado \(defaultAvocado)"

    /// The venv `qcoord deploy --local --with-avocado VERSION` makes, under the cache directory
    /// (`$XDG_CACHE_HOME`, else `~/.cache`).
    public static func deployedVenv(cacheHome: String, avocado version: String) -> String {
        cacheHome + "/qcoord/venv-avocado-\(version)"
    }

    /// The candidates, in order. `deployedVersions`: the versions whose deployed venv is complete.
    public static func candidates(option: String?, virtualEnv: String?, cacheHome: String,
                                  deployedVersions: [String]) -> [Candidate] {
        if let option { return [Candidate(python: option, source: .option)] }
        var out: [Candidate] = []
        if let venv = virtualEnv, !venv.isEmpty {
            out.append(Candidate(python: (venv.hasSuffix("/") ? String(venv.dropLast()) : venv) + "/bin/python", source: .virtualEnv))
        }
        for version in deployedVersions.sorted(by: { newer($0, than: $1) }) {
            out.append(Candidate(python: deployedVenv(cacheHome: cacheHome, avocado: version) + "/bin/python", source: .deployed))
        }
        out.append(Candidate(python: "python3", source: .path))
        return out
    }

    /// The first candidate `hasAvocado` accepts; the last one when none does. The last is never
    /// probed: it is the fallback either way, and its agent reports what it finds.
    public static func choose(_ candidates: [Candidate], hasAvocado: (String) -> Bool) -> Candidate {
        guard let last = candidates.last else { return Candidate(python: "python3", source: .path) }
        return candidates.dropLast().first { hasAvocado($0.python) } ?? last
    }

    /// Version order by numeric components: 113.0 > 88.1 > 88.
    static func newer(_ a: String, than b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(x.count, y.count) {
            let (l, r) = (i < x.count ? x[i] : 0, i < y.count ? y[i] : 0)
            if l != r { return l > r }
        }
        return a > b
    }
}
