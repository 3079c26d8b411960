import Testing
import QCoordCore
@testable import QCoordReport

@Suite struct TerminalStyleTests {
    @Test func autoColoursOnlyATerminalWithoutNoColorOrDumbTerm() {
        #expect(TerminalStyle.decide(mode: .auto, isTerminal: true, environment: [:]).enabled)
        #expect(TerminalStyle.decide(mode: .auto, isTerminal: true, environment: ["TERM": "xterm-256color"]).enabled)
        // CI logs and pipes: never.
        #expect(!TerminalStyle.decide(mode: .auto, isTerminal: false, environment: [:]).enabled)
        // NO_COLOR set to anything non-empty (no-color.org); an empty one does not count.
        #expect(!TerminalStyle.decide(mode: .auto, isTerminal: true, environment: ["NO_COLOR": "1"]).enabled)
        #expect(TerminalStyle.decide(mode: .auto, isTerminal: true, environment: ["NO_COLOR": ""]).enabled)
        #expect(!TerminalStyle.decide(mode: .auto, isTerminal: true, environment: ["TERM": "dumb"]).enabled)
        #expect(!TerminalStyle.decide(mode: .auto, isTerminal: true, environment: ["QCOORD_PLAIN": "1"]).enabled)
    }

    @Test func alwaysAndNeverWinOverTheTerminalAndTheEnvironment() {
        #expect(TerminalStyle.decide(mode: .always, isTerminal: false, environment: ["NO_COLOR": "1"]).enabled)
        #expect(!TerminalStyle.decide(mode: .never, isTerminal: true, environment: [:]).enabled)
    }

    @Test func statusColoursAsAvocado() {
        let on = TerminalStyle(enabled: true)
        #expect(on.paint("PASS", TestStatus.pass) == "\u{1B}[32mPASS\u{1B}[0m")
        #expect(on.paint("FAIL", TestStatus.fail) == "\u{1B}[1;31mFAIL\u{1B}[0m")
        #expect(on.paint("ERROR", TestStatus.error) == "\u{1B}[1;31mERROR\u{1B}[0m")
        #expect(on.paint("INTERRUPTED", TestStatus.interrupted) == "\u{1B}[31mINTERRUPTED\u{1B}[0m")
        for s in [TestStatus.skip, .warn, .cancel] { #expect(on.paint("x", s) == "\u{1B}[33mx\u{1B}[0m") }
        #expect(TerminalStyle.plain.paint("FAIL", TestStatus.fail) == "FAIL")
        #expect(on.paint("", "32") == "")
    }

    @Test func fitCutsByVisibleColumns() {
        let on = TerminalStyle(enabled: true)
        let segments: [(text: String, sgr: String?)] = [("ab ", nil), ("cdef", "31"), (" gh", nil)]
        #expect(on.fit(segments, width: 10) == "ab \u{1B}[31mcdef\u{1B}[0m gh")
        #expect(on.fit(segments, width: 6) == "ab \u{1B}[31mcd\u{1B}[0m…")
        #expect(TerminalStyle.plain.fit(segments, width: 6) == "ab cd…")
        #expect(TerminalStyle.plain.fit(segments, width: 3) == "ab…")
    }
}
