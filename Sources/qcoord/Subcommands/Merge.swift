import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore
import QCoordReport
import QCoordRun

extension QCoord {
    /// `qcoord merge JOBDIR… [-o DIR]`: one job report from shards or separate runs.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge job directories (CI shards or separate runs) into one job report.",
            discussion: """
                Tests are renumbered, counts summed, each test's 'origin' (its job directory) kept in \
                results.json, and every file of the job directory written again. These are errors (exit 2) \
                unless --allow-partial: a job that did not finish (killed, crashed, or cut short by Ctrl-C: \
                its planned tests without a result are counted), a shard of the split missing (or given \
                twice), a test in two different jobs. Directories of one job (the same job id: a directory \
                given twice, copies of one job) are merged as one. With --allow-partial, the tests of an \
                unfinished job that have no result are INTERRUPTED ('not run (job did not finish)') and the \
                exit code has the interrupted bit (8). Exit code: Avocado's bits for the merged results.
                """)

        @Argument(help: ArgumentHelp("Job directories written by 'qcoord run' (or 'qcoord merge').", valueName: "JOBDIR"))
        var jobDirs: [String]

        @Option(name: [.customShort("o"), .customLong("output")],
                help: ArgumentHelp("Where the merged job directory goes (DIR/job-…, DIR/latest; default: ~/qcoord/job-results).", valueName: "DIR"))
        var output: String?

        @Flag(help: "Merge even when a job did not finish (its tests without a result: INTERRUPTED), shards are missing, or a test is in two jobs (the first is kept).")
        var allowPartial = false

        func validate() throws {
            if jobDirs.isEmpty { throw ValidationError("give at least one job directory to merge") }
        }

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let cwd = FileManager.default.currentDirectoryPath
            let sources: [JobMerger.Source]
            let problems: [JobMerger.MergeError]
            do {
                (sources, problems) = try JobMerger.validate(try jobDirs.map(JobMerger.read), allowPartial: allowPartial)
            } catch let error as JobMerger.MergeError {
                for e in error.all { FileHandle.standardError.write(Data("qcoord merge: \(e)\n".utf8)) }
                throw ExitCode(JobExitCode.jobFailed.rawValue)
            }
            for p in problems {
                let text = p.description.replacingOccurrences(of: " (pass --allow-partial to merge anyway)", with: "")
                FileHandle.standardError.write(Data("qcoord merge: warning: \(text); merged anyway (--allow-partial)\n".utf8))
            }
            let home = environment["HOME"] ?? NSHomeDirectory()
            let base = Run.absolute(output ?? home + "/qcoord/job-results", cwd: cwd)
            let summary: JobSummary
            do {
                summary = try JobMerger.merge(sources, base: base, cmdline: CommandLine.arguments, pwd: cwd,
                                              interruption: JobMerger.interruption(sources, problems: problems))
            } catch {
                FileHandle.standardError.write(Data("qcoord merge: \(error)\n".utf8))
                throw ExitCode(JobExitCode.internalError.rawValue)
            }
            print("JOB ID     : \(summary.jobID)")
            print("JOB LOG    : \(summary.jobLog)")
            print("MERGED     : \(sources.count) jobs, \(summary.tests.count) tests")
            // The RESULTS line coloured as run's on a terminal (--color auto: not with NO_COLOR, never into a pipe).
            let style = TerminalStyle.decide(mode: .auto, isTerminal: isatty(1) != 0, environment: ProcessInfo.processInfo.environment)
            print(HumanRenderer.footer(summary, htmlPath: summary.jobDir + "/results.html", style: style), terminator: "")
            let code = summary.exitCode
            if code != .success { throw ExitCode(code.rawValue) }
        }
    }
}
