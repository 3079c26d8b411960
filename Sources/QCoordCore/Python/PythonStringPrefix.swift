/// The flags of a string literal's prefix (`r`, `b`, `f`, `u` and the two-letter
/// combinations Python 3 accepts, in any case).
struct PythonStringPrefix: Sendable, Hashable {
    var isRaw = false
    var isBytes = false
    var isFormatted = false

    init() {}

    /// Parses the prefix letters `bytes[start..<end]`; nil when they are not a valid prefix.
    init?<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, start: Int, end: Int) where Bytes.Index == Int {
        guard start >= bytes.startIndex, end <= bytes.endIndex, start <= end, end - start <= 2 else { return nil }
        var sawU = false
        var i = start
        while i < end {
            switch bytes[i] | 0x20 {
            case 0x72: // r
                if isRaw { return nil }
                isRaw = true
            case 0x62: // b
                if isBytes { return nil }
                isBytes = true
            case 0x66: // f
                if isFormatted { return nil }
                isFormatted = true
            case 0x75: // u is only valid alone
                if end - start != 1 { return nil }
                sawU = true
            default:
                return nil
            }
            i += 1
        }
        if isBytes && isFormatted { return nil }
        _ = sawU
    }
}
