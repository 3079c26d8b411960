/// The agent protocol: JSON lines, one object per line, with a `"type"` field.
/// The full specification is docs/protocol.md.
public enum AgentProtocol {
    public static let version = 2
    /// No line from an agent may be longer than this; a longer one is an infrastructure error.
    public static let maxLineBytes = 1 << 20
    /// Raw bytes per `output` / `file` chunk before base64.
    public static let chunkBytes = 48 * 1024
}

extension AgentProtocol {
    /// Python for `python3 -u -c BOOTSTRAP`: reads a decimal byte count line, then that
    /// many bytes of agent source from stdin, and runs it; the protocol follows on the
    /// same stdin. (`python3 -` cannot work: Python reads a stdin script to EOF before
    /// running it.) Lets a host run the agent with one exec and no file on disk.
    public static let stdinBootstrap =
        #"import sys;n=int(sys.stdin.buffer.readline());exec(compile(sys.stdin.buffer.read(n),"qcoord_agent.py","exec"))"#

    /// What to write before the first protocol line when starting the agent with `stdinBootstrap`.
    public static func bootstrapPayload(agentSource: String) -> [UInt8] {
        let source = Array(agentSource.utf8)
        return Array("\(source.count)\n".utf8) + source
    }
}
