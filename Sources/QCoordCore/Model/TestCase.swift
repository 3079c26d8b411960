/// One resolved test: what to run, where it came from, and its tags.
public struct TestCase: Sendable, Hashable, Codable {
    public var kind: TestKind
    /// `file.py:Class.method` for INSTRUMENTED / PyUNITTEST; the reference itself otherwise.
    public var name: String
    /// The file (or executable, or reference) as the user referenced it.
    public var uri: String
    public var tags: Tags
    /// EXTERNAL: the runner and its arguments (the reference is appended at run time).
    public var runner: [String]?
    /// `:avocado: dependency=` values, raw JSON text, in order.
    public var dependencies: [String]

    public init(kind: TestKind, name: String, uri: String, tags: Tags = Tags(),
                runner: [String]? = nil, dependencies: [String] = []) {
        self.kind = kind
        self.name = name
        self.uri = uri
        self.tags = tags
        self.runner = runner
        self.dependencies = dependencies
    }

    /// The test's single `arch:` tag value, else nil.
    public var arch: String? { tags.single("arch") }
}
