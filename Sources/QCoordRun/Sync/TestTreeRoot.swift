import Foundation
import QCoordCore

/// The directory tree a job's test references live in: what is synced to hosts without a `workdir`.
public enum TestTreeRoot {
    /// Directories whose files every host has of its own (`/bin/true` as a SIMPLE test): never synced.
    static let systemPrefixes = ["/bin/", "/sbin/", "/usr/", "/lib/", "/lib64/", "/etc/", "/opt/", "/proc/", "/dev/"]

    /// The deepest directory holding every local test file (so their sibling modules and data
    /// dirs come along); nil when no test is a local file outside the system directories.
    /// With FUNCTIONAL tests: the QEMU tree holding their tests/functional (see `tree(of:)`).
    public static func root(of tests: [TestCase], workdir: String) -> String? {
        tree(of: tests, workdir: workdir)?.root
    }

    /// The test tree and, when it holds QEMU tests/functional tests, the only parts of it that
    /// go to the hosts (relative to the root): the other tests' deepest common directory, each
    /// tests/functional (with its `qemu_test`) and the QEMU tree's `python/` — what meson's
    /// PYTHONPATH names — not the whole QEMU source. `within` is nil otherwise (all of it).
    public static func tree(of tests: [TestCase], workdir: String) -> (root: String, within: [String]?)? {
        var dirs = Set<String>()
        var functionalParts = Set<String>()
        for test in tests {
            let path = absolute(test.uri, workdir: workdir)
            guard !systemPrefixes.contains(where: path.hasPrefix) else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let dir = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
            if test.kind == .functional, let functional = functionalRoot(above: dir) {
                functionalParts.insert(functional)
                let python = ((functional as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent + "/python"
                if FileManager.default.fileExists(atPath: python) { functionalParts.insert(python) }
                continue
            }
            dirs.insert(dir)
        }
        let others = commonDirectory(dirs)
        guard let root = commonDirectory(functionalParts.union(others.map { [$0] } ?? [])) else { return nil }
        guard !functionalParts.isEmpty else { return (root, nil) }
        let within = (functionalParts.union(others.map { [$0] } ?? [])).map { relative($0, to: root) }.sorted()
        return (root, within.contains("") ? nil : within)
    }

    /// The directory holding the `qemu_test` package, at or above `dir`.
    static func functionalRoot(above dir: String) -> String? {
        var current = dir
        while current != "/" && !current.isEmpty {
            if FileManager.default.fileExists(atPath: current + "/qemu_test/__init__.py") { return current }
            current = (current as NSString).deletingLastPathComponent
        }
        return nil
    }

    static func commonDirectory(_ dirs: Set<String>) -> String? {
        guard var common = dirs.first.map({ $0.split(separator: "/").map(String.init) }) else { return nil }
        for dir in dirs {
            let parts = dir.split(separator: "/").map(String.init)
            var n = 0
            while n < min(common.count, parts.count) && common[n] == parts[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        return "/" + common.joined(separator: "/")
    }

    static func relative(_ path: String, to root: String) -> String {
        if path == root { return "" }
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func absolute(_ uri: String, workdir: String) -> String {
        let path = uri.hasPrefix("/") ? uri : workdir + "/" + uri
        return (path as NSString).standardizingPath
    }
}
