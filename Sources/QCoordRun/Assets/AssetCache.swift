import Foundation
import QCoordCore

/// The coordinator's asset cache on disk (layout: `AssetCacheLayout`, docs/assets-fetch.md):
/// verified files named by their digest, a JSON sidecar beside each, `.part` files of downloads
/// under way.
public struct AssetCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `~/qcoord/assets`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent("qcoord").appendingPathComponent("assets")
    }

    public func dataURL(_ item: AssetFetchItem) -> URL { directory.appendingPathComponent(AssetCacheLayout.dataPath(item)) }
    func sidecarURL(_ item: AssetFetchItem) -> URL { directory.appendingPathComponent(AssetCacheLayout.sidecarPath(item)) }
    func partURL(_ item: AssetFetchItem) -> URL { directory.appendingPathComponent(AssetCacheLayout.partPath(item)) }

    public func sidecar(_ item: AssetFetchItem) -> AssetSidecar? {
        guard let data = try? Data(contentsOf: sidecarURL(item)) else { return nil }
        return AssetSidecar.decode(data)
    }

    /// The item's file when it is in the cache: vouched for by its sidecar (size and digest), or
    /// hashed again when the sidecar is missing or stale (a file that does not match is removed).
    public func lookup(_ item: AssetFetchItem) -> (path: URL, sidecar: AssetSidecar)? {
        let path = dataURL(item)
        guard let size = Self.fileSize(path) else { return nil }
        let recorded = sidecar(item)
        if AssetCacheLayout.sidecarVouches(recorded, for: item, fileSize: size), let recorded { return (path, recorded) }
        guard let digest = Self.digest(of: path, item.algorithm), digest == item.hash else {
            try? FileManager.default.removeItem(at: path)
            return nil
        }
        let fresh = AssetSidecar(url: recorded?.url ?? item.urls.first ?? "", size: size, algorithm: item.algorithm, hash: item.hash,
                                 fetched: recorded?.fetched)
        try? write(fresh, for: item)
        return (path, fresh)
    }

    /// Makes `<algorithm>/` exist.
    func prepare(_ item: AssetFetchItem) throws {
        let dir = dataURL(item).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw AssetCacheError("cannot create the cache directory \(dir.path): \(error.localizedDescription)")
        }
    }

    /// Holds `<hex>.lock` (flock) while the item is fetched, so that two qcoord processes sharing a
    /// cache do not write the same `.part`: the second waits, then finds the file in the cache.
    /// Returns the descriptor to close.
    func lock(_ item: AssetFetchItem) async throws -> Int32 {
        let path = dataURL(item).path + ".lock"
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AssetCacheError("cannot create \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw AssetCacheError("cannot lock \(path): \(reason)")
            }
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                close(fd)
                throw error
            }
        }
        return fd
    }

    /// The verified `.part` becomes the item's file, with its sidecar.
    func commit(_ item: AssetFetchItem, url: String, size: Int) throws -> URL {
        let path = dataURL(item)
        if rename(partURL(item).path, path.path) != 0 {
            throw AssetCacheError("cannot move the download to \(path.path): \(String(cString: strerror(errno)))")
        }
        let formatter = ISO8601DateFormatter()
        try write(AssetSidecar(url: url, size: size, algorithm: item.algorithm, hash: item.hash, fetched: formatter.string(from: Date())), for: item)
        return path
    }

    private func write(_ sidecar: AssetSidecar, for item: AssetFetchItem) throws {
        let url = sidecarURL(item)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try Data(sidecar.encoded().utf8).write(to: temp)
        if rename(temp.path, url.path) != 0 { throw AssetCacheError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
    }

    static func fileSize(_ url: URL) -> Int? {
        var st = stat()
        guard stat(url.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// The hex digest of a file, read in 1 MiB pieces.
    static func digest(of url: URL, _ algorithm: AssetRef.Algorithm) -> String? {
        var digester = AssetDigester(algorithm)
        guard feed(url, into: &digester) else { return nil }
        return digester.finalizeHex()
    }

    /// Feeds a file's bytes to `digester`; false when it cannot be read.
    static func feed(_ url: URL, into digester: inout AssetDigester) -> Bool {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            if n == 0 { return true }
            buffer.withUnsafeBytes { digester.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}

/// The cache could not be written.
public struct AssetCacheError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
