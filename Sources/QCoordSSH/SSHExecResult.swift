/// The captured outcome of a finished command. A non-zero exit is a result, not an error.
public struct SSHExecResult: Sendable {
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// -1 when the command ended without an exit status (killed by a signal).
    public var exitStatus: Int32

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
