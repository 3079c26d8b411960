/// Extracts a module's top-level imports and classes from Python source without running it,
/// the same statements Avocado's safeloader reads from the module's AST.
public enum PythonScanner {
    /// Scans one module given as the file's bytes (UTF-8, or Latin-1 when a PEP 263 coding
    /// line says so; a leading BOM is skipped). Fails only with tokenizer-level errors (the
    /// file would not compile); statements the scanner does not understand are skipped.
    public static func scan(_ source: [UInt8]) -> Result<PythonModule, PythonSyntaxError> {
        let utf8: [UInt8]
        switch PythonSourceEncoding.utf8Source(source) {
        case .failure(let error): return .failure(error)
        case .success(let decoded): utf8 = decoded
        }
        switch PythonTokenizer.tokenize(utf8, includeTrivia: false) {
        case .failure(let error):
            return .failure(error)
        case .success(let tokens):
            return utf8.withUnsafeBufferPointer { buffer -> Result<PythonModule, PythonSyntaxError> in
                guard let base = buffer.baseAddress else { return .success(PythonModule()) }
                var parser = PythonModuleParser(source: buffer, base: base, tokens: tokens)
                if let error = parser.blockStructureError() { return .failure(error) }
                return .success(parser.parseModule())
            }
        }
    }

    /// Convenience for callers holding any byte collection.
    public static func scan(_ source: some Collection<UInt8>) -> Result<PythonModule, PythonSyntaxError> {
        scan(Array(source))
    }
}
