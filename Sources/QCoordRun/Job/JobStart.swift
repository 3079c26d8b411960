import Foundation
import QCoordCore
import QCoordReport

/// A job's directory, job.log and journal, made before any host is contacted.
struct JobStart: Sendable {
    var jobID: String
    var startDate: Date
    var startMono: Double
    var directory: JobDirectory
    var log: JobLog
    var recorder: JobRecorder

    /// Creates the job directory, prints the header; nil (after saying why) when it cannot.
    static func begin(_ request: JobRequest, console: Console, events: JobEventSink = .none) -> JobStart? {
        let startDate = Date()
        let startMono = JobClock.monotonic()
        let jobID = JobRunner.newJobID()
        let directory: JobDirectory
        do {
            directory = try JobDirectory.create(base: request.resultsBase, jobID: jobID, date: startDate)
        } catch {
            console.err("qcoord: \(error)\n")
            return nil
        }
        let log = JobLog(path: directory.jobLog)
        log.info("Command line: \(request.cmdline.joined(separator: " "))")
        console.out(HumanRenderer.header(jobID: jobID, jobLog: directory.jobLog))
        events.emit(.jobStarted(jobID: jobID, jobDir: directory.path, total: request.tests.count,
                                time: startDate.timeIntervalSince1970))
        do {
            try directory.writeJobData(args: request.args, cmdline: request.cmdline,
                                       pwd: request.configuration.workdir, references: request.references)
        } catch {
            log.error("\(error)")
        }
        do {
            let recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl")
            return JobStart(jobID: jobID, startDate: startDate, startMono: startMono, directory: directory,
                            log: log, recorder: recorder)
        } catch {
            console.err("qcoord: \(error)\n")
            return nil
        }
    }
}
