import Testing
import QCoordCore
import QCoordBench

@Suite struct MakespanBoundTests {
    static let all: Set<String> = ["a", "b", "c"]

    @Test func longestTestBounds() {
        let items = [MakespanBound.Item(duration: 10, hosts: Self.all), .init(duration: 1, hosts: Self.all)]
        #expect(MakespanBound.lowerBound(items, slots: ["a": 2, "b": 2, "c": 2]) == 10)
    }

    @Test func totalWorkOverSlotsBounds() {
        let items = (0..<12).map { _ in MakespanBound.Item(duration: 1, hosts: Self.all) }
        #expect(MakespanBound.lowerBound(items, slots: ["a": 2, "b": 2, "c": 2]) == 2)
    }

    @Test func archOnlySomeHostsRunBounds() {
        // 8 s of ppc64 work only host b can run (2 slots): 4 s, more than 10 s over 6 slots.
        let items = (0..<8).map { _ in MakespanBound.Item(duration: 1, hosts: ["b"]) }
            + [.init(duration: 2, hosts: Self.all)]
        #expect(MakespanBound.lowerBound(items, slots: ["a": 2, "b": 2, "c": 2]) == 4)
        #expect(MakespanBound.ratio(makespan: 5, items, slots: ["a": 2, "b": 2, "c": 2]) == 1.25)
    }

    @Test func simulationBeatsRoundRobinAndRespectsTheBound() {
        func caps(_ qemu: [String]) -> HostCapabilities {
            HostCapabilities(host: "h", arch: "x86_64", cpus: 2, kvm: false, python: "3", avocado: "113.0",
                             qemu: Dictionary(uniqueKeysWithValues: qemu.map { ($0, .init(path: "/q", version: "7")) }))
        }
        let hosts = [ScheduleSimulation.Host(name: "a", slots: 2, capabilities: caps(["x86_64", "aarch64"])),
                     .init(name: "b", slots: 2, capabilities: caps(["x86_64", "ppc64"])),
                     .init(name: "c", slots: 2, capabilities: caps(["x86_64", "aarch64"]))]
        var rng = SeededGenerator(seed: 7)
        let durations = (0..<60).map { _ in rng.logNormal(mean: 0.3, sigma: 0.8) }
        let tests = (0..<60).map { i in
            TestCase(kind: .simple, name: "s\(i)", uri: "s\(i)",
                     tags: Tags(i % 10 < 3 ? ["arch": [i % 2 == 0 ? "aarch64" : "ppc64"]] : [:]))
        }
        let items = ScheduleSimulation.boundItems(tests: tests, actual: durations, hosts: hosts)
        let bound = MakespanBound.lowerBound(items, slots: ["a": 2, "b": 2, "c": 2])
        let lpt = ScheduleSimulation.scheduler(tests: tests, actual: durations, expected: durations, hosts: hosts)
        let rr = ScheduleSimulation.roundRobin(tests: tests, actual: durations, hosts: hosts)
        #expect(lpt >= bound - 1e-9)
        #expect(lpt <= rr)
        #expect(lpt / bound < 1.2)
    }
}
