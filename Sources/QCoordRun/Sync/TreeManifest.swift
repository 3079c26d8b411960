import Foundation
import QCoordCore

/// The files of a test tree, named by content: what a host needs to run tests from it.
public struct TreeManifest: Sendable, Hashable {
    public struct Entry: Sendable, Hashable, Codable {
        /// Relative to the tree's root, "/"-separated, never leaving it.
        public var path: String
        public var size: Int
        public var executable: Bool
        /// SHA-256, hex.
        public var digest: String
    }

    /// Sorted by path.
    public var entries: [Entry]
    /// SHA-256 of the entries: equal trees have equal ids, whatever their local location.
    public var treeID: String

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.path < $1.path }
        var hasher = ContentDigest.Hasher()
        for e in self.entries { hasher.update(Array("\(e.path)\0\(e.digest)\0\(e.executable ? "x" : "-")\n".utf8)) }
        treeID = hasher.finalizeHex()
    }

    public var totalBytes: Int { entries.reduce(0) { $0 + $1.size } }

    /// Every regular file under `root`, except version-control and cache directories
    /// (`.git`, `__pycache__`, any dot-directory) and `*.pyc`: the tests, their sibling
    /// modules and their data dirs. Symlinks are followed only inside the tree.
    public static func scan(root: String, maxBytes: Int = 512 * 1024 * 1024) throws -> TreeManifest {
        var files: [String] = []
        var total = 0
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw TreeSyncError("cannot read the directory \(root)")
        }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let full = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if name.hasPrefix(".") || name == "__pycache__" { walker.skipDescendants() }
                continue
            }
            if name.hasSuffix(".pyc") { continue }
            let resolved = (full as NSString).resolvingSymlinksInPath
            let rootResolved = (root as NSString).resolvingSymlinksInPath
            guard resolved.hasPrefix(rootResolved + "/") else { continue }
            total += ((try? FileManager.default.attributesOfItem(atPath: full)[.size]) as? Int) ?? 0
            if total > maxBytes {
                throw TreeSyncError("the test tree \(root) is over \(maxBytes / 1024 / 1024) MiB; give the hosts a 'workdir' that already holds it")
            }
            files.append(relative)
        }
        return try build(root: root, files: files)
    }

    /// Reads and hashes `files` (relative to `root`).
    public static func build(root: String, files: [String]) throws -> TreeManifest {
        var entries: [Entry] = []
        var seen = Set<String>()
        for file in files {
            let parts = file.split(separator: "/").filter { $0 != "." }
            guard !file.hasPrefix("/"), !parts.isEmpty, !parts.contains("..") else {
                throw TreeSyncError("'\(file)' is not a path inside the tree \(root)")
            }
            let path = parts.joined(separator: "/")
            guard seen.insert(path).inserted else { continue }
            let full = root + "/" + path
            guard let data = FileManager.default.contents(atPath: full) else {
                throw TreeSyncError("cannot read \(full)")
            }
            let executable = FileManager.default.isExecutableFile(atPath: full)
            entries.append(Entry(path: path, size: data.count, executable: executable, digest: ContentDigest.hex(data)))
        }
        return TreeManifest(entries: entries)
    }
}

/// A tree that cannot be synced, with why.
public struct TreeSyncError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
