import QCoordCore

/// libFuzzer entry for everything that reads tag text: `-t` values, `AVOCADO_TAGS`, and the
/// `:avocado: tags=` docstring directives. Each must return, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTagFilter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    TagFuzzing.exercise(String(decoding: bytes, as: UTF8.self))
    return 0
}
