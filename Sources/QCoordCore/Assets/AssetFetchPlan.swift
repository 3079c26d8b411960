/// What the coordinator fetches for a set of `AssetRef`s (docs/assets-fetch.md): one item per
/// content key (the same bytes are fetched once, whatever URLs or tests name them), with every
/// URL it may be had from, in order. Pure.
public struct AssetFetchItem: Sendable, Hashable, Codable {
    public var algorithm: AssetRef.Algorithm
    /// Lowercase hex, checked: `AssetCacheLayout.isDigest`.
    public var hash: String
    /// http(s) URLs to try, in order: the `url`, then Avocado's `locations`.
    public var urls: [String]
    /// Declared bytes, when known.
    public var size: Int?

    public init(algorithm: AssetRef.Algorithm, hash: String, urls: [String], size: Int? = nil) {
        self.algorithm = algorithm
        self.hash = hash.lowercased()
        self.urls = urls
        self.size = size
    }

    /// `sha256:<hex>`, as `AssetRef.contentKey`.
    public var contentKey: String { "\(algorithm.rawValue):\(hash)" }
}

public struct AssetFetchPlan: Sendable, Equatable {
    /// Unique by content key, in first-seen order.
    public var items: [AssetFetchItem]
    /// Assets qcoord cannot fetch and verify (the test fetches them itself), with why.
    public var skipped: [Skipped]

    public struct Skipped: Sendable, Equatable {
        public var asset: AssetRef
        public var reason: String

        public init(asset: AssetRef, reason: String) {
            self.asset = asset
            self.reason = reason
        }
    }

    public init(items: [AssetFetchItem] = [], skipped: [Skipped] = []) {
        self.items = items
        self.skipped = skipped
    }

    /// The plan for `assets` (any order, duplicates welcome).
    public static func make(_ assets: [AssetRef]) -> AssetFetchPlan {
        var plan = AssetFetchPlan()
        var index: [String: Int] = [:]
        var skippedSeen = Set<AssetRef>()
        for asset in assets {
            switch item(for: asset) {
            case .failure(let reason):
                if skippedSeen.insert(asset).inserted { plan.skipped.append(Skipped(asset: asset, reason: reason.text)) }
            case .success(let item):
                if let i = index[item.contentKey] {
                    for url in item.urls where !plan.items[i].urls.contains(url) { plan.items[i].urls.append(url) }
                    if plan.items[i].size == nil { plan.items[i].size = item.size }
                } else {
                    index[item.contentKey] = plan.items.count
                    plan.items.append(item)
                }
            }
        }
        return plan
    }

    public struct Reason: Error, Equatable { public var text: String }

    /// The fetch item of one asset, or why qcoord leaves it to the test.
    public static func item(for asset: AssetRef) -> Result<AssetFetchItem, Reason> {
        if let unknown = asset.unknown { return .failure(Reason(text: "not known statically: \(unknown)")) }
        guard let hash = asset.hash else { return .failure(Reason(text: "no hash declared: it could not be verified")) }
        guard let algorithm = asset.algorithm ?? AssetCacheLayout.algorithm(forHexLength: hash.count) else {
            return .failure(Reason(text: "hash '\(hash)' is not a sha1, sha256 or sha512 hex digest"))
        }
        guard AssetCacheLayout.isDigest(hash, algorithm) else {
            return .failure(Reason(text: "hash '\(hash)' is not a \(algorithm.rawValue) hex digest (\(AssetCacheLayout.hexLength(algorithm)) hex digits)"))
        }
        var candidates: [String] = []
        if let url = asset.url { candidates.append(url) }
        // Avocado: a `name` that is itself a URL is tried first, then each location.
        if let name = asset.name, name.contains("://") { candidates.append(name) }
        candidates += asset.locations
        var urls: [String] = []
        var other: [String] = []
        for url in candidates where !urls.contains(url) {
            if isHTTP(url) { urls.append(url) } else { other.append(url) }
        }
        guard !urls.isEmpty else {
            if let first = other.first { return .failure(Reason(text: "no http(s) URL (\(first))")) }
            return .failure(Reason(text: "no URL"))
        }
        return .success(AssetFetchItem(algorithm: algorithm, hash: hash, urls: urls, size: asset.size))
    }

    static func isHTTP(_ url: String) -> Bool {
        let lower = url.lowercased()
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && url.count > 8
    }
}
