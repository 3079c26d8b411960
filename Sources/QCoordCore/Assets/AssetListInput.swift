import Foundation

/// `qcoord assets fetch --from-json FILE`: assets given as JSON rather than found in tests (CI
/// pre-warming a cache). A list of objects, or an object whose `assets` is that list; each
/// object has `url` (or `name` and `locations`), `hash`, and optionally `algorithm` (else from
/// the hash's length), `size`. Pure.
public enum AssetListInput {
    private struct Entry: Decodable {
        var url: String?
        var name: String?
        var locations: [String]?
        var hash: String?
        var algorithm: String?
        var size: Int?
        var unknown: String?
    }

    private struct Wrapped: Decodable { var assets: [Entry] }

    public static func decode(_ bytes: some Collection<UInt8>) -> Result<[AssetRef], AssetFetchPlan.Reason> {
        let data = Data(bytes)
        let entries: [Entry]
        if let list = try? JSONDecoder().decode([Entry].self, from: data) {
            entries = list
        } else {
            do {
                entries = try JSONDecoder().decode(Wrapped.self, from: data).assets
            } catch {
                return .failure(.init(text: "not a JSON list of {\"url\", \"hash\", \"algorithm\"} objects (nor {\"assets\": [...]}): \(error)"))
            }
        }
        var refs: [AssetRef] = []
        for (i, e) in entries.enumerated() {
            var algorithm: AssetRef.Algorithm?
            if let text = e.algorithm {
                guard let a = AssetRef.Algorithm(rawValue: text.lowercased()) else {
                    return .failure(.init(text: "entry \(i + 1): algorithm '\(text)' is not sha1, sha256 or sha512"))
                }
                algorithm = a
            } else if let hash = e.hash {
                algorithm = AssetCacheLayout.algorithm(forHexLength: hash.count)
            }
            refs.append(AssetRef(url: e.url, name: e.name, locations: e.locations ?? [], hash: e.hash,
                                 algorithm: algorithm, size: e.size, unknown: e.unknown))
        }
        return .success(refs)
    }
}
