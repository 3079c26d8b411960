import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import QCoordCore
@testable import QCoordRun

/// SlurmAgentLink with a stand-in `srun` that drops its options and runs the rest: the real
/// embedded agent reaches python through stdin (the bootstrap), answers `ready` and runs a task
/// with the paths `shared_tree` gives. The real srun: Tests/QCoordIntegrationTests/Slurm.
@Suite(.serialized) struct SlurmAgentLinkTests {
    static func fakeSrun() throws -> (path: String, dir: String) {
        let dir = NSTemporaryDirectory() + "qcoord-fake-srun-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/srun"
        // Records its options, then runs the program after them (as srun does on the node).
        try """
            #!/bin/sh
            : > "\(dir)/args"
            while [ "${1#--}" != "$1" ]; do echo "$1" >> "\(dir)/args"; shift; done
            exec "$@"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return (path, dir)
    }

    @Test func theEmbeddedAgentStartsThroughTheBootstrapAndRunsATask() async throws {
        let (srun, dir) = try Self.fakeSrun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tree = dir + "/tree"
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try "#!/bin/sh\npwd\n".write(toFile: tree + "/where.sh", atomically: true, encoding: .utf8)
        chmod(tree + "/where.sh", 0o755)
        let settings = SlurmSettings(python: "python3", srunArgs: ["--mem=1G"])
        let link = try await SlurmAgentLink.start(node: "n7", jobID: "42", settings: settings,
                                                  hello: .init(jobID: "j"), log: JobLog(path: dir + "/job.log"),
                                                  cluster: SlurmCluster(binDir: (srun as NSString).deletingLastPathComponent),
                                                  readyTimeout: .seconds(30))
        #expect(link.host == "n7" && link.jobID == "42")
        #expect(!link.capabilities.python.isEmpty)
        let args = try String(contentsOfFile: dir + "/args", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(args == ["--jobid=42", "--nodelist=n7", "--nodes=1", "--ntasks=1", "--overlap", "--unbuffered", "--quiet",
                         "--job-name=qcoord-agent", "--mem=1G"])
        // shared_tree: the task's paths under the local tree are sent under the shared one.
        link.setPathMap(.init(local: "/nowhere/tree", remote: tree))
        await link.run(.init(taskID: "t1", kind: .simple, name: "/nowhere/tree/where.sh", uri: "/nowhere/tree/where.sh",
                             timeoutS: 20, workdir: "/nowhere/tree"))
        var status: TestStatus?
        var output = ""
        events: for await batch in link.events {
            for event in batch {
                if case .message(.output(let o)) = event { output += String(decoding: Data(base64Encoded: o.dataB64) ?? Data(), as: UTF8.self) }
                if case .message(.finished(let f)) = event { status = f.status; break events }
                if case .lost = event { break events }
            }
        }
        #expect(status == .pass)
        #expect(output.contains(tree), "\(output)")
        await link.shutdown(grace: .seconds(5))
    }

    @Test func aPythonThatIsNotThereSaysWhichSetting() async throws {
        let (srun, dir) = try Self.fakeSrun()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try await SlurmAgentLink.start(node: "n1", jobID: "1", settings: SlurmSettings(python: "/no/such/python3"),
                                               hello: .init(jobID: "j"), log: JobLog(path: dir + "/job.log"),
                                               cluster: SlurmCluster(binDir: (srun as NSString).deletingLastPathComponent),
                                               readyTimeout: .seconds(20))
            Issue.record("started")
        } catch {
            #expect("\(error)".contains("slurm section's 'python' (now /no/such/python3)"), "\(error)")
        }
    }

    @Test func theJobTimeoutEndsBeforeSlurmsTimeLimit() {
        #expect(SlurmJob.jobTimeout(given: nil, timeMinutes: nil) == nil)
        #expect(SlurmJob.jobTimeout(given: 100, timeMinutes: nil) == 100)
        #expect(SlurmJob.jobTimeout(given: nil, timeMinutes: 30) == 1740)
        #expect(SlurmJob.jobTimeout(given: 600, timeMinutes: 30) == 600)
        #expect(SlurmJob.jobTimeout(given: nil, timeMinutes: 5) == 270)
    }
}

@Suite struct SlurmStepEndTests {
    func finished(_ status: TestStatus, _ reason: String?) -> AgentMessage.Finished {
        .init(taskID: "t", status: status, failReason: reason, timeS: 1)
    }

    @Test func resultsOfTestsSlurmKilledAreNotTheTests() {
        #expect(SlurmAgentLink.killedWithTheStep(finished(.fail, "Killed by signal SIGTERM"), shutdownAsked: false))
        #expect(SlurmAgentLink.killedWithTheStep(finished(.interrupted, "Test interrupted: agent shutting down"), shutdownAsked: false))
        #expect(!SlurmAgentLink.killedWithTheStep(finished(.interrupted, "Test interrupted: agent shutting down"), shutdownAsked: true))
        #expect(!SlurmAgentLink.killedWithTheStep(finished(.fail, "assertion failed"), shutdownAsked: false))
        #expect(!SlurmAgentLink.killedWithTheStep(finished(.pass, nil), shutdownAsked: false))
    }

    @Test func srunAndSlurmstepdLinesThatEndTheStep() {
        #expect(StepEnding.isEndLine("slurmstepd-h1: error: *** STEP 9.1 ON h1 CANCELLED AT 2026-12-06T21:48:03 ***"))
        #expect(StepEnding.isEndLine("slurmstepd: error: *** JOB 9 ON h1 CANCELLED AT 2026-12-06T21:48:03 DUE TO TIME LIMIT ***"))
        #expect(StepEnding.isEndLine("srun: error: Node failure on h2"))
        #expect(!StepEnding.isEndLine("srun: error: h2: task 0: Exited with exit code 1"))
    }
}
