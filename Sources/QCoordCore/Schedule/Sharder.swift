/// Splits a test list into CI shards: a pure function of the ids and the `--timings` given
/// (never of a local cache, which differs between CI jobs — every shard must compute the same split).
///
/// With timings: LPT — tests longest first (ties by id) each go to the least-loaded shard (ties:
/// the lowest), unknown tests weighing the median. Without: tests ordered by the FNV-1a hash of
/// their id (ties by id) and dealt round-robin, so shard sizes differ by at most one and a
/// test's shard does not depend on the order the tests were listed in.
public enum Sharder {
    /// For each shard (0-based), the indices of its tests in `ids`, ascending.
    public static func split(_ ids: [String], total: Int, timings: Timings? = nil) -> [[Int]] {
        precondition(total >= 1, "a split needs at least one shard")
        var bins = [[Int]](repeating: [], count: total)
        if let timings, !timings.isEmpty {
            let expected = timings.expected(for: ids)
            let order = ids.indices.sorted { a, b in
                expected[a] != expected[b] ? expected[a] > expected[b] : (ids[a] != ids[b] ? ids[a] < ids[b] : a < b)
            }
            var load = [Double](repeating: 0, count: total)
            for i in order {
                var best = 0
                for b in 1..<total where load[b] < load[best] { best = b }
                bins[best].append(i)
                load[best] += expected[i]
            }
        } else {
            let hashes = ids.map(fnv1a)
            let order = ids.indices.sorted { a, b in
                hashes[a] != hashes[b] ? hashes[a] < hashes[b] : (ids[a] != ids[b] ? ids[a] < ids[b] : a < b)
            }
            for (n, i) in order.enumerated() { bins[n % total].append(i) }
        }
        return bins.map { $0.sorted() }
    }

    /// The indices (ascending) of `shard`'s tests.
    public static func select(_ ids: [String], shard: Shard, timings: Timings? = nil) -> [Int] {
        split(ids, total: shard.total, timings: timings)[shard.index - 1]
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across runs and machines (Swift's Hasher is seeded per process).
    public static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in s.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}
