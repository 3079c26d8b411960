import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport
import QCoordRun

extension QCoord {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run tests and write an Avocado-compatible job report.",
            discussion: """
            With no hosts configured the job runs on this machine, through the same agent remote \
            hosts use. Exit code: Avocado's bits (1 a test failed or errored, 2 the job failed, \
            4 internal error, 8 interrupted).
            """
        )

        @OptionGroup var resolve: ResolveOptions

        @OptionGroup(title: "Hosts") var hostOptions: HostOptions

        @OptionGroup(title: "Slurm") var slurmOptions: SlurmOptions

        @Flag(help: "Connect to the hosts (or start the local agent), print the plan (each test and the hosts that may run it with their qemu binary, and the tests none can run, with why), run nothing.")
        var dryRun = false

        @Option(help: ArgumentHelp("With '--dry-run': also write the plan as JSON to FILE (docs/plan.md); every run writes it to jobdata/plan.json.",
                                   valueName: "FILE"))
        var planJson: String?

        @Flag(name: .customLong("disable-sysinfo"),
              help: "Do not write sysinfo/<host>/ (each host's uname, CPU, memory, OS, qemu binaries and versions) into the job directory.")
        var disableSysinfo = false

        @Flag(name: .customLong("no-fetch"),
              help: "Do not fetch the tests' assets on the coordinator first: each test downloads its own, as without qcoord (docs/assets.md).")
        var noFetch = false

        @Option(name: .customLong("asset-cache"),
                help: ArgumentHelp("Where the coordinator keeps fetched assets (default ~/qcoord/assets).", valueName: "DIR"))
        var assetCache: String?

        @Option(help: ArgumentHelp("With hosts: the local directory synced to hosts without a 'workdir' (default: the deepest directory holding every test file); see docs/tree-sync.md.",
                                   valueName: "DIR"))
        var tree: String?

        @Option(help: ArgumentHelp("With hosts: refuse to sync a test tree bigger than SIZE (e.g. 64M, 1G; default 256M).",
                                   valueName: "SIZE"))
        var maxSyncSize: String?

        @OptionGroup(title: "Arch matrix, shards and scheduling") var schedule: ScheduleOptions

        @Option(name: [.customShort("p"), .customLong("test-parameter")], parsing: .singleValue,
                help: ArgumentHelp("A test parameter (repeatable), e.g. '-p qemu_bin=/usr/bin/qemu-system-x86_64'.", valueName: "K=V"))
        var parameters: [String] = []

        @Option(help: ArgumentHelp("Tests run at once: on the local host (default: its cpu count), or in total over all hosts (default: the sum of their slots).", valueName: "N"))
        var maxParallelTasks: Int?

        @Option(help: ArgumentHelp("A test's time limit in seconds, unless '-p timeout=' sets one.", valueName: "S"))
        var timeout: Double?

        @Option(help: ArgumentHelp("Interrupt running tests after this many seconds; the rest never run.", valueName: "S"))
        var jobTimeout: Double?

        @Option(help: ArgumentHelp("On SIGINT (Ctrl-C), SIGTERM or SIGHUP: how long running tests get to stop before they are ended INTERRUPTED and the report is written (a second signal: at once).",
                                   valueName: "S"))
        var interruptGrace: Double = 5

        @Flag(help: "Stop dispatching tests after the first FAIL or ERROR.")
        var failfast = false

        @Option(help: ArgumentHelp("Run a FAILed or ERRORed test again, up to N times, on another host when there is one; the last attempt decides (a pass after a failure is counted FLAKY).",
                                   valueName: "N"))
        var retries = 0

        @Option(help: ArgumentHelp("With hosts: how long tests only a lost host can run wait for it to come back (it is reconnected with backoff) before they end ERROR.",
                                   valueName: "S"))
        var hostGiveUp: Double = 60

        @Option(help: ArgumentHelp("Where job directories go (default: ~/qcoord/job-results).", valueName: "DIR"))
        var jobResultsDir: String?

        @Flag(help: "Make the job directory 0700 and its files 0600 (logs may hold secrets from the test environment); by default they are readable by others, as Avocado's (0755/0644, less the umask).")
        var privateResults = false

        @Option(help: ArgumentHelp("Also write results.json here ('-': stdout, the human output then goes to stderr).", valueName: "FILE"))
        var json: String?

        @Option(help: ArgumentHelp("Also write the JUnit results.xml here ('-': stdout, as --json).", valueName: "FILE"))
        var xunit: String?

        @Option(help: ArgumentHelp("Also write results.tap here ('-': stdout, as --json).", valueName: "FILE"))
        var tap: String?

        @Option(help: ArgumentHelp("Stream every job event as NDJSON to FILE ('-': stdout, the human output then goes to stderr); see docs/json-events.md.",
                                   valueName: "FILE"))
        var jsonEvents: String?

        @Flag(help: "Keep each host's scratch directory (every test's task-N/ with results, wd and tmp) after the job, and say where (Avocado's --keep-tmp).")
        var keepTmp = false

        @Flag(help: "Stream job.log to stdout instead of the human output (Avocado's --show-job-log): a line per test start and end, the agents' stderr. Warnings and errors still go to stderr.")
        var showJobLog = false

        @Option(help: ArgumentHelp("Colour the statuses and the summary: 'auto' on a terminal unless NO_COLOR is set, 'always', 'never'.",
                                   valueName: "WHEN"))
        var color: ColorMode = .auto

        @Option(parsing: .singleValue,
                help: ArgumentHelp("An environment variable for every test (repeatable).", valueName: "K=V"))
        var env: [String] = []

        @Option(help: ArgumentHelp("Python for the local agent and its Avocado (e.g. a venv's bin/python). Default: the first that imports Avocado of $VIRTUAL_ENV/bin/python, the venv 'qcoord deploy --local --with-avocado VERSION' made, then python3 on PATH.",
                                   valueName: "PATH"))
        var python: String?

        @Option(help: ArgumentHelp("Finish the job in DIR (a job directory, 'latest' or a job id prefix): run its recorded tests that have no result in its journal, in DIR, and write the full report. '--hosts', '--inventory', '--known-hosts', '--max-parallel-tasks' and '--json-events' given here replace the recorded ones.",
                                   valueName: "DIR"))
        var resume: String?

        mutating func validate() throws {
            try applyConfig()
            for p in parameters where ArchMatrix.splitParameters([p]) == nil {
                throw ValidationError("'-p \(p)': a test parameter is written KEY=VALUE (or ARCH:KEY=VALUE for one arch)")
            }
            for e in env where Self.splitPair(e) == nil {
                throw ValidationError("'--env \(e)': an environment variable is written KEY=VALUE")
            }
            if let n = maxParallelTasks, n < 1 {
                throw ValidationError("'--max-parallel-tasks' must be at least 1")
            }
            if let t = timeout, t <= 0 { throw ValidationError("'--timeout' must be a positive number of seconds") }
            if let t = jobTimeout, t <= 0 { throw ValidationError("'--job-timeout' must be a positive number of seconds") }
            if resume != nil && !resolve.references.isEmpty {
                throw ValidationError("'--resume' runs the job's recorded tests: give no test references")
            }
            if retries < 0 { throw ValidationError("'--retries' must be 0 or more") }
            if interruptGrace < 0 { throw ValidationError("'--interrupt-grace' must be 0 or more seconds") }
            if hostGiveUp < 0 { throw ValidationError("'--host-give-up' must be 0 or more seconds") }
            if let maxSyncSize, ByteSize.parse(maxSyncSize) == nil {
                throw ValidationError("'--max-sync-size \(maxSyncSize)': give a size such as 300K, 64M or 1G")
            }
            let toStdout = [("--json", json), ("--xunit", xunit), ("--tap", tap), ("--json-events", jsonEvents)].filter { $0.1 == "-" }
            if showJobLog, let first = toStdout.first {
                throw ValidationError("'--show-job-log' writes job.log to stdout: '\(first.0) -' cannot have it too")
            }
            if toStdout.count > 1 {
                throw ValidationError("only one of \(toStdout.map { "'\($0.0) -'" }.joined(separator: ", ")) can have stdout")
            }
            if planJson != nil && !dryRun {
                throw ValidationError("'--plan-json' goes with '--dry-run' (a run writes its plan to jobdata/plan.json)")
            }
        }

        func run() async throws {
            // A dead agent must show up as EPIPE on a write, not kill qcoord.
            signal(SIGPIPE, SIG_IGN)
            if let resume {
                // Replay.swift: the recorded run again, in its own directory.
                try await Self.again(source: resume, resultsDir: jobResultsDir, mode: .resume, overrides: resumeOverrides())
                return
            }
            let replaying = Self.replaying
            let environment = ProcessInfo.processInfo.environment
            let cwd = FileManager.default.currentDirectoryPath
            // On a terminal, tree sync's progress is one updating line on stderr.
            let status: (@Sendable (String?) -> Void)? = isatty(2) != 0 && environment["TERM"] != "dumb" && environment["QCOORD_PLAIN"] == nil
                ? { @Sendable (text: String?) in Self.write(2, "\r\u{1B}[K" + (text ?? "")) } : nil
            var console = Console(out: { Self.write(1, $0) }, err: { Self.write(2, $0) }, status: status)
            // report: with '--json-events -' (or '--json -', '--xunit -', '--tap -') stdout carries only that.
            if stdoutTaken { console = Console(out: { Self.write(2, $0) }, err: { Self.write(2, $0) }) }
            // --show-job-log: job.log on stdout instead of the human output (errors still on stderr).
            if showJobLog { console = Console(out: { _ in }, err: { Self.write(2, $0) }) }
            console.errStyle = TerminalStyle.decide(mode: color, isTerminal: isatty(2) != 0, environment: environment)
            console.style = stdoutTaken ? console.errStyle
                : TerminalStyle.decide(mode: color, isTerminal: isatty(1) != 0, environment: environment)

            var (references, filter) = try replaying.map { ($0.record.references, TagFilter(groups: [])) } ?? resolve.checkedSelection(environment: environment)
            var schedule = self.schedule
            if replaying == nil, references.isEmpty, let functional = Self.checkFunctionalDefault(schedule: schedule, environment: environment, cwd: cwd) {
                // `make check-functional`: the quick suites of QEMU's tests/functional, unless --suite says otherwise.
                references = [functional]
                if schedule.suite.isEmpty { schedule.suite = ["quick"] }
                console.err("qcoord: no test references: running \(functional) (suites \(schedule.suite.joined(separator: ",")))\n")
            }
            guard !references.isEmpty else {
                console.err(Self.noSuite)
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            for warning in filter.warnings { console.err("warning: \(warning)\n") }
            let resolver = TestResolver(tree: LocalSourceTree(), loaders: try resolve.loaderSpecs(), workingDirectory: cwd)
            let resolution = replaying.map { Resolution(entries: $0.tests) } ?? resolver.resolve(references)
            // ResolutionCheck (as `list`): files that could not be read or parsed are named and fail
            // the job at its end; as Avocado, a reference nothing resolves stops it before it starts
            // (both unless --ignore-missing-references).
            let check = ResolutionCheck(resolution, command: .run, ignoreMissingReferences: resolve.ignoreMissingReferences)
            for line in check.fileLines { console.err(line + "\n") }
            if let refusal = check.refusal {
                if let summary = check.summaryLine { console.err(summary + "\n") }
                console.err(refusal + "\n")
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            let selected = filter.isActive ? filter.apply(resolution.tests) : resolution.tests
            let (params, perArch) = ArchMatrix.splitParameters(parameters) ?? ([:], [:])
            if replaying == nil, let arches = ArchMatrix.parseArches(schedule.arch) {
                let normalized = ArchMatrix(arches: arches).arches
                for warning in ArchMatrix.sharedParameterWarnings(job: params, arches: normalized) { console.err("warning: \(warning)\n") }
            }
            let fileTimings = try schedule.loadTimings(cwd: cwd)
            // A replayed job's list is already the shard's (`--shard auto` may not parse where it is resumed).
            let shard = replaying == nil ? try schedule.parsedShard(environment: environment) : nil
            let tests = replaying?.tests ?? schedule.apply(selected, perArch: perArch, jobParams: params, shard: shard, timings: fileTimings)
            guard !tests.isEmpty else {
                console.err(Self.noSuite)
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            var extraEnv: [String: String] = [:]
            for e in env { if let (k, v) = Self.splitPair(e) { extraEnv[k] = v } }
            var config = RunConfiguration(
                params: params, env: replaying?.record.env ?? RunConfiguration.testEnvironment(from: environment, extra: extraEnv),
                timeout: timeout, jobTimeout: jobTimeout, failfast: failfast, workdir: cwd)
            config.archParams = perArch
            config.interruptGrace = interruptGrace
            config.retries = retries
            config.hostGiveUp = hostGiveUp
            var hostJob: HostJob?
            do {
                if let inventory = try hostOptions.loadInventory() {
                    hostJob = HostJob(inventory: inventory, settings: hostOptions.settings, maxTotal: maxParallelTasks)
                }
            } catch {
                console.err("qcoord: \(error)\n")
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            // Slurm (docs/slurm.md): `--slurm` or an inventory's `slurm:` section gives the hosts.
            let slurmJob = slurmOptions.job(inventory: hostJob?.inventory.slurm, arch: schedule.arch, maxTotal: maxParallelTasks,
                                            idleLimit: hostOptions.hostIdleLimit)
            if slurmJob != nil, hostJob?.inventory.hosts.isEmpty == false {
                console.err("qcoord: '--slurm' takes its hosts from Slurm: give no '--hosts' or inventory 'hosts:' with it\n")
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            if slurmJob == nil, let problem = slurmOptions.strayOptionsProblem {
                console.err("qcoord: \(problem)\n")
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            if slurmJob != nil { hostJob = nil }
            let history = Self.openHistory(environment: environment, console: console)
            config.schedule(timings: fileTimings, history: history, exclusiveTag: schedule.exclusiveTag)
            let home = environment["HOME"] ?? NSHomeDirectory()
            // The local agent's python (LocalPython: one decision); SSH hosts use their inventory's.
            let localPython = hostJob == nil
                ? LocalPythonProbe.choose(option: python.map { $0.contains("/") ? Self.absolute($0, cwd: cwd) : $0 }, environment: environment)
                : LocalPython.Candidate(python: python ?? "python3", source: python == nil ? .path : .option)
            var request = JobRequest(
                tests: tests, references: references,
                resultsBase: Self.absolute(jobResultsDir ?? home + "/qcoord/job-results", cwd: cwd),
                // Absolute: the agent runs tests from other directories.
                python: localPython.python, slots: maxParallelTasks ?? ProcessInfo.processInfo.activeProcessorCount,
                configuration: config,
                jsonPath: json.map { $0 == "-" ? $0 : Self.absolute($0, cwd: cwd) },
                xunitPath: xunit.map { $0 == "-" ? $0 : Self.absolute($0, cwd: cwd) },
                tapPath: tap.map { $0 == "-" ? $0 : Self.absolute($0, cwd: cwd) },
                cmdline: CommandLine.arguments, args: argsRecord(params: params).merging(schedule.argsRecord(shard: shard)) { _, new in new },
                hosts: hostJob)
            request.slurm = slurmJob
            request.args.merge(slurmOptions.argsRecord()) { _, new in new }
            request.record = JobRecord(arguments: replaying?.arguments ?? Self.runArguments(), workdir: cwd,
                                       references: references, env: config.env, tests: tests)
            request.resume = replaying?.resume
            request.functionalTargetsFromHosts = replaying == nil && schedule.arch.isEmpty
            request.resolutionErrors = check.unreadable
            request.resolutionErrorsFailJob = check.failsJob
            request.sysinfo = !disableSysinfo
            request.dryRun = dryRun
            if privateResults { request.reportModes = .private }
            if showJobLog { request.jobLogEcho = { Self.write(1, $0) } }
            request.keepTmp = keepTmp
            request.treeRoot = tree.map { Self.absolute($0, cwd: cwd) }
            if let size = maxSyncSize.flatMap(ByteSize.parse) { request.maxSyncBytes = size }
            request.pythonSource = localPython.source.rawValue
            if hostJob == nil { request.args["python"] = localPython.python }
            request.planJSONPath = planJson.map { Self.absolute($0, cwd: cwd) }
            request.assetCache = noFetch ? nil
                : assetCache.map { Self.absolute($0, cwd: cwd) } ?? AssetCache.defaultDirectory(environment: environment).path
            // report: live progress on a terminal, --json-events (Run+Events.swift).
            let (jobConsole, events, ticker) = try eventSinks(console: console, tests: tests, history: config.timings.durations,
                                                              environment: environment, cwd: cwd)
            let code = await JobRunner.run(request, console: jobConsole, interrupts: Self.interrupts(), events: events)
            ticker?.cancel()
            if code != .success { throw ExitCode(code.rawValue) }
        }

        /// With no references, `--suite` or a `QEMU_TEST_*` variable set: the tree's
        /// tests/functional (here, or in the parent of a build directory), nil when there is none.
        static func checkFunctionalDefault(schedule: ScheduleOptions, environment: [String: String], cwd: String) -> String? {
            guard !schedule.suite.isEmpty || environment.keys.contains(where: { $0.hasPrefix("QEMU_TEST_") }) else { return nil }
            for candidate in ["tests/functional", "../tests/functional"] {
                if FileManager.default.fileExists(atPath: cwd + "/" + candidate + "/qemu_test/__init__.py") { return candidate }
            }
            return nil
        }

        /// Fills '--inventory', '--known-hosts', '--python', '--job-results-dir' and '--arch' from the
        /// environment and the config files when not given (docs/config.md).
        mutating func applyConfig() throws {
            var flags: [SettingKey: String] = [:]
            flags[.inventory] = hostOptions.inventory
            flags[.knownHosts] = hostOptions.knownHosts
            flags[.python] = python
            flags[.jobResultsDir] = jobResultsDir
            if !schedule.arch.isEmpty { flags[.arch] = schedule.arch.joined(separator: ",") }
            // '--hosts' or '--slurm' names this run's hosts: no inventory from a file or the environment.
            let settings = try ConfigDefaults.effective(flags, hostsFlag: hostOptions.hosts != nil || slurmOptions.slurm)
            jobResultsDir = ConfigDefaults.value(.jobResultsDir, settings)
            // '--resume': only where to find the job; its recorded options get the config when parsed
            // again (an inventory filled in here would replace the recorded hosts).
            if resume != nil { return }
            hostOptions.inventory = ConfigDefaults.value(.inventory, settings)
            hostOptions.knownHosts = ConfigDefaults.value(.knownHosts, settings)
            python = ConfigDefaults.value(.python, settings)
            if schedule.arch.isEmpty, let arch = ConfigDefaults.value(.arch, settings) { schedule.arch = [arch] }
        }

        /// `--json -`, `--xunit -`, `--tap -` or `--json-events -`: stdout carries that alone.
        var stdoutTaken: Bool { [json, xunit, tap, jsonEvents].contains("-") }

        /// No live line: stdout carries a report, the events or job.log.
        var stdoutBusy: Bool { stdoutTaken || showJobLog }

        static let noSuite = "Test Suite could not be created. No test references provided nor any other arguments resolved into tests\n"

        func argsRecord(params: [String: String]) -> [String: String] {
            var args: [String: String] = ["failfast": String(failfast), "python": python ?? "python3"]
            if let maxParallelTasks { args["max_parallel_tasks"] = String(maxParallelTasks) }
            if let hosts = hostOptions.hosts { args["hosts"] = hosts }
            if let inventory = hostOptions.inventory { args["inventory"] = inventory }
            if let timeout { args["timeout"] = String(timeout) }
            if let tree { args["tree"] = tree }
            if let maxSyncSize { args["max_sync_size"] = maxSyncSize }
            if let jobTimeout { args["job_timeout"] = String(jobTimeout) }
            if retries > 0 { args["retries"] = String(retries) }
            for (k, v) in params { args["param." + k] = v }
            return args
        }

        static func splitPair(_ s: String) -> (String, String)? {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { return nil }
            return (String(s[..<eq]), String(s[s.index(after: eq)...]))
        }

        static func absolute(_ path: String, cwd: String) -> String {
            if path.hasPrefix("/") { return path }
            if path == "~" || path.hasPrefix("~/") {
                return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
            }
            return cwd + "/" + path
        }

        /// One element per SIGINT, SIGTERM (a CI cancel) or SIGHUP, read from dispatch sources (a
        /// plain handler may not touch Swift state).
        static func interrupts() -> AsyncStream<BookSignal> {
            let (stream, sink) = AsyncStream<BookSignal>.makeStream()
            let queue = DispatchQueue(label: "qcoord.signals")
            var sources: [any DispatchSourceSignal] = []
            for (number, signal) in [(SIGINT, BookSignal.interrupt), (SIGTERM, .terminate), (SIGHUP, .hangup)] {
                Glibc.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { sink.yield(signal) }
                source.resume()
                sources.append(source)
            }
            let holder = SignalSourceHolder(sources: sources)
            sink.onTermination = { _ in for s in holder.sources { s.cancel() } }
            return stream
        }

        static func write(_ fd: Int32, _ text: String) {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}

/// Keeps the signal sources alive for as long as the stream is.
/// @unchecked: the sources are only cancelled, and DispatchSource cancellation is thread-safe.
final class SignalSourceHolder: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(sources: [any DispatchSourceSignal]) { self.sources = sources }
}
