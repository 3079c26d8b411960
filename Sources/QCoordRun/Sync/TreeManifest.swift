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

    /// Tree sync refuses a bigger tree unless `--max-sync-size` allows it.
    public static let defaultMaxBytes = 256 * 1024 * 1024

    /// The files of `root` that go to hosts (`TreeSelection`: git's list or a walk, ignore
    /// rules, never key material), read and hashed.
    public static func scan(root: String, maxBytes: Int = defaultMaxBytes) throws -> TreeManifest {
        try build(TreeSelection.select(root: root), maxBytes: maxBytes)
    }

    /// Reads and hashes a selection's files; refuses one over `maxBytes`, saying what to do.
    public static func build(_ selection: TreeSelection, maxBytes: Int) throws -> TreeManifest {
        let total = selection.totalBytes
        guard total <= maxBytes else {
            throw TreeSyncError("the test tree \(selection.root) holds \(ByteSize.format(total)) in \(selection.files.count) files, "
                + "over the \(ByteSize.format(maxBytes)) tree sync allows: name a smaller tree with '--tree DIR' "
                + "(or 'tree:' in the inventory), leave files out with a .qcoordignore there, give the hosts a "
                + "'workdir' that already holds the tree, or allow it with '--max-sync-size \(suggestedLimit(total))'")
        }
        return try build(root: selection.root, files: selection.files)
    }

    /// A round `--max-sync-size` value at least `bytes`.
    static func suggestedLimit(_ bytes: Int) -> String {
        let mib = (bytes + (1 << 20) - 1) >> 20
        return mib < 1024 ? "\(mib)M" : "\((mib + 1023) / 1024)G"
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
