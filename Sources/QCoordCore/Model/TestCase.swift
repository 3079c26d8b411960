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
    /// `--arch` matrix: the arch this copy runs as; `name` then ends in `;arch=<matrixArch>`.
    public var matrixArch: String?
    /// Parameters for this test only (per-arch `-p A:k=v`, built-in machines), over the job's `-p`.
    public var params: [String: String]?

    public init(kind: TestKind, name: String, uri: String, tags: Tags = Tags(),
                runner: [String]? = nil, dependencies: [String] = [],
                matrixArch: String? = nil, params: [String: String]? = nil) {
        self.kind = kind
        self.name = name
        self.uri = uri
        self.tags = tags
        self.runner = runner
        self.dependencies = dependencies
        self.matrixArch = matrixArch
        self.params = params
    }

    /// The arch a matrix copy runs as, else the test's single `arch:` tag value, else nil.
    public var arch: String? { matrixArch ?? tags.single("arch") }

    /// The name the test is run by: `name` without a matrix copy's `;arch=A` suffix.
    public var baseName: String {
        guard let matrixArch, name.hasSuffix(Self.archSuffix(matrixArch)) else { return name }
        return String(name.dropLast(Self.archSuffix(matrixArch).count))
    }

    /// `;arch=A`, the suffix of a matrix copy's test id.
    public static func archSuffix(_ arch: String) -> String { ";arch=" + arch }
}
