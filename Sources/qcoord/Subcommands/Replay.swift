import ArgumentParser
import Foundation
import QCoordCore
import QCoordReport
import QCoordRun

extension QCoord {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a recorded job's tests again, with its options, as a new job.",
            discussion: """
            As 'avocado replay': the tests come from the job's jobdata/replay.json (the resolved \
            list, arch matrix copies included), not from resolving the references again. With \
            '--failed', only the tests that did not succeed: FAIL, ERROR, INTERRUPTED, tests that \
            never started (SKIP by Ctrl-C, failfast or the job timeout; no host could run them) \
            and tests without a result (the coordinator died). PASS, WARN, and a SKIP or CANCEL \
            the test decided itself, are not run again.
            """
        )

        @Argument(help: ArgumentHelp("The job: its directory, 'latest', or a prefix of its id.", valueName: "JOB"))
        var job: String = "latest"

        @Flag(help: "Only the tests that did not succeed (see above).")
        var failed = false

        @Option(help: ArgumentHelp("Where job directories are and the new one goes (default: the recorded one, else ~/qcoord/job-results).",
                                   valueName: "DIR"))
        var jobResultsDir: String?

        @Option(help: ArgumentHelp("Hosts to use instead of the recorded ones.", valueName: "LIST"))
        var hosts: String?

        @Option(help: ArgumentHelp("An inventory to use instead of the recorded hosts.", valueName: "FILE"))
        var inventory: String?

        @Option(help: ArgumentHelp("known_hosts file instead of the recorded one.", valueName: "FILE"))
        var knownHosts: String?

        @Option(help: ArgumentHelp("Tests run at once, instead of the recorded limit.", valueName: "N"))
        var maxParallelTasks: Int?

        @Option(help: ArgumentHelp("Stream every job event as NDJSON to FILE ('-': stdout).", valueName: "FILE"))
        var jsonEvents: String?

        func validate() throws {
            if hosts != nil && inventory != nil {
                throw ValidationError("'--hosts' and '--inventory' cannot be combined; list the hosts in the inventory")
            }
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let cwd = FileManager.default.currentDirectoryPath
            var overrides = QCoord.Run.Overrides()
            overrides.hosts = hosts
            overrides.inventory = inventory.map { QCoord.Run.absolute($0, cwd: cwd) }
            overrides.knownHosts = knownHosts.map { QCoord.Run.absolute($0, cwd: cwd) }
            overrides.maxParallelTasks = maxParallelTasks
            overrides.jsonEvents = jsonEvents.map { $0 == "-" ? $0 : QCoord.Run.absolute($0, cwd: cwd) }
            overrides.jobResultsDir = jobResultsDir.map { QCoord.Run.absolute($0, cwd: cwd) }
            // The job is looked for in the config's or QCOORD_RESULTS_DIR's directory when not given
            // (docs/config.md); the new one goes where the recorded job's options (and the config) say.
            let settings = try ConfigDefaults.effective(jobResultsDir.map { [.jobResultsDir: $0] } ?? [:])
            try await QCoord.Run.again(source: job, resultsDir: ConfigDefaults.value(.jobResultsDir, settings), mode: failed ? .failed : .all,
                                       overrides: overrides)
        }
    }
}

/// A recorded job run again: what `Run.run()` takes instead of resolving references.
struct ReplayContext: Sendable {
    var record: JobRecord
    /// The arguments the run was parsed from (the recorded ones with the overrides).
    var arguments: [String]
    /// The tests to run: all of them for a resume (the finished ones are in `resume`).
    var tests: [TestCase]
    var resume: JobResume?
}

extension QCoord.Run {
    @TaskLocal static var replaying: ReplayContext?

    enum AgainMode: Sendable { case resume, all, failed }

    /// Options given to `run --resume` or `replay` that replace the recorded ones.
    struct Overrides: Sendable {
        var hosts: String?
        var inventory: String?
        var knownHosts: String?
        var maxParallelTasks: Int?
        var jsonEvents: String?
        var jobResultsDir: String?

        /// (options to drop from the recorded arguments, arguments to add).
        var edit: (remove: Set<String>, append: [String]) {
            var remove: Set<String> = [], append: [String] = []
            if hosts != nil || inventory != nil { remove.formUnion(["--hosts", "--inventory"]) }
            if let hosts { append += ["--hosts", hosts] }
            if let inventory { append += ["--inventory", inventory] }
            for (name, value) in [("--known-hosts", knownHosts), ("--max-parallel-tasks", maxParallelTasks.map(String.init)),
                                  ("--json-events", jsonEvents), ("--job-results-dir", jobResultsDir)] {
                if let value { remove.insert(name); append += [name, value] }
            }
            return (remove, append)
        }
    }

    /// `run --resume`'s own options that replace the recorded ones (relative paths made absolute
    /// here: the recorded arguments are parsed in the recorded directory).
    func resumeOverrides() -> Overrides {
        let cwd = FileManager.default.currentDirectoryPath
        var o = Overrides()
        o.hosts = hostOptions.hosts
        o.inventory = hostOptions.inventory.map { Self.absolute($0, cwd: cwd) }
        o.knownHosts = hostOptions.knownHosts.map { Self.absolute($0, cwd: cwd) }
        o.maxParallelTasks = maxParallelTasks
        o.jsonEvents = jsonEvents.map { $0 == "-" ? $0 : Self.absolute($0, cwd: cwd) }
        return o
    }

    /// `qcoord run`'s arguments as given (jobdata/replay.json records them).
    static func runArguments() -> [String] {
        let argv = Array(CommandLine.arguments.dropFirst())
        guard let i = argv.firstIndex(of: "run") else { return argv }
        return Array(argv[(i + 1)...])
    }

    /// The job `source` again: resumed in its directory, or replayed (all or the failed tests) as a new job.
    static func again(source: String, resultsDir: String?, mode: AgainMode, overrides: Overrides) async throws {
        let environment = ProcessInfo.processInfo.environment
        let cwd = FileManager.default.currentDirectoryPath
        let home = environment["HOME"] ?? NSHomeDirectory()
        let fail = { (text: String) -> ExitCode in
            Self.write(2, "qcoord: \(text)\n")
            return ExitCode(JobExitCode.jobFailed.rawValue)
        }
        let jobDir: String
        let record: JobRecord
        let journal: Journal
        var notes: [String]
        do {
            let base = Self.absolute(resultsDir ?? home + "/qcoord/job-results", cwd: cwd)
            jobDir = try JobArchive(base: base).resolve(source.contains("/") ? Self.absolute(source, cwd: cwd) : source)
            record = try JobRecord.load(jobDir: jobDir)
            (journal, notes) = try JobJournal.read(jobDir: jobDir, repair: mode == .resume)
        } catch {
            throw fail("\(error)")
        }
        let selection: ResumeSelection
        switch mode {
        case .resume: selection = .resume(tests: record.tests, journal: journal.results)
        case .failed: selection = .failed(tests: record.tests, journal: journal.results)
        case .all: selection = .all(tests: record.tests, journal: journal.results)
        }
        for r in selection.mismatched {
            notes.append("journal result \(r.id) matches no test of the recorded list (uid \(r.uid) is not \(r.name.debugDescription)): ignored")
        }
        for note in notes { Self.write(2, "warning: \(note)\n") }
        if selection.toRun.isEmpty && mode == .resume {
            // Nothing left to run: say so, never a silent job of 0 tests.
            if let end = JobEnd.load(jobDir: jobDir) {
                Self.write(1, "Job \(jobDir) is already complete: all \(record.tests.count) tests have their result; "
                           + "nothing to resume (exit code \(end.exitCode), as the job's)\n")
                if end.exitCode != 0 { throw ExitCode(end.exitCode) }
                return
            }
            Self.write(2, "Job \(jobDir): all \(record.tests.count) tests have their result but the job did not end: "
                       + "writing its report, running nothing\n")
        }
        if selection.toRun.isEmpty && mode == .failed {
            Self.write(1, "Every test of job \(jobDir) succeeded: nothing to replay\n")
            return
        }
        let (remove, append) = overrides.edit
        let arguments = ArgumentOverrides.apply(record.arguments, remove: remove, append: append)
        guard FileManager.default.changeCurrentDirectoryPath(record.workdir) else {
            throw fail("the job's working directory \(record.workdir) is gone: its relative paths cannot be resolved")
        }
        var command: QCoord.Run
        do {
            command = try QCoord.Run.parse(arguments)
        } catch {
            throw fail("the recorded arguments no longer parse (\(QCoord.Run.message(for: error))): \(arguments.joined(separator: " "))")
        }
        let context = ReplayContext(
            record: record, arguments: arguments,
            tests: mode == .resume ? record.tests : selection.toRun.map { record.tests[$0] },
            resume: mode == .resume ? JobResume(directory: jobDir, completed: selection.completed, notes: notes) : nil)
        if mode != .resume {
            Self.write(2, "SRC JOB    : \(jobDir) (\(context.tests.count) of \(record.tests.count) tests)\n")
        }
        try await Self.$replaying.withValue(context) { try await command.run() }
    }
}
