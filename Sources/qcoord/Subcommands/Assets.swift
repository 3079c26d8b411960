import ArgumentParser
import Foundation
import QCoordCore
import QCoordRun

extension QCoord {
    /// `qcoord assets …`: what tests download (docs/assets.md). One subcommand per action;
    /// add new ones to `subcommands`.
    struct Assets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The files tests download (kernels, disk images), found statically in their code.",
            subcommands: [ListAssets.self, AssetsFetch.self]
        )
    }
}

extension QCoord.Assets {
    /// `qcoord assets list REFS… [-t tags] [--json FILE|-]`.
    struct ListAssets: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The unique assets of the selected tests, each with the tests that use it, then the uses not known statically.",
            discussion: """
                References and -t filters select tests as 'qcoord list' does. Assets are found without
                running anything: QEMU tests/functional 'Asset(url, hash)' class attributes and Avocado
                'self.fetch_asset(...)' calls whose arguments are literals or names bound once to
                literals (docs/assets.md).
                """)

        @OptionGroup var resolve: ResolveOptions

        @Option(name: .customLong("json"),
                help: ArgumentHelp("Write the assets as JSON to this file ('-' for standard output, instead of the listing).", valueName: "file"))
        var json: String?

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let (references, filter) = try resolve.checkedSelection(environment: environment)
            guard !references.isEmpty else {
                throw ValidationError("no test references given: pass test files or directories (e.g. 'qcoord assets list tests/functional')")
            }
            let resolver = TestResolver(tree: LocalSourceTree(), loaders: try resolve.loaderSpecs(),
                                        workingDirectory: FileManager.default.currentDirectoryPath)
            let resolution = resolver.resolve(references)
            let tests = resolution.entries.filter { $0.kind != .missing && filter.matches($0.tags) }
            let catalog = AssetCatalog(tests: tests)
            var standardError = FileHandle.standardError
            for warning in filter.warnings { print("warning: \(warning)", to: &standardError) }
            if json != "-" { FileHandle.standardOutput.write(Data(AssetsRenderer.text(catalog).utf8)) }
            if let json {
                let text = AssetsRenderer.json(catalog)
                if json == "-" {
                    FileHandle.standardOutput.write(Data(text.utf8))
                } else {
                    do {
                        try Data(text.utf8).write(to: URL(fileURLWithPath: json))
                    } catch {
                        print("error: cannot write '--json' file '\(json)': \(error.localizedDescription)", to: &standardError)
                        throw ExitCode.failure
                    }
                }
            }
            let check = ResolutionCheck(resolution, command: .list, ignoreMissingReferences: resolve.ignoreMissingReferences)
            for line in check.fileLines { print(line, to: &standardError) }
            if let summary = check.summaryLine { print(summary, to: &standardError) }
            if check.failsJob { throw ExitCode(2) }
        }
    }
}

/// The text and JSON forms of `qcoord assets list` (docs/assets.md).
enum AssetsRenderer {
    static func text(_ catalog: AssetCatalog) -> String {
        var out = ""
        for entry in catalog.assets {
            out += ListRenderer.assetLine(entry.asset) + "\n"
            for test in entry.tests { out += "  \(test)\n" }
        }
        if !catalog.unknown.isEmpty {
            out += "\nNOT KNOWN STATICALLY\n====================\n"
            for use in catalog.unknown { out += "\(use.test): \(use.reason)\n" }
        }
        out += "\n\(catalog.assets.count) assets used by \(catalog.testCount) tests; "
            + "\(catalog.unknown.count) uses not known statically in \(Set(catalog.unknown.map(\.test)).count) tests\n"
        return out
    }

    /// `{"assets": [{"url", "hash", "algorithm", "name", "locations", "tests"}], "unknown": [{"test", "reason"}]}`
    static func json(_ catalog: AssetCatalog) -> String {
        let quote = ListRenderer.quote
        func value(_ s: String?) -> String { s.map(quote) ?? "null" }
        let assets = catalog.assets.map { e -> String in
            let a = e.asset
            return "  {\"url\": \(value(a.url)), \"hash\": \(value(a.hash)), \"algorithm\": \(value(a.algorithm?.rawValue)), "
                + "\"name\": \(value(a.name)), \"locations\": [\(a.locations.map(quote).joined(separator: ", "))], "
                + "\"tests\": [\(e.tests.map(quote).joined(separator: ", "))]}"
        }
        let unknown = catalog.unknown.map { "  {\"test\": \(quote($0.test)), \"reason\": \(quote($0.reason))}" }
        func array(_ items: [String]) -> String { items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n]" }
        return "{\"assets\": " + array(assets) + ",\n\"unknown\": " + array(unknown) + "}\n"
    }
}
