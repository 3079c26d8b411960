#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import QCoordCore

/// The resolver's view of the local file system, straight on POSIX calls (`stat`, `opendir`,
/// `read`): resolution stats and reads hundreds of files, and Foundation's layers cost more
/// than the work itself there.
public struct LocalSourceTree: SourceTree {
    public init() {}

    public func status(of path: String) -> FileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        let mode = info.st_mode & S_IFMT
        let kind: FileStatus.Kind = mode == S_IFREG ? .regular : (mode == S_IFDIR ? .directory : .other)
        return FileStatus(kind: kind, ownerReadable: info.st_mode & S_IRUSR != 0,
                          ownerExecutable: info.st_mode & S_IXUSR != 0)
    }

    public func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        let hint = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 4096
        var bytes = [UInt8](repeating: 0, count: hint + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let n = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Reads and transforms the files on all cores (the resolver's scan of a whole tree).
    public func mapContents<T: Sendable>(of paths: [String], _ transform: @Sendable ([UInt8]) -> T) -> [T?] {
        guard paths.count > 1 else { return paths.map { contents(of: $0).map(transform) } }
        var results = [T?](repeating: nil, count: paths.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = Slots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: paths.count) { index in
                if let bytes = contents(of: paths[index]) { slots.buffer[index] = transform(bytes) }
            }
        }
        return results
    }

    /// Result slots shared with the workers of `mapContents`.
    /// `@unchecked Sendable`: each worker writes only its own index, and the buffer outlives
    /// `concurrentPerform`, which returns only when every worker is done.
    private struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
    }

    public func entries(of directory: String) -> [DirectoryEntry]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var result: [DirectoryEntry] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            switch Int32(type) {
            case Int32(DT_DIR):
                result.append(DirectoryEntry(name: name, isDirectory: true))
            case Int32(DT_REG), Int32(DT_FIFO), Int32(DT_SOCK), Int32(DT_CHR), Int32(DT_BLK):
                result.append(DirectoryEntry(name: name, isDirectory: false))
            default:
                // Links (and file systems that do not fill d_type): ask stat, which follows links.
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var info = stat()
                let isLink = Int32(type) == Int32(DT_LNK)
                let isDir = stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
                var linkInfo = stat()
                let reallyLink = isLink || (lstat(path, &linkInfo) == 0 && linkInfo.st_mode & S_IFMT == S_IFLNK)
                result.append(DirectoryEntry(name: name, isDirectory: isDir, isSymbolicLink: reallyLink))
            }
        }
        return result
    }
}
