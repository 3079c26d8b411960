/// Why one line of the agent protocol could not be read. Data, never a crash: the
/// coordinator turns it into an infrastructure error of the host that sent the line.
public enum AgentWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line is longer than the protocol allows; it was skipped.
    case lineTooLong(bytes: Int, limit: Int)
    /// Not JSON, not UTF-8, or not a JSON object.
    case malformedJSON(detail: String)
    /// A JSON object without a string `"type"` field.
    case missingType
    /// A `"type"` this protocol version does not know.
    case unknownType(String)
    /// A known `"type"` whose fields are missing or of the wrong kind.
    case invalidMessage(type: String, detail: String)

    public var description: String {
        switch self {
        case .lineTooLong(let bytes, let limit):
            "protocol line of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .malformedJSON(let detail):
            "malformed protocol line: \(detail)"
        case .missingType:
            "protocol message without a \"type\" field"
        case .unknownType(let type):
            "unknown protocol message type \"\(type)\" (protocol v\(AgentProtocol.version))"
        case .invalidMessage(let type, let detail):
            "invalid \"\(type)\" message: \(detail)"
        }
    }
}
