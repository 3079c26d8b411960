/// QEMU's tests/functional under meson's suites: a FUNCTIONAL test runs once for each meson
/// target whose suites run its file (docs/functional.md).
///
/// A copy is named `file.py:Class.method;arch=T` (as `--arch` matrix copies are), its
/// `matrixArch` is T and its `functional.meson` keeps only T's meson tests in the chosen suites
/// (the job plan takes the time limit from them). A test no meson.build names runs as the target
/// of its folder (QEMU ≥ 10.2 `tests/functional/<target>/`), else as an arch-neutral test.
public struct FunctionalMatrix: Sendable, Hashable {
    /// `--arch`: only these targets (nil: every target of the file).
    public var arches: [String]?
    /// `--suite quick|thorough`: only meson tests of these speeds (nil: both).
    public var speeds: Set<FunctionalSpeed>?

    public init(arches: [String]? = nil, speeds: Set<FunctionalSpeed>? = nil) {
        var seen: Set<String> = []
        self.arches = arches.map { $0.map(ArchName.normalize).filter { seen.insert($0).inserted } }
        self.speeds = speeds
    }

    /// `--suite` values: `quick`, `thorough` (commas and/or repeated); nil for none; throws the
    /// first unknown one.
    public static func parseSuites(_ values: [String]) throws(UnknownSuite) -> Set<FunctionalSpeed>? {
        let list = values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        guard !list.isEmpty else { return nil }
        var out: Set<FunctionalSpeed> = []
        for name in list {
            guard let speed = FunctionalSpeed(rawValue: name) else { throw UnknownSuite(name: name) }
            out.insert(speed)
        }
        return out
    }

    public struct UnknownSuite: Error, Sendable, CustomStringConvertible {
        public var name: String
        public var description: String {
            "unknown suite '\(name)': use quick or thorough (meson's func-quick and func-thorough)"
        }
    }

    /// The job's tests with every FUNCTIONAL test replaced by its per-target copies, in order;
    /// other kinds pass unchanged. With `--suite`, a functional test in none of its suites is dropped.
    public func expand(_ tests: [TestCase]) -> [TestCase] {
        var out: [TestCase] = []
        out.reserveCapacity(tests.count)
        for test in tests {
            guard test.kind == .functional, let info = test.functional else {
                out.append(test)
                continue
            }
            var meson = info.meson.filter { speeds?.contains($0.speed) ?? true }
            if meson.isEmpty && !info.meson.isEmpty { continue }
            var targets: [String] = []
            for m in meson where !targets.contains(ArchName.normalize(m.target)) { targets.append(ArchName.normalize(m.target)) }
            // A generic test runs for every configured target, also one without lists of its own
            // (meson adds tests_generic_<mode> to each): an --arch target it has no entry for gets one.
            if let arches, let template = meson.first(where: { $0.generic && $0.mode == FunctionalMode.system }) {
                for arch in arches where !targets.contains(arch) {
                    var entry = template
                    entry.target = arch
                    entry.timeout = FunctionalMesonModel.defaultTimeout
                    meson.append(entry)
                    targets.append(arch)
                }
            }
            if targets.isEmpty {
                if speeds != nil { continue }
                if let folder = Self.folderTarget(test.uri) {
                    targets = [folder]
                } else {
                    // Named by no meson.build and in no target's folder: arch-neutral, or a copy per --arch.
                    guard let arches else {
                        out.append(test)
                        continue
                    }
                    targets = arches
                }
            }
            for target in targets where arches?.contains(target) ?? true {
                var copy = test
                copy.name = test.name + TestCase.archSuffix(target)
                copy.matrixArch = target
                copy.functional?.meson = meson.filter { ArchName.normalize($0.target) == target }
                out.append(copy)
            }
        }
        return out
    }

    /// Without `--arch`: the functional copies whose target no host can run are left out (a
    /// tree's tests for all of QEMU's targets, run where binaries exist, as `make
    /// check-functional` runs the configured targets). Returns the kept tests and how many copies
    /// were left out per target.
    public static func keepRunnable(_ tests: [TestCase], hostTargets: Set<String>) -> (tests: [TestCase], dropped: [String: Int]) {
        var dropped: [String: Int] = [:]
        let kept = tests.filter { test in
            guard test.kind == .functional, let target = test.matrixArch else { return true }
            if hostTargets.contains(target) { return true }
            dropped[target, default: 0] += 1
            return false
        }
        return (kept, dropped)
    }

    /// `…/tests/functional/<target>/test_x.py` → target (QEMU ≥ 10.2); nil for `generic/` and
    /// the flat layout.
    public static func folderTarget(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[parts.count - 3] == "functional" else { return nil }
        let folder = String(parts[parts.count - 2])
        return folder == "generic" || folder == "qemu_test" ? nil : ArchName.normalize(folder)
    }

    /// The time limit of a copy: its meson tests' (the longest, when several suites name the
    /// file), nil when none names it.
    public static func mesonTimeout(_ test: TestCase) -> Double? {
        test.functional?.meson.map(\.timeout).max().map(Double.init)
    }

    /// Whether a copy's meson tests all run a user-mode emulator (`qemu-T`, not `qemu-system-T`).
    public static func isUserMode(_ test: TestCase) -> Bool {
        guard let meson = test.functional?.meson, !meson.isEmpty else { return false }
        return meson.allSatisfy { $0.mode != .system }
    }
}
