import ArgumentParser
import QCoordCore
import QCoordRun

/// Which copies of the tests a job runs and how they are spread: `--arch`, `--shard`,
/// `--timings`, `--exclusive-tag`. Shared by `list` and `run`.
struct ScheduleOptions: ParsableArguments {
    @Option(name: .customLong("arch"), parsing: .singleValue,
            help: ArgumentHelp("Run every test without an 'arch:' tag once per listed arch (test id 'file.py:Class.method;arch=A'), tagged tests only for their listed arches. Per-arch parameters: '-p A:key=value'.",
                               valueName: "A,B,…"))
    var arch: [String] = []

    @Option(name: .customLong("suite"), parsing: .singleValue,
            help: ArgumentHelp("QEMU tests/functional: only the tests of these meson suites ('quick' as 'make check-functional', 'thorough'); default both. Without test references, runs ./tests/functional.",
                               valueName: "quick|thorough"))
    var suite: [String] = []

    @Option(name: .customLong("shard"),
            help: ArgumentHelp("Only this CI shard of the tests: K/N (1-based, as GitLab), or 'auto' from CI_NODE_INDEX/CI_NODE_TOTAL. Balanced by '--timings' durations when given, else a stable hash split.",
                               valueName: "K/N|auto"))
    var shard: String?

    @Option(name: .customLong("timings"),
            help: ArgumentHelp("Expected test durations: a 'qcoord history --export' file or an earlier job's results.json. Sharding uses only this file.",
                               valueName: "FILE"))
    var timings: String?

    @Option(name: .customLong("exclusive-tag"),
            help: ArgumentHelp("Tests sharing a value of this tag (e.g. 'port:8080') never run at the same time on one host.",
                               valueName: "TAG"))
    var exclusiveTag: String?

    /// `--timings`, loaded (nil when not given).
    func loadTimings(cwd: String) throws -> Timings? {
        guard let timings else { return nil }
        do {
            return try TimingsFile.load(path: timings.hasPrefix("/") ? timings : cwd + "/" + timings)
        } catch {
            throw ValidationError("'--timings \(timings)': \(error)")
        }
    }

    /// `--suite`, parsed (nil: both). Call `validate` first.
    var speeds: Set<FunctionalSpeed>? { try? FunctionalMatrix.parseSuites(suite) }

    func validate() throws {
        do {
            _ = try FunctionalMatrix.parseSuites(suite)
        } catch {
            throw ValidationError("'--suite': \(error)")
        }
    }

    /// `--shard`, parsed (nil: the whole suite).
    func parsedShard(environment: [String: String]) throws -> Shard? {
        guard let shard else { return nil }
        do {
            return try Shard.parse(shard, environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The job's tests: the arch matrix applied, then this shard kept.
    func apply(_ tests: [TestCase], perArch: [String: [String: String]], jobParams: [String: String],
               shard: Shard?, timings: Timings?) -> [TestCase] {
        var out = tests
        // Without a matrix, 'A:k=v' reaches the tests that run as A through the job plan.
        let arches = ArchMatrix.parseArches(arch)
        if let arches {
            out = ArchMatrix(arches: arches, archParams: perArch).expand(out, jobParams: jobParams)
        }
        // FUNCTIONAL tests: one copy per meson target ('--arch' and '--suite' select).
        out = FunctionalMatrix(arches: arches, speeds: speeds).expand(out)
        if let shard {
            out = Sharder.select(out.map(\.name), shard: shard, timings: timings).map { out[$0] }
        }
        return out
    }
}

extension ScheduleOptions {
    /// jobdata/args.json entries (`qcoord merge` reads `shard` back to find missing shards).
    func argsRecord(shard: Shard?) -> [String: String] {
        var args: [String: String] = [:]
        if let shard { args["shard"] = shard.description }
        if !arch.isEmpty { args["arch"] = arch.joined(separator: ",") }
        if !suite.isEmpty { args["suite"] = suite.joined(separator: ",") }
        if let timings { args["timings"] = timings }
        if let exclusiveTag { args["exclusive_tag"] = exclusiveTag }
        return args
    }
}

extension QCoord.Run {
    /// The timing history, or nil (with a warning) when it cannot be opened: a job never fails for it.
    static func openHistory(environment: [String: String], console: Console) -> TimingHistory? {
        let path = TimingHistory.defaultPath(environment: environment)
        do {
            return try TimingHistory(path: path)
        } catch {
            console.err("warning: timing history \(path) not used: \(error)\n")
            return nil
        }
    }
}
