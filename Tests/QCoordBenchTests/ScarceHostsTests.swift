import QCoordBench
import QCoordCore
import Testing

/// The scarce-hosts schedule in simulated time (deterministic, no clock): a host that alone can
/// run some tests keeps its slots for them (`make bench-schedule` prints the same scenario).
@Test func scarceHostsStayWithinFivePercentOfTheBound() {
    let hosts = [ScheduleSimulation.Host(name: "h1", slots: 2, capabilities: BenchHosts.caps("h1", arch: "x86_64", qemu: ["x86_64", "ppc"])),
                 .init(name: "h3", slots: 2, capabilities: BenchHosts.caps("h3", arch: "x86_64", qemu: ["x86_64"]))]
    let base: [Double] = [6, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    let cases = ArchMatrix(arches: ["x86_64", "ppc"]).expand(base.indices.map { TestCase(kind: .simple, name: "s\($0)", uri: "s\($0)") })
    let actual = cases.map { base[Int($0.baseName.dropFirst())!] * ($0.matrixArch == "ppc" ? 1.5 : 1) }
    let bound = MakespanBound.lowerBound(ScheduleSimulation.boundItems(tests: cases, actual: actual, hosts: hosts),
                                         slots: ["h1": 2, "h3": 2])
    let qcoord = ScheduleSimulation.scheduler(tests: cases, actual: actual, expected: actual, hosts: hosts)
    let naive = ScheduleSimulation.firstFree(tests: cases, actual: actual, hosts: hosts)
    #expect(qcoord / bound <= 1.05, "qcoord \(qcoord) s, bound \(bound) s")
    // The scenario does discriminate: the naive pull is well above the bound.
    #expect(naive / bound > 1.10, "first-free \(naive) s, bound \(bound) s")
}
