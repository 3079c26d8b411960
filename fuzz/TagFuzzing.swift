import QCoordCore

/// The tag entry points driven by one fuzz input (shared with nothing else: the replay test
/// in Tests/QCoordCoreTests/Fuzz does the same through the test target).
enum TagFuzzing {
    static func exercise(_ text: String) {
        // As AVOCADO_TAGS (space-separated groups), and as -t values, one per line.
        let selection = QEMUTestSelection(environment: ["AVOCADO_TAGS": text, "AVOCADO_TESTS": text])
        let filters = [
            TagFilter(groups: selection.tagGroups),
            TagFilter(groups: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                      includeEmpty: true, includeEmptyKey: true),
        ]
        // As a docstring: its tags are then matched against the filters built from it.
        let directives = DocstringDirectives.directives(in: text)
        var candidates = [Tags(), Tags(["arch": ["x86_64"], "fast": []])]
        if case .success(let tags) = DocstringDirectives.tags(from: directives) { candidates.append(tags) }
        if case .success(let tags) = DocstringDirectives.tags(from: selection.tagGroups.map { "tags=" + $0 }) {
            candidates.append(tags)
        }
        _ = DocstringDirectives.dependencies(from: directives)
        for filter in filters {
            _ = filter.warnings.map(\.description)
            for tags in candidates { _ = filter.matches(tags) }
        }
    }
}
