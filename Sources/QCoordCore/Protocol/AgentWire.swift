import Foundation

/// Turns protocol messages into JSON lines and back. Pure: no I/O.
///
/// Reading never throws: every problem with a line (too long, not JSON, unknown type,
/// missing fields) comes back as an `AgentWireError` value, because a misbehaving host
/// must cost that host its tests, never the coordinator its life.
public enum AgentWire {
    /// One `CoordinatorMessage` as a JSON line, newline included.
    public static func encodeLine(_ message: CoordinatorMessage) throws -> [UInt8] {
        try line(message)
    }

    /// One `AgentMessage` as a JSON line, newline included (fake agents, transcripts).
    public static func encodeLine(_ message: AgentMessage) throws -> [UInt8] {
        try line(message)
    }

    /// Reads one line from an agent (with or without its trailing newline).
    public static func decodeAgentMessage(_ line: some Collection<UInt8>,
                                          maxLineBytes: Int = AgentProtocol.maxLineBytes) -> Result<AgentMessage, AgentWireError> {
        decode(AgentMessage.self, line, maxLineBytes: maxLineBytes)
    }

    /// Reads one line from a coordinator (used by fake agents in tests).
    public static func decodeCoordinatorMessage(_ line: some Collection<UInt8>,
                                                maxLineBytes: Int = AgentProtocol.maxLineBytes) -> Result<CoordinatorMessage, AgentWireError> {
        decode(CoordinatorMessage.self, line, maxLineBytes: maxLineBytes)
    }

    private static func line(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        // Sorted keys: identical messages give identical lines (transcripts diff cleanly).
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private static func decode<Message: Decodable>(_ type: Message.Type, _ raw: some Collection<UInt8>,
                                                   maxLineBytes: Int) -> Result<Message, AgentWireError> {
        var bytes = Array(raw)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count <= maxLineBytes else {
            return .failure(.lineTooLong(bytes: bytes.count, limit: maxLineBytes))
        }
        guard !bytes.isEmpty else { return .failure(.malformedJSON(detail: "empty line")) }
        let data = Data(bytes)
        do {
            return .success(try JSONDecoder().decode(Message.self, from: data))
        } catch let unknown as UnknownMessageType {
            return .failure(.unknownType(unknown.type))
        } catch {
            return .failure(classify(error, data: data))
        }
    }

    /// Tells "not JSON" and "no type" apart from "a known type with bad fields".
    private static func classify(_ error: any Error, data: Data) -> AgentWireError {
        let probe: TypeProbe
        do {
            probe = try JSONDecoder().decode(TypeProbe.self, from: data)
        } catch DecodingError.keyNotFound {
            return .missingType
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            return .missingType
        } catch DecodingError.typeMismatch {
            return .malformedJSON(detail: "not a JSON object")
        } catch {
            return .malformedJSON(detail: describe(error))
        }
        return .invalidMessage(type: probe.type, detail: describe(error))
    }

    private struct TypeProbe: Decodable { var type: String }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing field \"\(path(context.codingPath + [key]))\""
        case .typeMismatch(let type, let context):
            return "field \"\(path(context.codingPath))\" is not \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "field \"\(path(context.codingPath))\" is null, expected \(type)"
        case .dataCorrupted(let context):
            let field = context.codingPath.isEmpty ? "" : "field \"\(path(context.codingPath))\": "
            return field + context.debugDescription
        @unknown default:
            return String(describing: error)
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
