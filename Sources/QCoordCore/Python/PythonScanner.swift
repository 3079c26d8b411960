/// Extracts a module's top-level imports and classes from Python source without running it,
/// the same statements Avocado's safeloader reads from the module's AST.
public enum PythonScanner {
    /// Scans one module. Fails only with tokenizer-level errors (the source would not
    /// compile); statements the scanner does not understand are skipped, never fatal.
    public static func scan(_ source: [UInt8]) -> Result<PythonModule, PythonSyntaxError> {
        switch PythonTokenizer.tokenize(source, includeTrivia: false) {
        case .failure(let error):
            return .failure(error)
        case .success(let tokens):
            var parser = PythonModuleParser(source: source, tokens: tokens)
            return .success(parser.parseModule())
        }
    }

    /// Convenience for callers holding any byte collection.
    public static func scan(_ source: some Collection<UInt8>) -> Result<PythonModule, PythonSyntaxError> {
        scan(Array(source))
    }
}
