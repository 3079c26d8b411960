import Testing
@testable import QCoordRun

@Test func slotsAreTheHostsOwnWithoutACap() {
    #expect(HostJob.slots(wanted: [2, 4, 1], maxTotal: nil) == [2, 4, 1])
    #expect(HostJob.slots(wanted: [2, 4, 1], maxTotal: 10) == [2, 4, 1])
}

@Test func aCapIsDealtOutOneSlotPerHostInTurn() {
    #expect(HostJob.slots(wanted: [2, 4, 1], maxTotal: 4) == [2, 1, 1])
    #expect(HostJob.slots(wanted: [2, 4, 1], maxTotal: 6) == [2, 3, 1])
    #expect(HostJob.slots(wanted: [3, 3, 3], maxTotal: 2) == [1, 1, 0])
}
