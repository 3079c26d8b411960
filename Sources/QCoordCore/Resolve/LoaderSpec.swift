/// One entry of `--loaders`, as the seed's Avocado understands it:
/// `file`, `file.SIMPLE`, `file.INSTRUMENTED`, `file.PyUNITTEST`, `external:RUNNER ARGS`,
/// `external.EXTERNAL:RUNNER`, `tap`, and `@DEFAULT` (every default loader not named).
public struct LoaderSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Loader: String, Sendable, Hashable, CaseIterable {
        case file, external, tap
        /// `@DEFAULT`: replaced by `expand` with the default loaders not named elsewhere.
        case defaults = "@DEFAULT"
    }

    public var loader: Loader
    /// The test types this loader may produce; nil = all of the loader's types.
    public var types: [TestKind]?
    /// The text after `:` (external: the runner and its arguments).
    public var options: String?

    public init(loader: Loader, types: [TestKind]? = nil, options: String? = nil) {
        self.loader = loader
        self.types = types
        self.options = options
    }

    /// The loaders used when `--loaders` is not given: file, then tap.
    public static let defaultLoaders: [LoaderSpec] = [LoaderSpec(loader: .file), LoaderSpec(loader: .tap)]

    /// The types each loader can produce, in the file loader's order of precedence.
    public static func supportedTypes(of loader: Loader) -> [TestKind] {
        switch loader {
        case .file: [.instrumented, .pyUnittest, .simple, .functional]
        case .external: [.external]
        case .tap: [.tap]
        case .defaults: []
        }
    }

    /// Every accepted spelling, for error messages.
    public static let accepted = "file, file.INSTRUMENTED, file.PyUNITTEST, file.SIMPLE, file.FUNCTIONAL, tap, "
        + "external:RUNNER [ARGS], external.EXTERNAL:RUNNER [ARGS], @DEFAULT"

    /// Parses one `--loaders` value.
    public static func parse(_ text: String) -> Result<LoaderSpec, LoaderSpecError> {
        let namePart: Substring
        var options: String?
        if let colon = text.firstIndex(of: ":") {
            namePart = text[..<colon]
            options = String(text[text.index(after: colon)...])
        } else {
            namePart = Substring(text)
        }
        var loaderName = namePart
        var typeName: Substring?
        if let dot = namePart.firstIndex(of: ".") {
            loaderName = namePart[..<dot]
            typeName = namePart[namePart.index(after: dot)...]
        }
        guard let loader = Loader(rawValue: String(loaderName)) else {
            return .failure(LoaderSpecError(spec: text, reason: "unknown loader \"\(loaderName)\""))
        }
        if loader == .defaults && (typeName != nil || options != nil) {
            return .failure(LoaderSpecError(spec: text, reason: "@DEFAULT takes no type or options"))
        }
        var types: [TestKind]?
        if let typeName {
            guard let kind = TestKind(rawValue: String(typeName)), supportedTypes(of: loader).contains(kind) else {
                let valid = supportedTypes(of: loader).map { "\(loader.rawValue).\($0.rawValue)" }.joined(separator: ", ")
                return .failure(LoaderSpecError(spec: text, reason: "loader \"\(loader.rawValue)\" has no test type \"\(typeName)\" (valid: \(valid))"))
            }
            types = [kind]
        }
        if loader == .external, let opts = options {
            if case .failure(let error) = ShellWords.split(opts) {
                return .failure(LoaderSpecError(spec: text, reason: error.message))
            }
        }
        return .success(LoaderSpec(loader: loader, types: types, options: options))
    }

    /// Replaces `@DEFAULT` with the default loaders not named elsewhere (a default loader is
    /// named only by its bare name, as in the seed's Avocado: `file.SIMPLE` does not name `file`).
    public static func expand(_ specs: [LoaderSpec]) -> [LoaderSpec] {
        guard let index = specs.firstIndex(where: { $0.loader == .defaults }) else { return specs }
        let unnamed = defaultLoaders.filter { !specs.contains($0) }
        let rest = specs[specs.index(after: index)...].filter { $0.loader != .defaults }
        return Array(specs[..<index]) + unnamed + rest
    }

    /// The external runner and its arguments (`external:/bin/echo -e` → ["/bin/echo", "-e"]).
    public var runner: [String]? {
        guard loader == .external, let options, case .success(let words) = ShellWords.split(options), !words.isEmpty else {
            return nil
        }
        return words
    }

    public var description: String {
        var text = loader.rawValue
        if let types { text += "." + types.map(\.rawValue).joined(separator: ",") }
        if let options { text += ":" + options }
        return text
    }
}

/// A `--loaders` value that cannot be used.
public struct LoaderSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    public var spec: String
    public var reason: String
    public var description: String {
        "invalid loader \"\(spec)\": \(reason); use one of: \(LoaderSpec.accepted)"
    }
}

/// POSIX-shell-like word splitting (quotes and backslashes), as `shlex.split` does.
public enum ShellWords {
    public struct SplitError: Error, Sendable, Hashable { public var message: String }

    public static func split(_ text: String) -> Result<[String], SplitError> {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaping = false
        for ch in text {
            if escaping {
                current.append(ch)
                escaping = false
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaping = true
                } else {
                    current.append(ch)
                }
                continue
            }
            switch ch {
            case "\\":
                escaping = true
                inWord = true
            case "'", "\"":
                quote = ch
                inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default:
                current.append(ch)
                inWord = true
            }
        }
        if quote != nil { return .failure(SplitError(message: "no closing quotation")) }
        if escaping { return .failure(SplitError(message: "no escaped character")) }
        if inWord { words.append(current) }
        return .success(words)
    }
}
