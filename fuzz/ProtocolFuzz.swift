import QCoordCore

/// libFuzzer entry for the agent protocol reader: the input is what a hostile agent writes
/// on its stdout. Lines are cut by `LineSplitter` (a small limit, so over-long lines are
/// reached) in chunks whose sizes the input picks, and each line is decoded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ProtocolFuzzing.exercise(bytes)
    return 0
}
