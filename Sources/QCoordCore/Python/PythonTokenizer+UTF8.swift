/// Up-front validation of the source encoding: CPython decodes the whole file as UTF-8
/// before tokenizing, so invalid bytes anywhere (even in comments) are a syntax error.
extension PythonTokenizer {
    static func validateUTF8(_ bytes: [UInt8], from start: Int) -> PythonSyntaxError? {
        bytes.withUnsafeBufferPointer { buf -> PythonSyntaxError? in
            guard let base = buf.baseAddress else { return nil }
            let raw = UnsafeRawPointer(base)
            let n = buf.count
            var i = start
            while i < n {
                // Eight bytes at a time while they are ASCII and non-NUL (the common case).
                while i + 8 <= n {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let highBits: UInt64 = 0x8080_8080_8080_8080
                    let hasZeroByte = (word &- 0x0101_0101_0101_0101) & ~word & highBits
                    if word & highBits != 0 || hasZeroByte != 0 { break }
                    i += 8
                }
                if i >= n { break }
                let b = buf[i]
                if b < 0x80 {
                    if b == 0 {
                        return PythonSyntaxError(line: lineNumber(buf, at: i), message: "source code cannot contain null bytes")
                    }
                    i += 1
                    continue
                }
                let length: Int
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                switch b {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE, 0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: length = 0
                }
                var valid = length > 0 && i + length <= n
                if valid {
                    let second = buf[i + 1]
                    valid = second >= low && second <= high
                    var k = 2
                    while valid && k < length {
                        valid = buf[i + k] & 0xC0 == 0x80
                        k += 1
                    }
                }
                if !valid {
                    let hex = String(b, radix: 16, uppercase: true)
                    return PythonSyntaxError(
                        line: lineNumber(buf, at: i),
                        message: "invalid UTF-8 byte 0x\(hex) (the file must be UTF-8 encoded)")
                }
                i += length
            }
            return nil
        }
    }

    /// 1-based line of byte offset `offset`, counting `\n`, `\r\n` and lone `\r` breaks.
    private static func lineNumber(_ buf: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        var line = 1
        var i = 0
        while i < offset && i < buf.count {
            let b = buf[i]
            if b == 0x0A {
                line += 1
            } else if b == 0x0D && !(i + 1 < buf.count && buf[i + 1] == 0x0A) {
                line += 1
            }
            i += 1
        }
        return line
    }
}
