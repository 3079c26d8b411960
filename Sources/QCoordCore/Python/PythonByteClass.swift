/// A 256-entry table of byte classes for the tokenizer's hot loops: one load and one bit
/// test per byte instead of a chain of comparisons.
enum PythonByteClass {
    static let identifierContinue: UInt8 = 1
    static let identifierStart: UInt8 = 2
    /// Space, tab, form feed.
    static let horizontalSpace: UInt8 = 4
    /// Bytes that can end or affect a plain string body: quotes, backslash, line breaks, NUL
    /// (the end-of-input sentinel).
    static let stringStop: UInt8 = 8

    /// Immutable after its one-time initialisation and never freed, so sharing the pointer
    /// across threads is safe.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        for b in 0..<256 {
            var flags: UInt8 = 0
            let isLetter = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
            let isDigit = b >= 0x30 && b <= 0x39
            if isLetter { flags |= identifierStart | identifierContinue }
            if isDigit { flags |= identifierContinue }
            if b == 0x20 || b == 0x09 || b == 0x0C { flags |= horizontalSpace }
            if b == 0x22 || b == 0x27 || b == 0x5C || b == 0x0A || b == 0x0D || b == 0 { flags |= stringStop }
            table[b] = flags
        }
        return UnsafePointer(table)
    }()
}
