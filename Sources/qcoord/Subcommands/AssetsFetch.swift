import ArgumentParser
import Foundation
import QCoordCore
import QCoordRun

extension QCoord {
    /// `qcoord assets fetch`: fetch every asset the tests declare once, on this machine, into the
    /// asset cache, verified (docs/assets-fetch.md).
    struct AssetsFetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fetch",
            abstract: "Download the assets the tests declare into the asset cache, verified against their hashes.",
            discussion: """
                References resolve as for 'qcoord list'; each asset with a URL and a hash is fetched once \
                (the same bytes are stored once, by digest), several at once, resuming partial downloads \
                with HTTP Range requests. Assets already in the cache are not fetched again. Proxies: \
                https_proxy, http_proxy, all_proxy, no_proxy. Exit 0 when every asset was fetched or \
                found in the cache, 1 when some failed (one line each). See docs/assets-fetch.md.
                """)

        @OptionGroup var resolve: ResolveOptions

        @Option(name: .customLong("asset-cache"),
                help: ArgumentHelp("The asset cache directory (default ~/qcoord/assets).", valueName: "dir"))
        var assetCache: String?

        @Option(name: .customLong("from-json"),
                help: ArgumentHelp("Also fetch the assets listed in this JSON file: [{\"url\", \"hash\", \"algorithm\"}, …] ('-' for standard input).", valueName: "file"))
        var fromJSON: [String] = []

        @Option(name: [.customShort("j"), .customLong("jobs")], help: "Downloads at once.")
        var jobs = 4

        @Flag(name: .customLong("json"), help: "Print the outcome of each asset as JSON on standard output (progress goes to standard error).")
        var json = false

        mutating func validate() throws {
            guard jobs >= 1 else { throw ValidationError("'--jobs' must be at least 1") }
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let environment = ProcessInfo.processInfo.environment
            var assets: [AssetRef] = []
            for file in fromJSON {
                let data: Data
                do {
                    data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
                } catch {
                    throw ValidationError("'--from-json': cannot read '\(file)': \(error.localizedDescription)")
                }
                switch AssetListInput.decode(data) {
                case .success(let refs): assets += refs
                case .failure(let reason): throw ValidationError("'--from-json' \(file): \(reason.text)")
                }
            }
            let (references, filter) = try resolve.checkedSelection(environment: environment)
            if !references.isEmpty {
                let resolver = TestResolver(tree: LocalSourceTree(), loaders: try resolve.loaderSpecs(),
                                            workingDirectory: FileManager.default.currentDirectoryPath)
                let resolution = resolver.resolve(references)
                let check = ResolutionCheck(resolution, command: .list, ignoreMissingReferences: resolve.ignoreMissingReferences)
                var standardError = FileHandle.standardError
                for line in check.fileLines { print(line, to: &standardError) }
                if check.failsJob {
                    if let summary = check.summaryLine { print(summary, to: &standardError) }
                    throw ExitCode(2)
                }
                let tests = filter.isActive ? filter.apply(resolution.tests) : resolution.tests
                assets += tests.flatMap { $0.assets ?? [] }
            } else if fromJSON.isEmpty {
                throw ValidationError("no test references and no '--from-json': pass test files or directories (e.g. 'qcoord assets fetch tests/functional'), or set AVOCADO_TESTS")
            }

            let plan = AssetFetchPlan.make(assets)
            let interactive = isatty(2) != 0 && environment["TERM"] != "dumb" && environment["QCOORD_PLAIN"] == nil
            let status: (@Sendable (String?) -> Void)? = interactive
                ? { @Sendable (text: String?) in QCoord.Run.write(2, "\r\u{1B}[K" + (text ?? "")) } : nil
            let human: Int32 = json ? 2 : 1
            let console = Console(out: { QCoord.Run.write(human, $0) }, err: { QCoord.Run.write(2, $0) }, status: status)
            for skip in plan.skipped {
                console.err("skipped \(skip.asset.url ?? skip.asset.name ?? "?"): \(skip.reason)\n")
            }
            let cache = AssetCache(directory: assetCache.map { URL(fileURLWithPath: $0) } ?? AssetCache.defaultDirectory(environment: environment))
            let fetcher = AssetFetcher(cache: cache, concurrency: jobs, environment: environment, console: console)
            let start = ContinuousClock.now
            let outcomes = await fetcher.fetch(plan.items)
            let wall = ContinuousClock.now - start
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            console.out(AssetFetchReport.summary(outcomes, skipped: plan.skipped.count, seconds: seconds) + "\n")
            if json { QCoord.Run.write(1, AssetFetchReport.json(outcomes, skipped: plan.skipped)) }
            if outcomes.contains(where: { $0.state == .failed }) { throw ExitCode(1) }
        }
    }
}
