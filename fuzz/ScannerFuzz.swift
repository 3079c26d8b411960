import QCoordCore

/// libFuzzer entry: any bytes are a Python file; the scanner must return a module or a
/// syntax error, never trap, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScanner(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch PythonScanner.scan(bytes) {
    case .success(let module): _ = module.classes.count
    case .failure(let error): _ = error.description
    }
    return 0
}
