import Testing
@testable import QCoordRun

@Suite struct KeptScratchNoteTests {
    @Test func oneLinePerHostInTheHumanOutputsStyle() {
        #expect(JobRunner.keptScratchNote([("local", "/tmp/qcoord-j-1"), ("h2", nil)])
                == "KEPT TMP   : local:/tmp/qcoord-j-1\nKEPT TMP   : h2:(its agent did not say where)")
        #expect(JobRunner.keptScratchNote([]) == nil)
    }
}
