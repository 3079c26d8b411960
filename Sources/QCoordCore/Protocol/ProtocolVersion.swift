/// The agent protocol: JSON lines, one object per line, with a `"type"` field.
/// The full specification is docs/protocol.md.
public enum AgentProtocol {
    public static let version = 1
    /// No line from an agent may be longer than this; a longer one is an infrastructure error.
    public static let maxLineBytes = 1 << 20
    /// Raw bytes per `output` / `file` chunk before base64.
    public static let chunkBytes = 48 * 1024
}
