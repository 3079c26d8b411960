import Foundation
import QCoordCore

/// A minimal JSON-lines codec for protocol v1, used until the shared `AgentWire` lands;
/// callers go through `encodeLine` / `decodeLine` only, so swapping it is a two-line change.
enum InterimWire {
    struct WireError: Error, CustomStringConvertible {
        var description: String
    }

    private struct TypeTag: Codable { var type: String }
    private struct CancelBody: Codable { var task_id: String }
    private struct ErrorBody: Codable { var message: String }

    static func encodeLine(_ message: CoordinatorMessage) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let (type, body): (String, Data) = switch message {
        case .hello(let h): ("hello", try encoder.encode(h))
        case .run(let r): ("run", try encoder.encode(r))
        case .cancel(let id): ("cancel", try encoder.encode(CancelBody(task_id: id)))
        case .shutdown: ("shutdown", Data("{}".utf8))
        }
        // Splice the type tag into the body object: `{"type":"run",...}`.
        var bytes = Array("{\"type\":\"\(type)\"".utf8)
        let inner = Array(body.dropFirst().dropLast())
        if !inner.isEmpty { bytes.append(UInt8(ascii: ",")); bytes += inner }
        bytes += Array("}\n".utf8)
        return bytes
    }

    static func decodeLine(_ line: [UInt8]) throws -> AgentMessage {
        let data = Data(line)
        let decoder = JSONDecoder()
        let tag: TypeTag
        do { tag = try decoder.decode(TypeTag.self, from: data) } catch {
            throw WireError(description: "malformed line from agent (no \"type\"): \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        do {
            switch tag.type {
            case "ready": return .ready(try decoder.decode(AgentMessage.Ready.self, from: data))
            case "started": return .started(try decoder.decode(AgentMessage.Started.self, from: data))
            case "output": return .output(try decoder.decode(AgentMessage.Output.self, from: data))
            case "file": return .file(try decoder.decode(AgentMessage.FileChunk.self, from: data))
            case "finished": return .finished(try decoder.decode(AgentMessage.Finished.self, from: data))
            case "heartbeat": return .heartbeat
            case "error": return .error(message: try decoder.decode(ErrorBody.self, from: data).message)
            default: throw WireError(description: "unknown message type \"\(tag.type)\" from agent")
            }
        } catch let e as WireError {
            throw e
        } catch {
            throw WireError(description: "malformed \"\(tag.type)\" message from agent: \(error)")
        }
    }
}

/// Splits a byte stream into lines, refusing any line longer than `limit` (interim, see InterimWire).
struct InterimLineSplitter {
    let limit: Int
    private var buffer: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    enum Piece { case line([UInt8]); case overflow }

    mutating func feed(_ bytes: ArraySlice<UInt8>) -> [Piece] {
        var out: [Piece] = []
        var start = bytes.startIndex
        while let nl = bytes[start...].firstIndex(of: 0x0A) {
            buffer += bytes[start..<nl]
            if buffer.count > limit { out.append(.overflow) } else { out.append(.line(buffer)) }
            buffer.removeAll(keepingCapacity: true)
            start = bytes.index(after: nl)
        }
        buffer += bytes[start...]
        if buffer.count > limit {
            out.append(.overflow)
            buffer.removeAll()
        }
        return out
    }
}
