import Foundation
import QCoordCore

/// The directory tree a job's test references live in: what is synced to hosts without a `workdir`.
public enum TestTreeRoot {
    /// Directories whose files every host has of its own (`/bin/true` as a SIMPLE test): never synced.
    static let systemPrefixes = ["/bin/", "/sbin/", "/usr/", "/lib/", "/lib64/", "/etc/", "/opt/", "/proc/", "/dev/"]

    /// The deepest directory holding every local test file (so their sibling modules and data
    /// dirs come along); nil when no test is a local file outside the system directories.
    public static func root(of tests: [TestCase], workdir: String) -> String? {
        var dirs = Set<String>()
        for test in tests {
            let path = absolute(test.uri, workdir: workdir)
            guard !systemPrefixes.contains(where: path.hasPrefix) else { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            dirs.insert(isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent)
        }
        guard var common = dirs.first.map({ $0.split(separator: "/").map(String.init) }) else { return nil }
        for dir in dirs {
            let parts = dir.split(separator: "/").map(String.init)
            var n = 0
            while n < min(common.count, parts.count) && common[n] == parts[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        return "/" + common.joined(separator: "/")
    }

    static func absolute(_ uri: String, workdir: String) -> String {
        let path = uri.hasPrefix("/") ? uri : workdir + "/" + uri
        return (path as NSString).standardizingPath
    }
}
