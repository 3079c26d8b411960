/// An immutable copy of a source file that the tokenizer reads through a raw pointer:
/// its hot loops then pay no array bounds checks or buffer reloads. The copy is a memcpy,
/// negligible next to tokenizing. Eight zero bytes follow the source: a hot loop stops at
/// a NUL, so it may read one byte past the end without a bounds check (NUL inside the
/// source is rejected before tokenizing).
final class PythonSourceStorage {
    static let padding = 8

    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + Self.padding)
        (pointer + bytes.count).initialize(repeating: 0, count: Self.padding)
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress {
                pointer.initialize(from: base, count: source.count)
            }
        }
    }

    deinit {
        pointer.deallocate()
    }
}
