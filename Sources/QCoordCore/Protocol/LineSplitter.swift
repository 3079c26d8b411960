/// Cuts a byte stream into lines, with bounded memory.
///
/// Feed it chunks as they arrive from a pipe or an SSH channel; it returns the lines
/// completed so far (without their `\n`). A line longer than `maxLineBytes` is never
/// buffered whole: its bytes are dropped as they come, and once its newline arrives it
/// is reported as `.lineTooLong` — so a runaway agent costs at most `maxLineBytes` of
/// memory, and the lines after it are read normally.
public struct LineSplitter: Sendable {
    public let maxLineBytes: Int
    private var buffer: [UInt8] = []
    /// Bytes of the current over-long line dropped so far; nil while the line is within bounds.
    private var dropped: Int?

    public init(maxLineBytes: Int = AgentProtocol.maxLineBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes held for the current incomplete line (never more than `maxLineBytes`).
    public var bufferedByteCount: Int { buffer.count }

    /// Adds a chunk; returns every line it completed, in order.
    public mutating func push(_ chunk: some Collection<UInt8>) -> [Result<[UInt8], AgentWireError>] {
        var out: [Result<[UInt8], AgentWireError>] = []
        var rest = chunk[...]
        while !rest.isEmpty {
            if let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                take(rest[..<newline])
                out.append(finishLine())
                rest = rest[rest.index(after: newline)...]
            } else {
                take(rest)
                break
            }
        }
        return out
    }

    /// End of stream: a last line without a newline, if any.
    public mutating func finish() -> [Result<[UInt8], AgentWireError>] {
        guard !buffer.isEmpty || dropped != nil else { return [] }
        return [finishLine()]
    }

    private mutating func take(_ bytes: some Collection<UInt8>) {
        if let count = dropped {
            dropped = count + bytes.count
        } else if buffer.count + bytes.count > maxLineBytes {
            dropped = buffer.count + bytes.count
            buffer = []
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func finishLine() -> Result<[UInt8], AgentWireError> {
        defer {
            buffer = []
            dropped = nil
        }
        if let count = dropped {
            return .failure(.lineTooLong(bytes: count, limit: maxLineBytes))
        }
        var line = buffer
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return .success(line)
    }
}
