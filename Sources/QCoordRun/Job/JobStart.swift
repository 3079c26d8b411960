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
        if let resume = request.resume { return reopen(request, resume: resume, console: console, events: events) }
        let startDate = Date()
        let startMono = JobClock.monotonic()
        let jobID = JobRunner.newJobID()
        let directory: JobDirectory
        do {
            directory = try JobDirectory.create(base: request.resultsBase, jobID: jobID, date: startDate, modes: request.reportModes)
        } catch {
            console.err("qcoord: \(error)\n")
            return nil
        }
        let log = JobLog(path: directory.jobLog, mode: directory.modes.file, echo: request.jobLogEcho)
        log.info("Command line: \(request.cmdline.joined(separator: " "))")
        console.out(HumanRenderer.header(jobID: jobID, jobLog: directory.jobLog))
        // `job_started` (with the job's test count) comes from JobRunner once the hosts are
        // known: without --arch, functional tests of targets no host has are left out.
        do {
            try directory.writeJobData(args: request.args, cmdline: request.cmdline,
                                       pwd: request.configuration.workdir, references: request.references)
            if let record = request.record {
                try directory.writeText(JobRecord.file, String(decoding: try record.encoded(), as: UTF8.self))
            }
        } catch {
            log.error("\(error)")
        }
        do {
            let recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl", mode: directory.modes.file)
            return JobStart(jobID: jobID, startDate: startDate, startMono: startMono, directory: directory,
                            log: log, recorder: recorder)
        } catch {
            console.err("qcoord: \(error)\n")
            return nil
        }
    }

    /// `run --resume`: the job's own directory, job.log and journal, appended to; the test
    /// directories of the tests that run again emptied (a test cut off mid-run left files there).
    static func reopen(_ request: JobRequest, resume: JobResume, console: Console, events: JobEventSink) -> JobStart? {
        let startDate = Date()
        let startMono = JobClock.monotonic()
        let directory: JobDirectory
        do {
            directory = try JobDirectory.existing(path: resume.directory)
        } catch {
            console.err("qcoord: \(error)\n")
            return nil
        }
        // Running again: the job has not ended until this run writes its report.
        JobEnd.remove(jobDir: directory.path)
        let log = JobLog(path: directory.jobLog, mode: directory.modes.file, echo: request.jobLogEcho)
        log.info("Command line: \(request.cmdline.joined(separator: " "))")
        log.info("resuming job \(directory.jobID): \(resume.completed.count) of \(request.tests.count) tests have "
                 + "their result, \(request.tests.count - resume.completed.count) run now")
        for note in resume.notes { log.info(note) }
        console.out(HumanRenderer.header(jobID: directory.jobID, jobLog: directory.jobLog))
        events.emit(.jobStarted(jobID: directory.jobID, jobDir: directory.path, total: request.tests.count,
                                time: startDate.timeIntervalSince1970))
        let total = request.tests.count
        for (index, test) in request.tests.enumerated() where resume.completed[index] == nil {
            let dir = directory.testDirectory(uid: index + 1, name: test.name, total: total)
            if FileManager.default.fileExists(atPath: dir) {
                do { try FileManager.default.removeItem(atPath: dir) } catch { log.error("cannot empty \(dir): \(error)") }
            }
        }
        do {
            let recorder = try JobRecorder(path: directory.path + "/jobdata/journal.jsonl", mode: directory.modes.file)
            return JobStart(jobID: directory.jobID, startDate: startDate, startMono: startMono, directory: directory,
                            log: log, recorder: recorder)
        } catch {
            console.err("qcoord: \(error)\n")
            return nil
        }
    }
}
