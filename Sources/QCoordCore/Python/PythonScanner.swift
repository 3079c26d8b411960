/// Extracts a module's top-level imports and classes from Python source without running it,
/// the same statements Avocado's safeloader reads from the module's AST.
public enum PythonScanner {
    /// Scans one module. Fails only with tokenizer-level errors (the source would not
    /// compile); statements the scanner does not understand are skipped, never fatal.
    public static func scan(_ original: [UInt8]) -> Result<PythonModule, PythonSyntaxError> {
        let source: [UInt8]
        switch PythonSourceEncoding.utf8Source(original) {
        case .failure(let error): return .failure(error)
        case .success(let utf8): source = utf8
        }
        switch PythonTokenizer.tokenize(source, includeTrivia: false) {
        case .failure(let error):
            return .failure(error)
        case .success(let tokens):
            let module = source.withUnsafeBufferPointer { buffer -> PythonModule in
                guard let base = buffer.baseAddress else { return PythonModule() }
                var parser = PythonModuleParser(source: buffer, base: base, tokens: tokens)
                return parser.parseModule()
            }
            return .success(module)
        }
    }

    /// Convenience for callers holding any byte collection.
    public static func scan(_ source: some Collection<UInt8>) -> Result<PythonModule, PythonSyntaxError> {
        scan(Array(source))
    }
}
