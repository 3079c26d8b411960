import Testing
import QCoordCore

@Suite struct TimingsTests {
    @Test func unknownTestsGetTheMedian() {
        let t = Timings(["a": 1, "b": 3, "c": 10])
        #expect(t.expected(for: ["a", "x", "c"]) == [1, 5.5, 10])
        #expect(t.expected(for: ["x", "y"]) == [3, 3])
        #expect(Timings().expected(for: ["x"]) == [0])
        #expect(Timings.median([4, 1, 3]) == 3)
        #expect(Timings.median([]) == nil)
    }
}
