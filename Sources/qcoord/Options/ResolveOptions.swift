import ArgumentParser
import QCoordCore

/// What to resolve and how to filter it: shared by `list` and `run`.
struct ResolveOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Test references: Python files (file.py, or file.py:REGEX to keep the Class.method ids REGEX matches), directories (walked recursively), executables.",
        discussion: "With no references and no -t, AVOCADO_TESTS (space-separated references) and AVOCADO_TAGS (space-separated -t groups) are read from the environment, as QEMU's 'make check-avocado' does.",
        valueName: "reference"))
    var references: [String] = []

    @Option(name: [.customShort("t"), .customLong("filter-by-tags")],
            help: ArgumentHelp(
                "Keep tests matching these tags: commas AND, repeated -t OR; 'key:val', '-tag' (lacks tag), 'key:-val'. Attach a value starting with '-': -t=-slow.",
                valueName: "tags"))
    var filterByTags: [String] = []

    @Flag(name: .customLong("filter-by-tags-include-empty"),
          help: "With -t, also keep tests that have no tags at all.")
    var filterByTagsIncludeEmpty = false

    @Flag(name: .customLong("filter-by-tags-include-empty-key"),
          help: "With -t, a 'key:val' item holds for a test that has no 'key' tag.")
    var filterByTagsIncludeEmptyKey = false

    @Flag(name: .customLong("ignore-missing-references"),
          help: "Go on (exit status unaffected) when a file could not be read or parsed, or a reference resolves to nothing: 'run' runs the tests that did resolve. Without it both fail the job (exit 2).")
    var ignoreMissingReferences = false

    @Option(name: .customLong("loaders"), parsing: .upToNextOption,
            help: ArgumentHelp(
                "Loaders in order of precedence: file, file.INSTRUMENTED, file.PyUNITTEST, file.SIMPLE, tap, 'external:RUNNER [ARGS]', 'external.EXTERNAL:RUNNER', @DEFAULT (every default loader not named: file, tap).",
                valueName: "loader"))
    var loaders: [String] = []

    /// The parsed `--loaders`, `@DEFAULT` not yet expanded; the defaults when none given.
    func loaderSpecs() throws -> [LoaderSpec] {
        if loaders.isEmpty { return LoaderSpec.defaultLoaders }
        return try loaders.map { text in
            switch LoaderSpec.parse(text) {
            case .success(let spec): return spec
            case .failure(let error):
                // `--loaders` takes every value up to the next option, references included.
                throw ValidationError("'--loaders': \(error) (test references go before '--loaders', or after '--')")
            }
        }
    }

    mutating func validate() throws {
        _ = try loaderSpecs()
        for value in filterByTags {
            if value.isEmpty {
                throw ValidationError("'-t/--filter-by-tags' needs a value such as 'arch:x86_64' or '-slow' (attach a leading '-': -t=-slow)")
            }
            if let message = TagFilter.usageError(value) { throw ValidationError(message) }
        }
    }

    /// `selection`, with the AVOCADO_TAGS words checked as `-t` values are (a usage error, exit 2).
    func checkedSelection(environment: [String: String]) throws -> (references: [String], filter: TagFilter) {
        let result = selection(environment: environment)
        for group in result.filter.groups {
            if let message = TagFilter.usageError(group.text) { throw ValidationError(message) }
        }
        return result
    }

    /// The references and tag groups to use, with the QEMU variables applied when neither
    /// references nor `-t` were given.
    func selection(environment: [String: String]) -> (references: [String], filter: TagFilter) {
        var references = self.references
        var groups = filterByTags
        if references.isEmpty && groups.isEmpty {
            let qemu = QEMUTestSelection(environment: environment)
            references = qemu.references
            groups = qemu.tagGroups
        }
        return (references, TagFilter(groups: groups, includeEmpty: filterByTagsIncludeEmpty,
                                      includeEmptyKey: filterByTagsIncludeEmptyKey))
    }
}
