/// `--arch A,B,…`: one copy of every arch-neutral test per listed arch, and tests with `arch:`
/// tags only for their tagged arches that are listed.
///
/// A copy is named `file.py:Class.method;arch=A` (that id is used everywhere: results,
/// history, shards, merge) and carries `arch=A` plus the per-arch parameters (`-p A:k=v`). A test
/// with exactly one `arch:` tag is not a copy: it keeps its name, and gets its arch's parameters.
/// For arches whose QEMU has no default machine, or an unsuitable one, a built-in machine is
/// added when neither the test (a `machine:` tag) nor the user (`-p machine=`, `-p A:machine=`)
/// names one. See docs/arch-matrix.md.
public struct ArchMatrix: Sendable, Hashable {
    /// QEMU targets, normalized, in the order given, without duplicates.
    public var arches: [String]
    /// arch → parameters for that arch only (`-p A:key=value`).
    public var archParams: [String: [String: String]]

    /// aarch64 and arm have no default machine; riscv64's (`spike`) does not suit arch-neutral
    /// tests; on s390x, tests that boot nothing work only with `none`.
    public static let builtInMachines: [String: String] = [
        "aarch64": "virt", "arm": "virt", "riscv64": "virt", "riscv32": "virt", "s390x": "none",
    ]

    public init(arches: [String], archParams: [String: [String: String]] = [:]) {
        var seen: Set<String> = []
        self.arches = arches.map(ArchName.normalize).filter { seen.insert($0).inserted }
        var params: [String: [String: String]] = [:]
        for (arch, p) in archParams { params[ArchName.normalize(arch), default: [:]].merge(p) { _, new in new } }
        self.archParams = params
    }

    /// Parses `--arch x86_64,aarch64` (commas and/or repeated options); nil for an empty list.
    public static func parseArches(_ values: [String]) -> [String]? {
        let list = values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        return list.isEmpty ? nil : list
    }

    /// Splits the `-p` values into job-wide ones (`k=v`) and per-arch ones (`A:k=v`, where A
    /// contains no `=`). Nil for a value with no `=` or an empty key.
    public static func splitParameters(_ values: [String]) -> (job: [String: String], perArch: [String: [String: String]])? {
        var job: [String: String] = [:]
        var perArch: [String: [String: String]] = [:]
        for value in values {
            guard let eq = value.firstIndex(of: "=") else { return nil }
            let key = value[..<eq], v = String(value[value.index(after: eq)...])
            if let colon = key.firstIndex(of: ":") {
                let arch = String(key[..<colon]), k = String(key[key.index(after: colon)...])
                guard !arch.isEmpty, !k.isEmpty else { return nil }
                perArch[ArchName.normalize(arch), default: [:]][k] = v
            } else {
                guard !key.isEmpty else { return nil }
                job[String(key)] = v
            }
        }
        return (job, perArch)
    }

    /// Job-wide parameters that name an arch's hardware (`machine`, `cpu`, `qemu_bin`): with several
    /// arches in `--arch` a plain `-p machine=virt` goes to every arch's copies (and turns the
    /// built-in machines off), which is rarely meant. One warning per such key, sorted, naming
    /// the per-arch form; none with fewer than two arches.
    public static func sharedParameterWarnings(job: [String: String], arches: [String]) -> [String] {
        guard arches.count > 1 else { return [] }
        return job.keys.filter(archSpecificKeys.contains).sorted().map { key in
            let value = job[key] ?? ""
            return "'-p \(key)=\(value)' applies to every arch of '--arch \(arches.joined(separator: ","))'; "
                + "for one arch write '-p \(arches[1]):\(key)=\(value)'"
        }
    }

    /// Parameters whose value only makes sense for one QEMU target.
    public static let archSpecificKeys: Set<String> = ["machine", "cpu", "qemu_bin"]

    /// The job's tests under the matrix, in order: each test's copies in the order of `arches`.
    /// - Parameter jobParams: the job-wide `-p` (a `machine` there disables the built-in machines).
    public func expand(_ tests: [TestCase], jobParams: [String: String] = [:]) -> [TestCase] {
        var out: [TestCase] = []
        out.reserveCapacity(tests.count * max(1, arches.count))
        for test in tests {
            // FUNCTIONAL tests run per meson target: FunctionalMatrix, not this matrix.
            if test.kind == .functional {
                out.append(test)
                continue
            }
            let tagged = Set((test.tags["arch"] ?? []).map(ArchName.normalize))
            let runAs = tagged.isEmpty ? arches : arches.filter(tagged.contains)
            for arch in runAs {
                var copy = test
                var params = test.params ?? [:]
                params.merge(archParams[arch] ?? [:]) { _, new in new }
                if tagged.count != 1 {
                    copy.name = test.name + TestCase.archSuffix(arch)
                    copy.matrixArch = arch
                    params["arch"] = arch
                }
                let namesMachine = params["machine"] != nil || jobParams["machine"] != nil
                    || !(test.tags["machine"] ?? []).isEmpty
                if !namesMachine, let machine = Self.builtInMachines[arch] { params["machine"] = machine }
                copy.params = params.isEmpty ? nil : params
                out.append(copy)
            }
        }
        return out
    }
}

