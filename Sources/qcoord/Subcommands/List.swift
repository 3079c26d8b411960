import ArgumentParser
import Foundation
import QCoordCore
import QCoordRun

extension QCoord {
    /// `qcoord list`: resolve references statically and print the tests, as `avocado list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tests that references resolve to, without running anything.",
            discussion: """
                Resolution is static, exactly as Avocado's: Python files are scanned, never imported.
                Output: 'TYPE REFERENCE' lines; references nothing resolves are listed as MISSING.
                """)

        @OptionGroup var resolve: ResolveOptions

        @Flag(name: [.customShort("V"), .customLong("verbose")],
              help: "Also show tags, the loader of each test, why unresolved references were rejected, parse errors and summaries.")
        var verbose = false

        @Option(name: .customLong("json"),
                help: ArgumentHelp("Also write the tests as JSON to this file ('-' for standard output, instead of the listing).", valueName: "file"))
        var json: String?

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let (references, filter) = resolve.selection(environment: environment)
            guard !references.isEmpty else {
                throw ValidationError("no test references given: pass test files or directories (e.g. 'qcoord list tests/avocado'), or set AVOCADO_TESTS")
            }
            let resolver = TestResolver(tree: LocalSourceTree(), loaders: try resolve.loaderSpecs(),
                                        workingDirectory: FileManager.default.currentDirectoryPath)
            let resolution = resolver.resolve(references)
            let listing = ListRenderer(resolution: resolution, filter: filter)
            var standardError = FileHandle.standardError
            for warning in filter.warnings { print("warning: \(warning)", to: &standardError) }

            if json != "-" {
                FileHandle.standardOutput.write(Data((verbose ? listing.verbose() : listing.plain()).utf8))
            }
            if let json {
                let text = listing.json()
                if json == "-" {
                    FileHandle.standardOutput.write(Data(text.utf8))
                } else {
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: json))
                    } catch {
                        print("error: cannot write '--json' file '\(json)': \(error.localizedDescription); check that its directory exists and is writable", to: &standardError)
                        throw ExitCode.failure
                    }
                }
            }
        }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
