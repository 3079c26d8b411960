import Testing
@testable import QCoordCore

/// Replays the saved corpus of `make fuzz-scanner`: every input gives a module or a syntax
/// error (a crash would kill the test run), the same one twice.
@Suite struct ScannerFuzzReplayTests {
    @Test func everySavedInputScansToAModuleOrAnError() throws {
        let inputs = try FuzzCorpus.inputs("scanner")
        #expect(inputs.count >= 10, "the saved scanner corpus is missing")
        for (name, bytes) in inputs {
            let first = PythonScanner.scan(bytes)
            #expect(first == PythonScanner.scan(bytes), "\(name): two scans differ")
            if case .failure(let error) = first {
                #expect(!error.message.isEmpty, "\(name): error without a message")
                #expect(error.line >= 1, "\(name): error on line \(error.line)")
            }
        }
    }
}
