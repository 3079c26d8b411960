import Testing
import QCoordCore

/// The gitignore subset of `.qcoordignore` (docs/tree-sync.md).
struct IgnoreRulesTests {
    @Test func nameOnlyPatternsMatchAtAnyDepth() {
        let rules = IgnoreRules(text: "*.log\n# a comment\n\ncore\n")
        #expect(rules.rules.count == 2)
        #expect(rules.isIgnored("a.log"))
        #expect(rules.isIgnored("deep/er/b.log"))
        #expect(rules.isIgnored("x/core"))
        #expect(rules.isIgnored("core/inside.py"), "a directory named core hides its files")
        #expect(!rules.isIgnored("a.log.txt"))
        #expect(!rules.isIgnored("corefile"))
    }

    @Test func trailingSlashMeansDirectoriesOnly() {
        let rules = IgnoreRules(patterns: ["out/"])
        #expect(rules.isIgnored("out/a.txt"))
        #expect(rules.isIgnored("x/out/y/z.txt"))
        #expect(!rules.isIgnored("out"), "a file named out is not a directory")
        #expect(rules.isIgnored("out", isDirectory: true))
    }

    @Test func leadingOrMiddleSlashAnchorsAtTheRoot() {
        let rules = IgnoreRules(patterns: ["/top.txt", "docs/*.html"])
        #expect(rules.isIgnored("top.txt"))
        #expect(!rules.isIgnored("sub/top.txt"))
        #expect(rules.isIgnored("docs/index.html"))
        #expect(!rules.isIgnored("x/docs/index.html"))
        #expect(!rules.isIgnored("docs/sub/index.html"), "* does not cross /")
    }

    @Test func doubleStarSpansDirectories() {
        let rules = IgnoreRules(patterns: ["**/cache", "logs/**", "a/**/b.txt"])
        #expect(rules.isIgnored("cache/x"))
        #expect(rules.isIgnored("p/q/cache/x"))
        #expect(rules.isIgnored("logs/1/2/3.txt"))
        #expect(!rules.isIgnored("logs", isDirectory: false))
        #expect(rules.isIgnored("a/b.txt"))
        #expect(rules.isIgnored("a/x/y/b.txt"))
        #expect(!rules.isIgnored("b.txt"))
    }

    @Test func negationReincludesButNotBelowAnExcludedDirectory() {
        let rules = IgnoreRules(patterns: ["*.bin", "!keep.bin", "data/", "!data/wanted.txt"])
        #expect(rules.isIgnored("x.bin"))
        #expect(!rules.isIgnored("keep.bin"))
        #expect(!rules.isIgnored("sub/keep.bin"))
        #expect(rules.isIgnored("data/wanted.txt"), "git cannot re-include a file below an excluded directory")
        // The last matching line decides.
        #expect(IgnoreRules(patterns: ["!a.txt", "a.txt"]).isIgnored("a.txt"))
    }

    @Test func classesQuestionMarksAndEscapes() {
        let rules = IgnoreRules(patterns: ["file[0-9].txt", "v?.dat", "[!a]z", "\\#hash", "\\!bang", "lit\\*"])
        #expect(rules.isIgnored("file7.txt"))
        #expect(!rules.isIgnored("fileA.txt"))
        #expect(rules.isIgnored("v1.dat"))
        #expect(!rules.isIgnored("v12.dat"))
        #expect(rules.isIgnored("bz"))
        #expect(!rules.isIgnored("az"))
        #expect(rules.isIgnored("#hash"))
        #expect(rules.isIgnored("!bang"))
        #expect(rules.isIgnored("lit*"))
        #expect(!rules.isIgnored("litx"))
    }

    @Test func trailingSpacesAndBlankLinesAreNothing() {
        let rules = IgnoreRules(text: "a.txt   \n   \n#x\n/\n")
        #expect(rules.rules.count == 1)
        #expect(rules.isIgnored("a.txt"))
    }

    @Test func laterRulesWin() {
        let rules = IgnoreRules(patterns: ["build*/"]).followed(by: IgnoreRules(patterns: ["!build-data/"]))
        #expect(rules.isIgnored("build/x.o"))
        #expect(!rules.isIgnored("build-data/x.json"))
    }
}
