import ArgumentParser
import Foundation
import QCoordCore

/// INTERIM until the resolver's shared option group lands: references, `-t`, `--loaders`,
/// and a stand-in resolution that only knows executables (SIMPLE). Replaced at merge.
struct TestSelectionOptions: ParsableArguments {
    @Argument(help: "Test references (files, file.py:REGEX, executables).")
    var references: [String] = []

    @Option(name: [.customShort("t"), .customLong("filter-by-tags")], parsing: .singleValue,
            help: "Keep tests matching these tags (repeatable; groups are ORed, items in a group ANDed).")
    var tags: [String] = []

    @Option(help: "Loaders to use, in order.")
    var loaders: [String] = []

    enum Resolution {
        case tests([TestCase], references: [String])
        case nothingResolved(references: [String])
        case filteredOut
    }

    func resolveTests(environment: [String: String], workdir: String) -> Resolution {
        var refs = references
        if refs.isEmpty, let env = environment["AVOCADO_TESTS"] {
            refs = env.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        }
        var tests: [TestCase] = []
        for ref in refs {
            let path = ref.hasPrefix("/") ? ref : workdir + "/" + ref
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
               FileManager.default.isExecutableFile(atPath: path) {
                tests.append(TestCase(kind: .simple, name: ref, uri: ref))
            }
        }
        if tests.isEmpty { return .nothingResolved(references: refs) }
        return .tests(tests, references: refs)
    }
}
