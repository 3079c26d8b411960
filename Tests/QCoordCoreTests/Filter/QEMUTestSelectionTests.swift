import Testing
@testable import QCoordCore

@Suite struct QEMUTestSelectionTests {
    @Test("AVOCADO_TAGS: spaces separate OR groups, commas stay inside a group")
    func tags() {
        let selection = QEMUTestSelection(environment: ["AVOCADO_TAGS": "arch:x86_64,quick  machine:pc"])
        #expect(selection.tagGroups == ["arch:x86_64,quick", "machine:pc"])
        let filter = TagFilter(groups: selection.tagGroups)
        #expect(filter.matches(Tags(["machine": ["pc"]])))
        #expect(filter.matches(Tags(["arch": ["x86_64"], "quick": []])))
        #expect(!filter.matches(Tags(["arch": ["x86_64"]])))
    }

    @Test("AVOCADO_TESTS: space-separated references")
    func tests() {
        let selection = QEMUTestSelection(environment: ["AVOCADO_TESTS": " tests/a.py tests/b.py:B.test_x\tdir "])
        #expect(selection.references == ["tests/a.py", "tests/b.py:B.test_x", "dir"])
        #expect(selection.tagGroups.isEmpty)
    }

    @Test("absent or blank variables select nothing")
    func empty() {
        #expect(QEMUTestSelection(environment: [:]).isEmpty)
        #expect(QEMUTestSelection(environment: ["AVOCADO_TAGS": "  ", "AVOCADO_TESTS": ""]).isEmpty)
    }

    @Test("CRLF separates like LF (\"\\r\\n\" is one Swift Character; found by make fuzz-tags)")
    func crlf() {
        let selection = QEMUTestSelection(environment: ["AVOCADO_TAGS": "arch:x86_64\r\nquick\r", "AVOCADO_TESTS": "a.py\r\nb.py"])
        #expect(selection.tagGroups == ["arch:x86_64", "quick"])
        #expect(selection.references == ["a.py", "b.py"])
    }
}
