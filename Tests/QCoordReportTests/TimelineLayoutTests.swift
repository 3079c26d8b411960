import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct TimelineLayoutTests {
    func t(_ uid: Int, _ host: String, _ start: Double, _ end: Double) -> TestResult {
        TestResult(uid: uid, id: "\(uid)", name: "\(uid)", kind: .simple, status: .pass,
                   actualTimeStart: start, actualTimeEnd: end, host: host)
    }

    @Test func packsOverlappingTestsIntoAsManyLanesAsThePeakConcurrency() {
        let layout = TimelineLayout(tests: [t(1, "h", 0, 5), t(2, "h", 1, 2), t(3, "h", 2, 6), t(4, "h", 5, 7), t(5, "h", 6, 8)])
        #expect(layout.lanes == [.init(host: "h", slot: 0), .init(host: "h", slot: 1)])
        #expect(layout.bars.map(\.lane) == [0, 1, 1, 0, 1])
        #expect(layout.span == 8)
    }

    @Test func backToBackTestsShareALane() {
        let layout = TimelineLayout(tests: [t(1, "h", 10, 12), t(2, "h", 12.0004, 13)], origin: 10)
        #expect(layout.lanes.count == 1)
        #expect(layout.bars[0].start == 0 && abs(layout.bars[1].start - 2.0004) < 1e-9)
    }

    @Test func hostsKeepTheirOrderAndSlotsAndUnknownHostsFollow() {
        let layout = TimelineLayout(tests: [t(1, "z", 0, 1), t(2, "b", 0, 1)],
                                    hosts: [JobHost(name: "b", arch: "x", slots: 3), JobHost(name: "a", arch: "y", slots: 1)])
        #expect(layout.lanes.map(\.host) == ["b", "b", "b", "a", "z"])
        #expect(layout.bars.first { $0.uid == 1 }?.lane == 4)
        #expect(layout.idleSeconds(host: "b") == 2)
        #expect(layout.idleSeconds(host: "a") == 1)
    }

    @Test func manyHosts() {
        var tests: [TestResult] = []
        for h in 0..<200 { for k in 0..<4 { tests.append(t(h * 4 + k + 1, "host\(h)", Double(k), Double(k) + 1.5)) } }
        let layout = TimelineLayout(tests: tests)
        #expect(layout.lanes.count == 400)
        #expect(layout.bars.count == 800)
        #expect(Set(layout.bars.map(\.lane)).count == 400)
    }
}
