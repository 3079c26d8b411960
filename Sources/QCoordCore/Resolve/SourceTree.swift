/// What the resolver needs from a file system, so that resolution itself stays pure.
///
/// Paths are passed exactly as the resolver builds them: relative paths are relative to the
/// process's working directory, as with POSIX calls.
public protocol SourceTree: Sendable {
    /// `stat(2)` semantics: symbolic links are followed.
    func status(of path: String) -> FileStatus
    /// The whole content of a regular file, nil when it cannot be read.
    func contents(of path: String) -> [UInt8]?
    /// The entries of a directory (without `.` and `..`, in any order), nil when it cannot be listed.
    func entries(of directory: String) -> [DirectoryEntry]?
    /// `transform` of the contents of each file, nil where a file cannot be read, in the order
    /// of `paths`. A tree may read and transform several files at once (on all cores): the
    /// resolver scans a whole tree's modules through it ahead of need. The default does them
    /// one after the other, so resolution itself never needs a thread.
    func mapContents<T: Sendable>(of paths: [String], _ transform: @Sendable ([UInt8]) -> T) -> [T?]
}

extension SourceTree {
    public func mapContents<T: Sendable>(of paths: [String], _ transform: @Sendable ([UInt8]) -> T) -> [T?] {
        paths.map { contents(of: $0).map(transform) }
    }
}

/// The part of `stat(2)` resolution looks at.
public struct FileStatus: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case missing, regular, directory, other }
    public var kind: Kind
    /// The owner's read bit (Avocado checks `st_mode & S_IRUSR`, not access(2)).
    public var ownerReadable: Bool
    /// The owner's execute bit (`S_IXUSR`).
    public var ownerExecutable: Bool

    public init(kind: Kind, ownerReadable: Bool = true, ownerExecutable: Bool = false) {
        self.kind = kind
        self.ownerReadable = ownerReadable
        self.ownerExecutable = ownerExecutable
    }

    public static let missing = FileStatus(kind: .missing, ownerReadable: false)
    public var exists: Bool { kind != .missing }
}

/// One directory entry, as `os.scandir` reports it.
public struct DirectoryEntry: Sendable, Hashable {
    public var name: String
    /// True when the entry is a directory, following symbolic links.
    public var isDirectory: Bool
    /// True when the entry itself is a symbolic link (a linked directory is not walked into).
    public var isSymbolicLink: Bool

    public init(name: String, isDirectory: Bool, isSymbolicLink: Bool = false) {
        self.name = name
        self.isDirectory = isDirectory
        self.isSymbolicLink = isSymbolicLink
    }
}

/// An in-memory `SourceTree` for tests and for callers that already hold the files.
public struct InMemorySourceTree: SourceTree {
    public struct File: Sendable, Hashable {
        public var bytes: [UInt8]
        public var executable: Bool
        public var readable: Bool
        public init(_ text: String, executable: Bool = false, readable: Bool = true) {
            self.bytes = Array(text.utf8)
            self.executable = executable
            self.readable = readable
        }
        public init(bytes: [UInt8], executable: Bool = false, readable: Bool = true) {
            self.bytes = bytes
            self.executable = executable
            self.readable = readable
        }
    }

    /// Absolute, normalised paths to files.
    public var files: [String: File]
    /// Absolute directories (extra empty ones; parents of files exist implicitly).
    public var directories: Set<String>
    /// Relative paths given to the tree are relative to this directory.
    public var workingDirectory: String

    public init(files: [String: File] = [:], directories: Set<String> = [], workingDirectory: String = "/work") {
        self.workingDirectory = workingDirectory
        self.files = [:]
        self.directories = ["/"]
        for (path, file) in files { self.files[PathName.absolute(path, in: workingDirectory)] = file }
        for dir in directories { self.directories.insert(PathName.absolute(dir, in: workingDirectory)) }
        var dir = workingDirectory
        while dir != "/" && !dir.isEmpty { self.directories.insert(dir); dir = PathName.dirname(dir) }
        for path in Array(self.files.keys) + Array(self.directories) {
            var parent = PathName.dirname(path)
            while !parent.isEmpty && parent != "/" && !self.directories.contains(parent) {
                self.directories.insert(parent)
                parent = PathName.dirname(parent)
            }
        }
    }

    private func key(_ path: String) -> String { PathName.absolute(path, in: workingDirectory) }

    public func status(of path: String) -> FileStatus {
        let key = key(path)
        if let file = files[key] {
            return FileStatus(kind: .regular, ownerReadable: file.readable, ownerExecutable: file.executable)
        }
        if directories.contains(key) {
            return FileStatus(kind: .directory, ownerReadable: true, ownerExecutable: true)
        }
        return .missing
    }

    public func contents(of path: String) -> [UInt8]? {
        guard let file = files[key(path)], file.readable else { return nil }
        return file.bytes
    }

    public func entries(of directory: String) -> [DirectoryEntry]? {
        let dir = key(directory)
        guard directories.contains(dir) else { return nil }
        var result: [DirectoryEntry] = []
        for path in files.keys where PathName.dirname(path) == dir {
            result.append(DirectoryEntry(name: PathName.basename(path), isDirectory: false))
        }
        for path in directories where path != "/" && PathName.dirname(path) == dir {
            result.append(DirectoryEntry(name: PathName.basename(path), isDirectory: true))
        }
        return result
    }
}
