import QCoordCore

/// libFuzzer entry for the YAML inventory (and `--hosts` specs): a bad file is an
/// `InventoryError` with a line, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInventory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let inventory = try InventoryLoader.parse(yaml: text, file: "fuzz.yaml", home: "/home/fuzz")
        precondition(!inventory.hosts.isEmpty, "an inventory without hosts was accepted")
    } catch let error as InventoryError {
        _ = error.description
    } catch {
        preconditionFailure("InventoryLoader threw a non-InventoryError: \(error)")
    }
    _ = try? HostSpec.parseList(text)
    return 0
}
