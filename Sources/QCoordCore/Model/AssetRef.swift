/// A file a test downloads (a kernel, a disk image), as found statically in its code: Avocado's
/// `self.fetch_asset(...)` calls and QEMU tests/functional's `Asset(url, hash)` declarations
/// (docs/assets.md). Nothing is run to find it, so parts may be unknown: the test then fetches
/// on its own, as without qcoord.
public struct AssetRef: Sendable, Hashable, Codable {
    public enum Algorithm: String, Sendable, Hashable, Codable, CaseIterable {
        case sha1, sha256, sha512
    }

    /// Where it is downloaded from; nil when not known statically (see `unknown`).
    public var url: String?
    /// Avocado's `fetch_asset(name, locations=…)` form: a file name looked up at `locations`.
    public var name: String?
    /// Other URLs to try, in order (Avocado's `locations=`).
    public var locations: [String]
    /// Hex digest as declared; nil when none is declared or it is not known statically.
    public var hash: String?
    /// The digest's algorithm: as declared (`algorithm=`), else Avocado's default (sha1) or
    /// QEMU's `Asset` (sha256, sha512 for a 128-digit hash).
    public var algorithm: Algorithm?
    /// Bytes, when known (after a fetch, or declared).
    public var size: Int?
    /// Why the URL or hash cannot be known without running the test (a computed argument, …).
    public var unknown: String?

    public init(url: String? = nil, name: String? = nil, locations: [String] = [], hash: String? = nil,
                algorithm: Algorithm? = nil, size: Int? = nil, unknown: String? = nil) {
        self.url = url
        self.name = name
        self.locations = locations
        self.hash = hash
        self.algorithm = algorithm
        self.size = size
        self.unknown = unknown
    }

    /// The content key (`sha256:…`): the same bytes however they are named; nil without a hash.
    public var contentKey: String? {
        guard let hash, let algorithm else { return nil }
        return "\(algorithm.rawValue):\(hash.lowercased())"
    }

    /// Whether qcoord can fetch and verify it: a URL (or a name with locations) and a hash.
    public var isFetchable: Bool { unknown == nil && (url != nil || (name != nil && !locations.isEmpty)) && contentKey != nil }
}
