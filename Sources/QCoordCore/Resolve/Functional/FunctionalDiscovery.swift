/// Static discovery of QEMU's tests/functional tests (issue 16): a `.py` file inside a
/// functional root (a directory holding the `qemu_test/` package and a `meson.build`, found by
/// walking up from the file) resolves as FUNCTIONAL, with the ids Python's unittest loader gives
/// its tests when meson runs the file (docs/functional-discovery.md).
///
/// How a file is read, as meson runs it (`python3 <root>/[<target>/]test_x.py`; `qemu_test`'s
/// `main()` then loads the module by its base name):
///   - module name: the file's base name without `.py`, in both layouts;
///   - imports: the file's own directory first, then the root and `<root>/../../python`
///     (meson's PYTHONPATH), through Avocado's safeloader rules for locating modules;
///   - the tests: the module's own `unittest.TestCase` classes (inheritance followed through
///     `qemu_test` and other test modules, as the safeloader does), plus every class the module
///     binds by `from X import C` that is a TestCase with test methods: the loader walks the
///     module's namespace, so an imported test class runs in this file too, under its own
///     module's name (`mipsel.test_malta.MaltaMachineYAMON.test_mipsel_malta_yamon` in
///     `mips64el/test_malta.py`).
/// Per root, once: the meson.build files (MesonSuites) and one safeloader.
final class FunctionalDiscovery {
    typealias Scan = SafeLoader.Scan

    private let tree: any SourceTree
    private let scan: Scan
    private let workingDirectory: String
    private let assets: AssetDiscovery

    private final class Root {
        let path: String
        let loader: SafeLoader
        var meson: FunctionalMesonModel?
        var mesonError: ParseError?
        var facts: [String: FunctionalSourceFacts?] = [:]
        init(path: String, loader: SafeLoader) {
            self.path = path
            self.loader = loader
        }
    }

    private var rootOfDirectory: [String: String?] = [:]
    private var roots: [String: Root] = [:]

    init(tree: any SourceTree, scan: @escaping Scan, workingDirectory: String, assets: AssetDiscovery) {
        self.tree = tree
        self.assets = assets
        self.scan = scan
        self.workingDirectory = workingDirectory
    }

    /// Every file that could not be scanned, and every meson.build that could not be read as data.
    var parseErrors: [ParseError] {
        var byPath: [String: ParseError] = [:]
        for root in roots.values {
            for (path, error) in root.loader.parseErrors { byPath[path] = error }
            if let error = root.mesonError { byPath[error.path] = error }
        }
        return Array(byPath.values)
    }

    /// The functional root a file (absolute path) is in, nil when none.
    func root(of file: String) -> String? {
        var dir = PathName.dirname(file)
        var visited: [String] = []
        var found: String?
        while true {
            if let cached = rootOfDirectory[dir] {
                found = cached
                break
            }
            visited.append(dir)
            if tree.status(of: PathName.join(dir, "qemu_test")).kind == .directory,
               tree.status(of: PathName.join(dir, "meson.build")).kind == .regular {
                found = dir
                break
            }
            let parent = PathName.dirname(dir)
            if parent == dir || parent.isEmpty { break }
            dir = parent
        }
        for d in visited { rootOfDirectory[d] = .some(found) }
        return found
    }

    /// Scans the files ahead of need, through each root's loader (see `SafeLoader.prefetch`).
    func prefetch(_ files: [String]) {
        var byRoot: [String: [String]] = [:]
        for file in files { if let root = root(of: file) { byRoot[root, default: []].append(file) } }
        for (path, files) in byRoot { state(path).loader.prefetch(files) }
    }

    private func state(_ path: String) -> Root {
        if let root = roots[path] { return root }
        let python = PathName.normalize(PathName.join(path, "../../python"))
        let root = Root(path: path, loader: SafeLoader(tree: tree, scan: scan, workingDirectory: workingDirectory,
                                                       importPaths: [path, python]))
        loadMeson(root)
        roots[path] = root
        return root
    }

    private func shown(_ path: String) -> String {
        let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private func relative(_ path: String, to root: String) -> String {
        String(path.dropFirst(root.count + 1))
    }

    /// The root's meson.build and, for the per-target layout, each `<dir>/meson.build`.
    private func loadMeson(_ root: Root) {
        var files: [String: String] = [:]
        var known: Set<String> = []
        for entry in tree.entries(of: root.path) ?? [] {
            known.insert(entry.name)
            guard entry.isDirectory else { continue }
            for sub in tree.entries(of: PathName.join(root.path, entry.name)) ?? [] { known.insert("\(entry.name)/\(sub.name)") }
        }
        for path in known where path == "meson.build" || path.hasSuffix("/meson.build") {
            guard let bytes = tree.contents(of: PathName.join(root.path, path)) else { continue }
            files[path] = String(decoding: bytes, as: UTF8.self)
        }
        switch MesonSuites.model(files: files, knownPaths: known) {
        case .success(let model):
            root.meson = model
        case .failure(let error):
            root.mesonError = ParseError(path: shown(PathName.join(root.path, error.file)), line: error.line,
                                         message: "not read as data: \(error.message)")
        }
    }

    private func facts(_ root: Root, _ path: String) -> FunctionalSourceFacts? {
        if let cached = root.facts[path] { return cached }
        let facts = tree.contents(of: path).flatMap(FunctionalSourceFacts.scan)
        root.facts[path] = facts
        return facts
    }

    enum Outcome {
        case tests([TestCase])
        case none(LoaderAttempt.Outcome)
    }

    /// The FUNCTIONAL tests of one file in a functional root. `displayPath` is the file as
    /// referenced; `filter` keeps the `Class.method` it matches.
    func tests(absolute: String, displayPath: String, filter: Regex<AnyRegexOutput>?, filterText: String?) -> Outcome {
        guard let rootPath = root(of: absolute) else { return .none(.notFound("not in a QEMU tests/functional tree")) }
        let root = state(rootPath)
        if absolute.hasPrefix(PathName.join(rootPath, "qemu_test") + "/") {
            return .none(.notFound("part of the qemu_test package, not a test file"))
        }
        let loader = root.loader
        let moduleName = String(PathName.basename(absolute).dropLast(3))
        var classes: [(location: SafeLoader.ClassLocation, methods: [SafeLoader.MethodInfo])] = []
        switch loader.findTests(target: .unittest, path: absolute, displayPath: displayPath) {
        case .failure(let failure):
            return .none(.error(failure.message))
        case .success(let own):
            let imported = loader.importedBindings(in: absolute)
            let rebound = Set(imported.map(\.bound))
            for (className, methods) in own where !rebound.contains(className) {
                classes.append((SafeLoader.ClassLocation(path: absolute, className: className, moduleName: moduleName), methods))
            }
            for (_, symbol) in imported {
                guard let location = loader.locateClass(symbol, symbolIsModule: false, className: symbol.symbol,
                                                        importerModule: moduleName),
                      location.moduleName != nil,
                      let exam = try? loader.examineClass(target: .unittest, path: location.path,
                                                          className: location.className, match: false),
                      exam.match, !exam.info.isEmpty else { continue }
                classes.append((location, exam.info))
            }
        }
        let meson = root.meson?.tests(running: relative(absolute, to: rootPath)) ?? []
        var tests: [TestCase] = []
        for (location, methods) in classes {
            let order = loader.lookupOrder(of: location)
            let declared = assets.functionalAssets(order: order, module: absolute, loader: loader)
            let classSkips = order.flatMap { loader.classStatement($0)?.decorators ?? [] }.filter(Self.isSkip)
            for method in methods {
                let classMethod = "\(location.className).\(method.name)"
                if let filter, (try? filter.firstMatch(in: classMethod)) == nil { continue }
                let methodSkips = order.lazy.compactMap { loader.classStatement($0)?.methods.first { $0.name == method.name } }
                    .first?.decorators.filter(Self.isSkip) ?? []
                var visited: Set<String> = []
                let kvm = requiresKVM(root, order: order, method: method.name, visited: &visited)
                    || requiresKVM(root, order: order, method: "setUp", visited: &visited)
                let functional = FunctionalTest(unittestID: "\(location.moduleName ?? moduleName).\(classMethod)", meson: meson,
                                                requiresKVM: kvm, skips: methodSkips + classSkips)
                tests.append(TestCase(kind: .functional, name: "\(displayPath):\(classMethod)", uri: displayPath,
                                      tags: Tags(method.tags), dependencies: method.dependencies, functional: functional,
                                      assets: declared.isEmpty ? nil : declared))
            }
        }
        if tests.isEmpty {
            let suffix = filterText.map { " matching \"\($0)\"" } ?? ""
            return .none(.notFound("no unittest.TestCase test methods found\(suffix)"))
        }
        return .tests(tests)
    }

    /// A skip decorator: the callee's last name starts with `skip` (`skipIf`, `unittest.skip`,
    /// `skipFlakyTest(...)`, `skipIfMissingCommands(...)`, …).
    static func isSkip(_ decorator: String) -> Bool {
        let callee = decorator.prefix { $0 != "(" }
        let last = callee.split(separator: ".").last.map(String.init)?.trimmingSpaces ?? ""
        return last.hasPrefix("skip")
    }

    /// The first definition of `method` along the lookup order requires KVM, directly or
    /// through the `self.<helper>(…)` calls it makes (each helper looked up the same way, once).
    private func requiresKVM(_ root: Root, order: [SafeLoader.ClassLocation], method: String, visited: inout Set<String>) -> Bool {
        guard visited.insert(method).inserted else { return false }
        for location in order {
            guard let info = facts(root, location.path)?.classes[location.className]?.methods[method] else { continue }
            if info.requiresKVM { return true }
            for call in info.selfCalls.sorted() where requiresKVM(root, order: order, method: call, visited: &visited) {
                return true
            }
            return false
        }
        return false
    }
}
