/// The type of a resolved test, named as Avocado's classic loaders name them.
public enum TestKind: String, Codable, Sendable, CaseIterable, Hashable {
    case instrumented = "INSTRUMENTED"
    case pyUnittest = "PyUNITTEST"
    case simple = "SIMPLE"
    case tap = "TAP"
    case external = "EXTERNAL"
    /// A test of QEMU's tests/functional (unittest + `qemu_test`, TAP, meson suites): run per
    /// meson target, as meson runs it (docs/functional.md).
    case functional = "FUNCTIONAL"
    case missing = "MISSING"

    /// Avocado 113's kind name (`avocado-instrumented`, …), nil where 113 has none.
    public var avocadoKind: String? {
        switch self {
        case .instrumented: "avocado-instrumented"
        case .pyUnittest: "python-unittest"
        case .simple: "exec-test"
        case .tap: "tap"
        case .external, .functional, .missing: nil
        }
    }
}
