import Foundation

// Wire form: the payload's fields flattened next to a "type" field,
// e.g. {"type":"finished","task_id":"3","status":"PASS","fail_reason":null,"time_s":0.4}.
extension AgentMessage: Codable {
    enum TypeKey: String, CodingKey { case type }

    private struct ErrorBody: Codable { var message: String }

    public var typeName: String {
        switch self {
        case .ready: "ready"
        case .started: "started"
        case .output: "output"
        case .file: "file"
        case .finished: "finished"
        case .heartbeat: "heartbeat"
        case .error: "error"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ready": self = .ready(try Ready(from: decoder))
        case "started": self = .started(try Started(from: decoder))
        case "output": self = .output(try Output(from: decoder))
        case "file": self = .file(try FileChunk(from: decoder))
        case "finished": self = .finished(try Finished(from: decoder))
        case "heartbeat": self = .heartbeat
        case "error": self = .error(message: try ErrorBody(from: decoder).message)
        default: throw UnknownMessageType(type: type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .ready(let body): try body.encode(to: encoder)
        case .started(let body): try body.encode(to: encoder)
        case .output(let body): try body.encode(to: encoder)
        case .file(let body): try body.encode(to: encoder)
        case .finished(let body): try body.encode(to: encoder)
        case .heartbeat: break
        case .error(let message): try ErrorBody(message: message).encode(to: encoder)
        }
    }
}

/// Thrown while decoding a message whose `"type"` is not part of the protocol.
struct UnknownMessageType: Error {
    var type: String
}

extension AgentMessage.Output {
    /// The chunk's bytes; nil when `data_b64` is not valid base64.
    public var data: [UInt8]? { Data(base64Encoded: dataB64).map { [UInt8]($0) } }

    public init(taskID: String, stream: String, data: some Sequence<UInt8>) {
        self.init(taskID: taskID, stream: stream, dataB64: Data(data).base64EncodedString())
    }
}

extension AgentMessage.FileChunk {
    /// The chunk's bytes; nil when `data_b64` is not valid base64.
    public var data: [UInt8]? { Data(base64Encoded: dataB64).map { [UInt8]($0) } }

    public init(taskID: String, name: String, offset: Int, data: some Sequence<UInt8>, last: Bool) {
        self.init(taskID: taskID, name: name, offset: offset, dataB64: Data(data).base64EncodedString(), last: last)
    }
}
