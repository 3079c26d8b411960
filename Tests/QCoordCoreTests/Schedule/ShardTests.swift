import Testing
import QCoordCore

@Suite struct ShardTests {
    static let ids = (0..<97).map { "tests/t\($0 % 7).py:T.test_\($0)" }

    @Test func parsesKOverNAndAuto() throws {
        #expect(try Shard.parse("2/4", environment: [:]) == Shard(index: 2, total: 4))
        #expect(try Shard.parse("auto", environment: ["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "5"]) == Shard(index: 3, total: 5))
        #expect(try Shard.parse("auto", environment: [:]) == nil)
        #expect(throws: Shard.ParseError.outOfRange("0/2")) { try Shard.parse("0/2", environment: [:]) }
        #expect(throws: Shard.ParseError.outOfRange("3/2")) { try Shard.parse("3/2", environment: [:]) }
        #expect(throws: Shard.ParseError.malformed("2")) { try Shard.parse("2", environment: [:]) }
        #expect(throws: Shard.ParseError.missingEnvironment("CI_NODE_TOTAL is unset")) {
            try Shard.parse("auto", environment: ["CI_NODE_INDEX": "1"])
        }
    }

    @Test(arguments: [1, 2, 3, 5, 8])
    func everyTestInExactlyOneShard(total: Int) {
        for timings in [nil, Timings(["tests/t1.py:T.test_1": 30, "tests/t2.py:T.test_2": 1])] {
            let bins = Sharder.split(Self.ids, total: total, timings: timings)
            #expect(bins.count == total)
            #expect(bins.flatMap { $0 }.sorted() == Array(Self.ids.indices))
        }
    }

    @Test func hashSplitIsDeterministicBalancedAndOrderIndependent() {
        let a = Sharder.split(Self.ids, total: 4)
        #expect(a == Sharder.split(Self.ids, total: 4))
        let sizes = a.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        // The same tests listed in another order land in the same shards.
        let reversed = Array(Self.ids.reversed())
        let b = Sharder.split(reversed, total: 4)
        #expect(a.map { Set($0.map { Self.ids[$0] }) } == b.map { Set($0.map { reversed[$0] }) })
        // FNV-1a is fixed: "a" → 0xaf63dc4c8601ec8c.
        #expect(Sharder.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test func timedSplitBalancesDurations() {
        let ids = (0..<10).map { "t\($0)" }
        let durations: [Double] = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
        let timings = Timings(Dictionary(uniqueKeysWithValues: zip(ids, durations)))
        let bins = Sharder.split(ids, total: 2, timings: timings)
        let loads = bins.map { $0.map { durations[$0] }.reduce(0, +) }
        #expect(loads == [28, 27])
        #expect(Sharder.select(ids, shard: Shard(index: 2, total: 2), timings: timings) == bins[1])
        // One test of 100 s: it gets a shard to itself.
        var heavy = timings
        heavy.durations["t9"] = 100
        #expect(Sharder.split(ids, total: 2, timings: heavy).contains([9]))
    }
}
