/// What `SFTPClient.stat` tells about a remote path.
public struct SFTPFileInfo: Sendable, Equatable {
    public var size: UInt64
    public var permissions: UInt32
    public var isDirectory: Bool
    public var isRegularFile: Bool
}
