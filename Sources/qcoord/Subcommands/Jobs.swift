import ArgumentParser
import Foundation
import QCoordCore
import QCoordReport

extension QCoord {
    struct Jobs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List past jobs, show one job's tests, copy its tests' output files, as 'avocado jobs' does.",
            subcommands: [ListJobs.self, Show.self, GetOutputFiles.self]
        )
    }
}

/// The results base shared by `jobs list` and `jobs show`.
struct JobsBaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where job directories are (default: ~/qcoord/job-results).", valueName: "DIR"))
    var jobResultsDir: String?

    /// The config's or QCOORD_RESULTS_DIR's directory when not given (docs/config.md).
    mutating func validate() throws {
        let settings = try ConfigDefaults.effective(jobResultsDir.map { [.jobResultsDir: $0] } ?? [:])
        jobResultsDir = ConfigDefaults.value(.jobResultsDir, settings)
    }

    var archive: JobArchive {
        let env = ProcessInfo.processInfo.environment
        let home = env["HOME"] ?? NSHomeDirectory()
        let cwd = FileManager.default.currentDirectoryPath
        return JobArchive(base: QCoord.Run.absolute(jobResultsDir ?? home + "/qcoord/job-results", cwd: cwd))
    }
}

extension QCoord.Jobs {
    struct ListJobs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Every job in the results directory, newest first: id, start, total (pass/skip/errors/failures).")

        @OptionGroup var base: JobsBaseOptions

        func run() throws {
            let archive = base.archive
            let records = archive.jobDirectories().compactMap { try? JobArchive.load($0) }
            print(JobsRenderer.list(records), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One job's tests with status, time, host and arch, and its RESULTS line.")

        @OptionGroup var base: JobsBaseOptions

        @Argument(help: ArgumentHelp("A job directory, 'latest' (default), or a prefix of a job id.", valueName: "JOB"))
        var job: String?

        func run() throws {
            do {
                let dir = try base.archive.resolve(job)
                print(JobsRenderer.show(try JobArchive.load(dir)), terminator: "")
            } catch let error as ReportError {
                FileHandle.standardError.write(Data("qcoord: \(error)\n".utf8))
                throw ExitCode(4)
            }
        }
    }

    struct GetOutputFiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-output-files",
            abstract: "Copy each test's output files (its data/ directory) of a job to DESTINATION/<test>/.")

        @OptionGroup var base: JobsBaseOptions

        @Argument(help: ArgumentHelp("A job directory, 'latest', or a prefix of a job id.", valueName: "JOB"))
        var job: String

        @Argument(help: ArgumentHelp("Where to copy them (made when missing).", valueName: "DESTINATION"))
        var destination: String

        func run() throws {
            do {
                let dir = try base.archive.resolve(job)
                let cwd = FileManager.default.currentDirectoryPath
                let (tests, files) = try JobArchive.copyOutputFiles(jobDir: dir, to: QCoord.Run.absolute(destination, cwd: cwd))
                print("\(files) output file\(files == 1 ? "" : "s") of \(tests) test\(tests == 1 ? "" : "s") copied to \(destination)")
            } catch let error as ReportError {
                FileHandle.standardError.write(Data("qcoord: \(error)\n".utf8))
                throw ExitCode(4)
            } catch {
                FileHandle.standardError.write(Data("qcoord: \(error)\n".utf8))
                throw ExitCode(4)
            }
        }
    }
}
