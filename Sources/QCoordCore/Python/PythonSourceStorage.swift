/// An immutable copy of a source file that the tokenizer reads through a raw pointer:
/// its hot loops then pay no array bounds checks or buffer reloads. The copy is a memcpy,
/// negligible next to tokenizing.
final class PythonSourceStorage {
    let pointer: UnsafeMutablePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) {
        count = bytes.count
        pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
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
