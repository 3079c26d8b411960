import Testing
@testable import QCoordCore

/// Replays the saved corpus of `make fuzz-tags` through the same entry points: `-t` values,
/// `AVOCADO_TAGS` and `:avocado: tags=` docstrings.
@Suite struct TagFilterFuzzReplayTests {
    @Test func everySavedInputParsesAndMatches() throws {
        let inputs = try FuzzCorpus.inputs("tags")
        #expect(inputs.count >= 10, "the saved tags corpus is missing")
        for (name, bytes) in inputs {
            let text = String(decoding: bytes, as: UTF8.self)
            let selection = QEMUTestSelection(environment: ["AVOCADO_TAGS": text])
            #expect(!selection.tagGroups.contains { group in
                group.isEmpty || group.unicodeScalars.contains { " \t\n\r".unicodeScalars.contains($0) }
            }, "\(name): AVOCADO_TAGS gave a group with a separator in it: \(selection.tagGroups)")
            let groups = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let filter = TagFilter(groups: groups, includeEmpty: true)
            #expect(filter.groups.map(\.text) == groups, "\(name)")
            _ = filter.warnings.map(\.description)
            #expect(filter.matches(Tags()), "\(name): include-empty keeps an untagged test")
            let directives = DocstringDirectives.directives(in: text)
            if case .success(let tags) = DocstringDirectives.tags(from: directives) {
                // A filter made of the test's own flat keys keeps it.
                let own = TagFilter(groups: [tags.values.keys.sorted().filter { !$0.contains(",") && !$0.hasPrefix("-") && !$0.contains(":") }.joined(separator: ",")])
                if !tags.isEmpty, own.groups[0].text.split(separator: ",").count == tags.values.count {
                    #expect(own.matches(tags), "\(name): \(tags) does not match its own keys")
                }
            }
            _ = DocstringDirectives.dependencies(from: directives)
        }
    }
}
