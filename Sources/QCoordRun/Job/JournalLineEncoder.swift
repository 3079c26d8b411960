import QCoordCore

/// One journal line (a `TestResult` as JSON, keys snake_case and sorted, nil fields left out,
/// slashes unescaped) written by hand: the same object Foundation's `JSONEncoder` with
/// `.sortedKeys`, `.withoutEscapingSlashes` and `.convertToSnakeCase` writes, at a tenth of the
/// cost (that encoder was ~15 % of the coordinator's CPU per test in `make bench-scale`).
/// `JobRecorder.read` decodes it with `JSONDecoder`; the tests check the two agree.
enum JournalLineEncoder {
    struct NonFiniteNumber: Error, CustomStringConvertible {
        var key: String
        var description: String { "journal: \(key) is not a finite number" }
    }

    /// The line's bytes, without the newline.
    static func encode(_ r: TestResult) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(768)
        // Keys in sorted order (as `.sortedKeys` orders the snake_case names).
        var first = true
        func key(_ k: String) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            string(k, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        key("actual_time_end"); try number(r.actualTimeEnd, "actual_time_end", into: &out)
        key("actual_time_start"); try number(r.actualTimeStart, "actual_time_start", into: &out)
        if let arch = r.arch { key("arch"); string(arch, into: &out) }
        key("attempts")
        out.append(UInt8(ascii: "["))
        for (i, a) in r.attempts.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            if let reason = a.failReason {
                string("fail_reason", into: &out); out.append(UInt8(ascii: ":")); string(reason, into: &out)
                out.append(UInt8(ascii: ","))
            }
            string("host", into: &out); out.append(UInt8(ascii: ":")); string(a.host, into: &out)
            out.append(UInt8(ascii: ","))
            string("status", into: &out); out.append(UInt8(ascii: ":")); string(a.status.rawValue, into: &out)
            out.append(UInt8(ascii: ","))
            string("time", into: &out); out.append(UInt8(ascii: ":")); try number(a.time, "attempts.time", into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let reason = r.failReason { key("fail_reason"); string(reason, into: &out) }
        if let flaky = r.flaky { key("flaky"); out.append(contentsOf: (flaky ? "true" : "false").utf8) }
        if let host = r.host { key("host"); string(host, into: &out) }
        key("id"); string(r.id, into: &out)
        key("kind"); string(r.kind.rawValue, into: &out)
        key("logdir"); string(r.logdir, into: &out)
        key("logfile"); string(r.logfile, into: &out)
        key("name"); string(r.name, into: &out)
        if let origin = r.origin { key("origin"); string(origin, into: &out) }
        if let bin = r.qemuBin { key("qemu_bin"); string(bin, into: &out) }
        if let version = r.qemuVersion { key("qemu_version"); string(version, into: &out) }
        key("ran"); out.append(contentsOf: (r.ran ? "true" : "false").utf8)
        key("status"); string(r.status.rawValue, into: &out)
        key("tags"); tags(r.tags, into: &out)
        key("time_elapsed"); try number(r.timeElapsed, "time_elapsed", into: &out)
        key("time_end"); try number(r.timeEnd, "time_end", into: &out)
        key("time_start"); try number(r.timeStart, "time_start", into: &out)
        key("uid"); out.append(contentsOf: String(r.uid).utf8)
        key("whiteboard"); string(r.whiteboard, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `{"arch":["i386","x86_64"],"boot":null}`: keys and values sorted (as `Tags.encode`).
    /// Tag keys are written as they are (JSONEncoder's snake_case conversion would rewrite a
    /// camelCase tag key; the decoder's conversion undoes that either way).
    static func tags(_ tags: Tags, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, k) in tags.keys.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(k, into: &out)
            out.append(UInt8(ascii: ":"))
            let values = tags[k] ?? []
            if values.isEmpty {
                out.append(contentsOf: "null".utf8)
                continue
            }
            out.append(UInt8(ascii: "["))
            for (j, v) in values.sorted().enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                string(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Swift's shortest round-trip form (`0.25`, `1.0`, `1e-05`), which JSON accepts.
    static func number(_ x: Double, _ key: String, into out: inout [UInt8]) throws {
        guard x.isFinite else { throw NonFiniteNumber(key: key) }
        out.append(contentsOf: x.description.utf8)
    }

    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Most strings (names, paths, statuses) need no escape: one copy, not a byte-wise append.
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 0xF)])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
