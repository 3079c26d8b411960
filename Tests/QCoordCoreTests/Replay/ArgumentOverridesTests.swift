import Testing
import QCoordCore

@Suite struct ArgumentOverridesTests {
    @Test func replacesBothSpellingsAndAppends() {
        let recorded = ["--inventory", "old.yaml", "-p", "k=v", "--hosts=a,b", "tests/", "--max-parallel-tasks", "4"]
        let out = ArgumentOverrides.apply(recorded, remove: ["--hosts", "--inventory"], append: ["--hosts", "c"])
        #expect(out == ["-p", "k=v", "tests/", "--max-parallel-tasks", "4", "--hosts", "c"])
    }

    @Test func referencesAfterDoubleDashAreKept() {
        let recorded = ["--timeout", "5", "--", "--hosts", "weird-file"]
        let out = ArgumentOverrides.apply(recorded, remove: ["--hosts", "--timeout"], append: ["--timeout", "9"])
        #expect(out == ["--timeout", "9", "--", "--hosts", "weird-file"])
    }

    @Test func nothingToReplaceLeavesTheArguments() {
        #expect(ArgumentOverrides.apply(["a", "-t", "x"], remove: [], append: []) == ["a", "-t", "x"])
    }
}
