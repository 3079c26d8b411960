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
    /// FUNCTIONAL: its unittest id and the meson tests that run its file.
    public var functional: FunctionalTest?
    /// What it downloads, found statically (Avocado `fetch_asset`, functional `Asset`); nil: none found.
    public var assets: [AssetRef]?

    public init(kind: TestKind, name: String, uri: String, tags: Tags = Tags(),
                runner: [String]? = nil, dependencies: [String] = [],
                matrixArch: String? = nil, params: [String: String]? = nil, functional: FunctionalTest? = nil,
                assets: [AssetRef]? = nil) {
        self.functional = functional
        self.assets = assets
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

/// What a FUNCTIONAL test (QEMU's tests/functional) carries besides its name, all found
/// statically: the id Python's unittest loader gives it, the meson tests that run its file,
/// and what its code declares (docs/functional.md).
public struct FunctionalTest: Sendable, Hashable, Codable {
    /// As unittest prints it: `test_x86_64_foo.FooTest.test_bar` (10.0), `test_foo.FooTest.test_bar` (≥ 10.2).
    public var unittestID: String
    /// Every meson test (target, suite, timeout) that runs the file; empty when no meson.build names it.
    public var meson: [FunctionalMesonTest]
    /// `self.require_accelerator('kvm')` or `-accel kvm` in its code: only a native host with usable KVM.
    public var requiresKVM: Bool
    /// Its skip decorators as written (`skipFlakyTest(bug_url=...)`, `skipIfMissingCommands('xorriso')`, …).
    public var skips: [String]
    public init(unittestID: String, meson: [FunctionalMesonTest] = [], requiresKVM: Bool = false,
                skips: [String] = []) {
        self.unittestID = unittestID
        self.meson = meson
        self.requiresKVM = requiresKVM
        self.skips = skips
    }

    enum CodingKeys: String, CodingKey {
        case meson, skips
        case unittestID = "unittest_id"
        case requiresKVM = "requires_kvm"
    }
}
