import Foundation

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
        // Scanned as a buffer: across modules the generic collection is not specialized,
        // and stepping through it byte by byte cost microseconds per byte (a flooding agent
        // could then saturate the coordinator's reader; found by `make fuzz-protocol`).
        if let out = chunk.withContiguousStorageIfAvailable({ push(buffer: $0) }) { return out }
        return Array(chunk).withUnsafeBufferPointer { push(buffer: $0) }
    }

    private mutating func push(buffer chunk: UnsafeBufferPointer<UInt8>) -> [Result<[UInt8], AgentWireError>] {
        var out: [Result<[UInt8], AgentWireError>] = []
        guard let base = chunk.baseAddress else { return out }
        var start = 0
        while start < chunk.count {
            // memchr: the newline search is the per-byte work, fast even in debug builds.
            guard let hit = memchr(base + start, Int32(UInt8(ascii: "\n")), chunk.count - start) else {
                take(UnsafeBufferPointer(rebasing: chunk[start...]))
                break
            }
            let newline = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            take(UnsafeBufferPointer(rebasing: chunk[start..<newline]))
            out.append(finishLine())
            start = newline + 1
        }
        return out
    }

    /// End of stream: a last line without a newline, if any.
    public mutating func finish() -> [Result<[UInt8], AgentWireError>] {
        guard !buffer.isEmpty || dropped != nil else { return [] }
        return [finishLine()]
    }

    private mutating func take(_ bytes: UnsafeBufferPointer<UInt8>) {
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
