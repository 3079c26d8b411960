/// What `SFTPClient.stat` tells about a remote path.
public struct SFTPFileInfo: Sendable, Equatable {
    public var size: UInt64
    public var permissions: UInt32
    public var isDirectory: Bool
    public var isRegularFile: Bool
}

/// A regular file in a directory listing (`SFTPClient.listFiles`).
public struct SFTPDirectoryEntry: Sendable, Equatable {
    public var name: String
    public var size: UInt64
    /// Seconds since the epoch.
    public var mtime: Int
}
