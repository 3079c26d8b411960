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
                A file that could not be read or parsed is named on stderr (file:line: why) and makes
                the exit status 2, unless --ignore-missing-references.
                """)

        @OptionGroup var resolve: ResolveOptions

        @OptionGroup(title: "Arch matrix and shards") var schedule: ScheduleOptions

        @Option(name: [.customShort("p"), .customLong("test-parameter")], parsing: .singleValue,
                help: ArgumentHelp("With --arch: a parameter as 'run' takes it (ARCH:KEY=VALUE for one arch; 'machine' replaces the built-in machines).", valueName: "K=V"))
        var parameters: [String] = []

        @Flag(name: [.customShort("V"), .customLong("verbose")],
              help: "Also show tags, the loader of each test, why unresolved references were rejected, parse errors and summaries.")
        var verbose = false

        @Option(name: .customLong("json"),
                help: ArgumentHelp("Also write the tests as JSON to this file ('-' for standard output, instead of the listing).", valueName: "file"))
        var json: String?

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let (references, filter) = try resolve.checkedSelection(environment: environment)
            guard !references.isEmpty else {
                throw ValidationError("no test references given: pass test files or directories (e.g. 'qcoord list tests/avocado'), or set AVOCADO_TESTS")
            }
            let resolver = TestResolver(tree: LocalSourceTree(), loaders: try resolve.loaderSpecs(),
                                        workingDirectory: FileManager.default.currentDirectoryPath)
            let resolution = resolver.resolve(references)
            let listing = ListRenderer(resolution: resolution, filter: filter)
            // Files that could not be read or parsed: named, counted, exit 2 (ResolutionCheck, as `run`).
            let check = ResolutionCheck(resolution, command: .list, ignoreMissingReferences: resolve.ignoreMissingReferences)
            if !schedule.arch.isEmpty || schedule.shard != nil || !schedule.suite.isEmpty {
                try listJobTests(listing, environment: environment)
            } else {
                try listTests(listing, filter: filter)
            }
            var standardError = FileHandle.standardError
            for line in check.fileLines { print(line, to: &standardError) }
            if let summary = check.summaryLine { print(summary, to: &standardError) }
            if check.failsJob { throw ExitCode(2) }
        }

        func listTests(_ listing: ListRenderer, filter: TagFilter) throws {
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

extension QCoord.List {
    /// `--arch` / `--shard`: the tests a `run` with the same options would run (matrix copies,
    /// this shard only), in its order. MISSING references stay visible in every listing.
    func listJobTests(_ listing: ListRenderer, environment: [String: String]) throws {
        if json != nil { throw ValidationError("'--json' does not combine with '--arch' or '--shard' yet") }
        guard let (params, perArch) = ArchMatrix.splitParameters(parameters) else {
            throw ValidationError("'-p': a test parameter is written KEY=VALUE (or ARCH:KEY=VALUE for one arch)")
        }
        let shown = listing.shown
        let tests = shown.filter { $0.entry.kind != .missing }
        let loaders = Dictionary(tests.map { ($0.entry.name, $0.loader) }) { first, _ in first }
        let jobTests = schedule.apply(tests.map(\.entry), perArch: perArch, jobParams: params,
                                      shard: try schedule.parsedShard(environment: environment),
                                      timings: try schedule.loadTimings(cwd: FileManager.default.currentDirectoryPath))
        let missing = shown.filter { $0.entry.kind == .missing }.map(\.entry)
        var standardError = FileHandle.standardError
        for warning in try resolve.checkedSelection(environment: environment).1.warnings { print("warning: \(warning)", to: &standardError) }
        var rows: [[String]] = verbose ? [["Type", "Test", "Uri", "Loader", "Tag(s)", "Param(s)"]] : []
        for t in missing + jobTests {
            let params = (t.params ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            rows.append(verbose ? [t.kind.rawValue, t.name, t.uri, loaders[t.baseName] ?? "", t.tags.listDescription, params]
                                : [t.kind.rawValue, t.name])
        }
        FileHandle.standardOutput.write(Data(ListRenderer.table(rows).utf8))
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
