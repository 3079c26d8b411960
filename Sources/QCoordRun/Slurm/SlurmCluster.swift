import Foundation
#if canImport(Glibc)
import Glibc
#endif
import QCoordCore

/// The Slurm commands qcoord runs (sinfo, scontrol, salloc, squeue, scancel), each a child
/// process waited for on a thread of its own (never on the cooperative pool). What their
/// output means is decided in Core (`SlurmNodes`).
public struct SlurmCluster: Sendable {
    /// Directory of the Slurm commands; nil: PATH. `SLURM_CONF` and the other `SLURM_*`
    /// variables of qcoord's environment reach them as they are.
    public var binDir: String?

    public init(binDir: String? = nil) { self.binDir = binDir }

    public struct CommandResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public func command(_ name: String) -> String { binDir.map { $0 + "/" + name } ?? name }

    /// Runs `name args` (looked up on PATH through /usr/bin/env) and waits up to `timeout`.
    /// Its stdin: `stdin`, or the file `stdinFile` streamed (an asset: never all in memory).
    public func run(_ name: String, _ args: [String], stdin: [UInt8] = [], stdinFile: String? = nil,
                    timeout: Double = 60) async throws -> CommandResult {
        let executable = command(name)
        // A child that exits before reading its stdin must give EPIPE, not kill qcoord.
        signal(SIGPIPE, SIG_IGN)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = [executable] + args
                let output = Pipe(), errors = Pipe(), input = Pipe()
                process.standardInput = stdin.isEmpty && stdinFile == nil ? FileHandle.nullDevice : input
                process.standardOutput = output
                process.standardError = errors
                do { try process.run() } catch {
                    continuation.resume(throwing: RunError.hostUnreachable(host: "slurm", reason: "cannot run \(executable): \(error.localizedDescription)"))
                    return
                }
                let stderrText = OutputBox()
                let errDone = DispatchSemaphore(value: 0)
                let errReader = Thread {
                    stderrText.data = errors.fileHandleForReading.readDataToEndOfFile()
                    errDone.signal()
                }
                errReader.start()
                if let stdinFile {
                    let writer = Thread {
                        if let file = FileHandle(forReadingAtPath: stdinFile) {
                            while let piece = try? file.read(upToCount: 1 << 20), !piece.isEmpty {
                                guard (try? input.fileHandleForWriting.write(contentsOf: piece)) != nil else { break }
                            }
                            try? file.close()
                        }
                        try? input.fileHandleForWriting.close()
                    }
                    writer.start()
                } else if !stdin.isEmpty {
                    let writer = Thread {
                        try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
                        try? input.fileHandleForWriting.close()
                    }
                    writer.start()
                }
                let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
                let out = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                killer.cancel()
                errDone.wait()
                let err = stderrText.data
                let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
                continuation.resume(returning: CommandResult(status: status, stdout: String(decoding: out, as: UTF8.self),
                                                             stderr: String(decoding: err, as: UTF8.self)))
            }
            thread.name = "qcoord.slurm.\(name)"
            thread.start()
        }
    }

    /// The cluster's nodes: `sinfo --json` where this Slurm has it (21.08+), else
    /// `scontrol show node -o`.
    public func nodes() async throws -> [SlurmNode] {
        let json = try await run("sinfo", ["--json"])
        if json.status == 0, let nodes = try? SlurmNodes.parseJSON(json.stdout) { return nodes }
        let text = try await run("scontrol", ["show", "node", "-o"])
        guard text.status == 0 else {
            throw RunError.hostUnreachable(host: "slurm", reason: "scontrol show node: " + Self.firstLine(text.stderr, or: "exit status \(text.status)"))
        }
        do { return try SlurmNodes.parseOneLiners(text.stdout) } catch {
            throw RunError.hostUnreachable(host: "slurm", reason: "\(error)")
        }
    }

    /// One allocation for the whole qcoord job (`salloc --no-shell`), on exactly `nodes`; its id.
    /// `--no-kill`: a node that fails leaves the others in the job (its step ends, its host is
    /// lost and its tests run elsewhere). Waits at most `waitSeconds` for the nodes.
    public func allocate(nodes: [SlurmNode], settings: SlurmSettings, jobName: String, waitSeconds: Int = 600) async throws -> String {
        var args = ["--no-shell", "--no-kill", "--job-name=\(jobName)", "--nodelist=\(SlurmNodes.nodeList(nodes))",
                    "--nodes=\(nodes.count)", "--ntasks-per-node=1", "--immediate=\(waitSeconds)"]
        if let p = settings.partition { args.append("--partition=\(p)") }
        if let a = settings.account { args.append("--account=\(a)") }
        if let t = settings.timeMinutes { args.append("--time=\(t)") }
        if let c = settings.constraint { args.append("--constraint=\(c)") }
        let result = try await run("salloc", args, timeout: Double(waitSeconds + 30))
        guard result.status == 0, let id = SlurmNodes.allocationID(inSallocOutput: result.stderr + "\n" + result.stdout) else {
            throw RunError.hostUnreachable(host: "slurm", reason: "salloc " + args.joined(separator: " ") + ": "
                                      + Self.firstLine(result.stderr, or: "exit status \(result.status)"))
        }
        return id
    }

    /// The job's state word (RUNNING, CANCELLED …); empty when Slurm no longer knows the job.
    public func jobState(_ id: String) async -> String? {
        guard let result = try? await run("squeue", ["-h", "-j", id, "-t", "all", "-o", "%T"], timeout: 20) else { return nil }
        if result.status != 0 {
            // A finished job leaves squeue after MinJobAge: "Invalid job id specified".
            return result.stderr.contains("Invalid job id") ? "" : nil
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `node` still belongs to the job and is up (a reconnect is worth trying).
    public func nodeUsable(_ node: String) async -> String? {
        guard let result = try? await run("scontrol", ["show", "node", "-o", node], timeout: 20), result.status == 0,
              let parsed = try? SlurmNodes.parseOneLiners(result.stdout).first else { return nil }
        return parsed.unusableReason
    }

    public func cancel(_ id: String) async {
        _ = try? await run("scancel", [id], timeout: 30)
    }

    static func firstLine(_ text: String, or fallback: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? fallback
    }
}

/// A reader thread's result, read after it signalled.
private final class OutputBox: @unchecked Sendable {
    // @unchecked: written by one thread before a semaphore signal, read after the wait.
    var data = Data()
}
