import Foundation

/// Where the coordinator's asset cache keeps things (docs/assets-fetch.md), relative to its
/// directory (default `~/qcoord/assets`):
///
///     sha256/<hex>          the verified bytes, named by their digest (stored once)
///     sha256/<hex>.json     the sidecar: AssetSidecar (a URL it came from, size, digest, when)
///     sha256/<hex>.part     a download in progress (resumed with an HTTP Range request)
///     sha256/<hex>.lock     held (flock) by the qcoord fetching it; left behind, empty
///
/// One directory per algorithm (sha1, sha256, sha512). The layout of `sha256/` is QEMU's own
/// download cache's (`~/.cache/qemu/download/<sha256 hex>`). Pure.
public enum AssetCacheLayout {
    public static func hexLength(_ algorithm: AssetRef.Algorithm) -> Int {
        switch algorithm {
        case .sha1: 40
        case .sha256: 64
        case .sha512: 128
        }
    }

    /// The algorithm a hex digest of this length is of (QEMU's `Asset`: sha256, sha512 for 128).
    public static func algorithm(forHexLength length: Int) -> AssetRef.Algorithm? {
        AssetRef.Algorithm.allCases.first { hexLength($0) == length }
    }

    /// Whether `hash` is a hex digest of `algorithm` (so it is safe as a file name).
    public static func isDigest(_ hash: String, _ algorithm: AssetRef.Algorithm) -> Bool {
        hash.utf8.count == hexLength(algorithm) && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
    }

    /// `sha256/<hex>`: the verified file of an item.
    public static func dataPath(_ item: AssetFetchItem) -> String { "\(item.algorithm.rawValue)/\(item.hash)" }
    public static func sidecarPath(_ item: AssetFetchItem) -> String { dataPath(item) + ".json" }
    public static func partPath(_ item: AssetFetchItem) -> String { dataPath(item) + ".part" }

    /// Whether the file found at `dataPath` can be used without reading it: the sidecar records
    /// this digest and the file's size. Otherwise the fetcher hashes it again (or fetches it).
    public static func sidecarVouches(_ sidecar: AssetSidecar?, for item: AssetFetchItem, fileSize: Int) -> Bool {
        guard let sidecar else { return false }
        return sidecar.algorithm == item.algorithm && sidecar.hash.lowercased() == item.hash && sidecar.size == fileSize
    }
}

/// `sha256/<hex>.json`, written once the bytes are verified.
public struct AssetSidecar: Sendable, Codable, Equatable {
    /// The URL it was fetched from.
    public var url: String
    public var size: Int
    public var algorithm: AssetRef.Algorithm
    public var hash: String
    /// ISO 8601, UTC.
    public var fetched: String?

    public init(url: String, size: Int, algorithm: AssetRef.Algorithm, hash: String, fetched: String? = nil) {
        self.url = url
        self.size = size
        self.algorithm = algorithm
        self.hash = hash
        self.fetched = fetched
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    public static func decode(_ bytes: some Collection<UInt8>) -> AssetSidecar? {
        try? JSONDecoder().decode(AssetSidecar.self, from: Data(bytes))
    }
}
