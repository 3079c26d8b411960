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
        var hasher = SHA256()
        for e in self.entries { hasher.update(Array("\(e.path)\0\(e.digest)\0\(e.executable ? "x" : "-")\n".utf8)) }
        treeID = hasher.finalizeHex()
    }

    public var totalBytes: Int { entries.reduce(0) { $0 + $1.size } }

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
            entries.append(Entry(path: path, size: data.count, executable: executable, digest: SHA256.hex(data)))
        }
        return TreeManifest(entries: entries)
    }
}

/// A tree that cannot be synced, with why.
public struct TreeSyncError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
