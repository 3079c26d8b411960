import Foundation
import QCoordCore

/// The files of a test tree that go to the hosts, and the key material left out (with why).
///
/// The candidates are git's list when the root is in a git work tree (tracked files plus
/// untracked ones not ignored: `git ls-files -co --exclude-standard -z`, run with
/// Foundation.Process) and git lists any file there, else a walk that leaves out
/// `TreeShipping.outsideGitRules`. A
/// `.qcoordignore` at the root adds rules. Each candidate then goes through
/// `TreeShipping.decide` (pure), which this type feeds with the first 4 KiB of the file.
public struct TreeSelection: Sendable, Equatable {
    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var reason: String
        /// `not synced (looks like a private key): PATH`
        public var line: String { "not synced (\(reason)): \(path)" }
    }

    public var root: String
    /// Relative, "/"-separated, sorted.
    public var files: [String]
    public var sizes: [String: Int]
    public var secrets: [Skipped]
    /// The candidates came from git.
    public var fromGit: Bool

    public var totalBytes: Int { sizes.values.reduce(0, +) }

    /// `root`'s files to ship (only those under the `within` directories, relative to it, when
    /// given). Throws when `root` is not a readable directory.
    public static func select(root: String, within: [String]? = nil) throws -> TreeSelection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TreeSyncError("the test tree \(root) is not a directory")
        }
        var rules = IgnoreRules()
        // A root git ignores as a whole (a QEMU tree unpacked under an ignored build/) lists
        // nothing there: it is not git's to decide, the walk and the built-in rules are.
        let gitFiles = gitListedFiles(root: root, within: within ?? ["."]).flatMap { $0.isEmpty ? nil : $0 }
        if gitFiles == nil { rules = TreeShipping.outsideGitRules }
        if let text = try? String(contentsOfFile: root + "/.qcoordignore", encoding: .utf8) {
            rules = rules.followed(by: IgnoreRules(text: text))
        }
        var candidates = gitFiles ?? (within ?? [""]).flatMap { sub in
            sub.isEmpty ? walk(root: root, rules: rules)
                : walk(root: root + "/" + sub, rules: rules, under: sub).map { sub + "/" + $0 }
        }
        if let within {
            candidates = candidates.filter { path in within.contains { path.hasPrefix($0 + "/") } }
        }
        let rootResolved = (root as NSString).resolvingSymlinksInPath
        var files: [String] = []
        var sizes: [String: Int] = [:]
        var secrets: [Skipped] = []
        for path in candidates.sorted() where sizes[path] == nil {
            let full = root + "/" + path
            // Regular files only (git lists submodules and deleted files too); symlinks only inside the tree.
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full) else { continue }
            var size = (attributes[.size] as? Int) ?? 0
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                let resolved = (full as NSString).resolvingSymlinksInPath
                guard resolved.hasPrefix(rootResolved + "/"),
                      let target = try? FileManager.default.attributesOfItem(atPath: resolved),
                      target[.type] as? FileAttributeType == .typeRegular else { continue }
                size = (target[.size] as? Int) ?? 0
            } else if attributes[.type] as? FileAttributeType != .typeRegular {
                continue
            }
            switch TreeShipping.decide(path, ignore: rules, head: { head(of: full) }) {
            case .ship:
                files.append(path)
                sizes[path] = size
            case .ignored:
                continue
            case .secret(let reason):
                secrets.append(Skipped(path: path, reason: reason))
            }
        }
        return TreeSelection(root: root, files: files, sizes: sizes, secrets: secrets, fromGit: gitFiles != nil)
    }

    /// The first 4 KiB of a file (empty when it cannot be read).
    static func head(of path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return Array((try? handle.read(upToCount: TreeShipping.headLength)) ?? Data())
    }

    /// git's files under `root` (relative to it), nil when `root` is not in a git work tree
    /// or git is not there.
    static func gitListedFiles(root: String, within: [String] = ["."]) -> [String]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root, "ls-files", "-co", "--exclude-standard", "-z", "--"] + within
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty }
    }

    /// Every file under `root` not below an ignored directory (the walk outside git); `under`:
    /// where `root` is in the tree the rules are for.
    static func walk(root: String, rules: IgnoreRules, under: String = "") -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let type = (try? FileManager.default.attributesOfItem(atPath: root + "/" + relative))?[.type] as? FileAttributeType
            if type == .typeDirectory {
                if rules.verdict(under.isEmpty ? relative : under + "/" + relative, isDirectory: true) == true { walker.skipDescendants() }
                continue
            }
            files.append(relative)
        }
        return files
    }
}
