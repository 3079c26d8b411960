/// The unique assets of a selection of tests (`qcoord assets list`, docs/assets.md): each asset
/// once, with the tests that use it, then the uses that cannot be known statically.
///
/// Two uses are one asset when they have the same content key (algorithm and hash): the first
/// URL met names it, the others are added to its `locations` (the same bytes are at each).
/// Without a hash, the URL (else the name and locations) identifies it.
public struct AssetCatalog: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var asset: AssetRef
        /// Test names in selection order, each once.
        public var tests: [String]
    }

    public struct UnknownUse: Sendable, Hashable {
        public var test: String
        public var reason: String
    }

    public var assets: [Entry] = []
    public var unknown: [UnknownUse] = []

    public init(tests: [TestCase]) {
        var index: [String: Int] = [:]
        for test in tests {
            for asset in test.assets ?? [] {
                if let reason = asset.unknown {
                    let use = UnknownUse(test: test.name, reason: reason)
                    if !unknown.contains(use) { unknown.append(use) }
                    continue
                }
                guard let key = Self.key(asset) else { continue }
                if let at = index[key] {
                    var entry = assets[at]
                    if !entry.tests.contains(test.name) { entry.tests.append(test.name) }
                    for url in [asset.url].compactMap({ $0 }) + asset.locations
                    where url != entry.asset.url && !entry.asset.locations.contains(url) {
                        entry.asset.locations.append(url)
                    }
                    assets[at] = entry
                } else {
                    index[key] = assets.count
                    assets.append(Entry(asset: asset, tests: [test.name]))
                }
            }
        }
    }

    /// What makes two uses one asset: the content key, else the URL, else name and locations.
    static func key(_ asset: AssetRef) -> String? {
        if let content = asset.contentKey { return content }
        if let url = asset.url { return "url:" + url }
        if let name = asset.name { return "name:" + ([name] + asset.locations).joined(separator: "\u{0}") }
        return nil
    }

    /// The tests with at least one asset known (no `unknown`).
    public var testCount: Int { Set(assets.flatMap(\.tests)).count }
}
