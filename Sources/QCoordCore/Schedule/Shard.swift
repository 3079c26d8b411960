/// One CI shard: `K/N`, 1-based as GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL`.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var total: Int

    public init(index: Int, total: Int) {
        self.index = index
        self.total = total
    }

    public var description: String { "\(index)/\(total)" }

    /// Why a `--shard` value is wrong.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case outOfRange(String)
        case missingEnvironment(String)

        public var description: String {
            switch self {
            case .malformed(let v):
                "'--shard \(v)': write K/N (e.g. 2/4, 1-based) or 'auto'"
            case .outOfRange(let v):
                "'--shard \(v)': K must be between 1 and N (1-based, as GitLab's CI_NODE_INDEX)"
            case .missingEnvironment(let what):
                "'--shard auto' needs CI_NODE_INDEX and CI_NODE_TOTAL (GitLab's 'parallel:' sets them): \(what)"
            }
        }
    }

    /// `K/N`, or `auto` from `CI_NODE_INDEX`/`CI_NODE_TOTAL` (both unset: the whole suite, nil).
    public static func parse(_ value: String, environment: [String: String]) throws(ParseError) -> Shard? {
        if value == "auto" {
            let index = environment["CI_NODE_INDEX"], total = environment["CI_NODE_TOTAL"]
            if index == nil && total == nil { return nil }
            guard let index, let total else {
                throw .missingEnvironment(index == nil ? "CI_NODE_INDEX is unset" : "CI_NODE_TOTAL is unset")
            }
            return try parse("\(index)/\(total)", environment: [:])
        }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { throw .malformed(value) }
        guard n >= 1, k >= 1, k <= n else { throw .outOfRange(value) }
        return Shard(index: k, total: n)
    }
}
