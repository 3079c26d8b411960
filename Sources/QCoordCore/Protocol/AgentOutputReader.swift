/// Turns an agent's stdout bytes into what a link acts on, the same for every transport:
/// nothing but `ready` (or an early `error`) counts before the agent is ready, and the first
/// malformed or oversized line ends the stream — an infrastructure error, never a crash.
public struct AgentOutputReader: Sendable {
    public enum Item: Sendable, Hashable {
        case ready(HostCapabilities)
        /// An `error{}` the agent sent before it was ready (logged, not fatal).
        case errorBeforeReady(String)
        case message(AgentMessage)
        /// The stream is unusable from here on.
        case broken(AgentWireError)
    }

    private var splitter: LineSplitter
    public private(set) var isReady = false

    public init(maxLineBytes: Int = AgentProtocol.maxLineBytes) {
        splitter = LineSplitter(maxLineBytes: maxLineBytes)
    }

    /// The items in `chunk`; after a `.broken` item nothing more is returned from that chunk.
    public mutating func push(_ chunk: some Collection<UInt8>) -> [Item] {
        var items: [Item] = []
        for piece in splitter.push(chunk) {
            let decoded = piece.flatMap { line -> Result<AgentMessage?, AgentWireError> in
                line.isEmpty ? .success(nil) : AgentWire.decodeAgentMessage(line).map(Optional.some)
            }
            switch decoded {
            case .success(nil):
                continue
            case .failure(let error):
                items.append(.broken(error))
                return items
            case .success(let message?):
                if isReady {
                    items.append(.message(message))
                } else if case .ready(let caps) = message {
                    isReady = true
                    items.append(.ready(caps))
                } else if case .error(let text) = message {
                    items.append(.errorBeforeReady(text))
                }
            }
        }
        return items
    }
}
