/// One token of Python source, as a byte range into the scanned buffer.
///
/// Tokens carry offsets rather than text so that tokenizing allocates nothing per token;
/// callers materialise text only for the few tokens they keep (names, docstrings).
public struct PythonToken: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable {
        case name
        case number
        /// Any string or bytes literal including its prefix and quotes; an f-string is one token.
        case string
        case op
        /// End of a logical line.
        case newline
        /// A line break that does not end a logical line (blank line, comment line, inside brackets).
        case nl
        case comment
        case indent
        case dedent
        case endMarker
    }

    public var kind: Kind
    // Stored as 32-bit values so a token is 16 bytes instead of 32: the scanner keeps every
    // token of a file in an array. The tokenizer rejects sources of 2 GiB or more.
    private var start32: Int32
    private var end32: Int32
    private var line32: Int32

    /// Byte offset of the first byte of the token.
    public var start: Int {
        get { Int(start32) }
        set { start32 = Int32(truncatingIfNeeded: newValue) }
    }
    /// Byte offset just past the token.
    public var end: Int {
        get { Int(end32) }
        set { end32 = Int32(truncatingIfNeeded: newValue) }
    }
    /// 1-based line of the token's first byte.
    public var line: Int {
        get { Int(line32) }
        set { line32 = Int32(truncatingIfNeeded: newValue) }
    }

    public init(kind: Kind, start: Int, end: Int, line: Int) {
        self.kind = kind
        self.start32 = Int32(truncatingIfNeeded: start)
        self.end32 = Int32(truncatingIfNeeded: end)
        self.line32 = Int32(truncatingIfNeeded: line)
    }

    /// The token's source text (for tests and diagnostics; scanning itself avoids this).
    public func text(in source: [UInt8]) -> String {
        guard start >= 0, end <= source.count, start <= end else { return "" }
        return String(decoding: source[start..<end], as: UTF8.self)
    }
}
