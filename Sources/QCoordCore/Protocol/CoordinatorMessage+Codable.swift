// Wire form: the payload's fields flattened next to a "type" field,
// e.g. {"type":"cancel","task_id":"3"}.
extension CoordinatorMessage: Codable {
    enum TypeKey: String, CodingKey { case type }

    private struct CancelBody: Codable {
        var taskID: String
        enum CodingKeys: String, CodingKey { case taskID = "task_id" }
    }

    private struct Empty: Codable {}

    public var typeName: String {
        switch self {
        case .hello: "hello"
        case .run: "run"
        case .cancel: "cancel"
        case .shutdown: "shutdown"
        case .heartbeat: "heartbeat"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "hello": self = .hello(try Hello(from: decoder))
        case "run": self = .run(try RunTask(from: decoder))
        case "cancel": self = .cancel(taskID: try CancelBody(from: decoder).taskID)
        case "shutdown": self = .shutdown
        case "heartbeat": self = .heartbeat
        default: throw UnknownMessageType(type: type)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .hello(let body): try body.encode(to: encoder)
        case .run(let body): try body.encode(to: encoder)
        case .cancel(let taskID): try CancelBody(taskID: taskID).encode(to: encoder)
        case .shutdown, .heartbeat: break
        }
    }
}
