/// Turns test references into tests statically, as Avocado does, with the seed's loader chain:
/// every reference goes through the loaders in order and is taken by the first that produces
/// tests; a reference nothing takes is listed as MISSING (directories excepted, as in Avocado).
///
/// Resolution never fails: every loader's answer, parse errors included, comes back as data
/// in the `Resolution`, so `list -V` can say why a reference was not resolved.
public struct TestResolver: Sendable {
    /// Tokenizes and scans one Python file (`PythonScanner.scan`).
    public typealias Scanner = @Sendable ([UInt8]) -> Result<PythonModule, PythonSyntaxError>

    public var tree: any SourceTree
    /// The loader chain, `@DEFAULT` already expanded or not (it is expanded here).
    public var loaders: [LoaderSpec]
    /// Absolute; relative references are relative to it (Avocado's `os.path.abspath`).
    public var workingDirectory: String
    /// Directories searched for imported modules after the importing file's own directory
    /// (Avocado searches `sys.path` there).
    public var importPaths: [String]
    public var scanner: Scanner

    public init(tree: any SourceTree, loaders: [LoaderSpec] = LoaderSpec.defaultLoaders,
                workingDirectory: String, importPaths: [String] = [],
                scanner: @escaping Scanner = { PythonScanner.scan($0) }) {
        self.tree = tree
        self.loaders = loaders
        self.workingDirectory = workingDirectory
        self.importPaths = importPaths
        self.scanner = scanner
    }

    public func resolve(_ references: [String]) -> Resolution {
        var run = ResolutionRun(resolver: self)
        return run.resolve(references)
    }
}

/// The state of one `resolve` call: caches shared by all references.
private struct ResolutionRun {
    let resolver: TestResolver
    let loader: SafeLoader
    let loaders: [LoaderSpec]
    /// QEMU's tests/functional files (FUNCTIONAL), with a safeloader of their own per root.
    let functional: FunctionalDiscovery
    /// What tests download (docs/assets.md), shared by both formats.
    let assets: AssetDiscovery
    var fileChains: [String: FileChainResult] = [:]

    init(resolver: TestResolver) {
        self.resolver = resolver
        self.loaders = LoaderSpec.expand(resolver.loaders)
        self.loader = SafeLoader(tree: resolver.tree, scan: resolver.scanner,
                                 workingDirectory: resolver.workingDirectory,
                                 importPaths: resolver.importPaths.map { PathName.absolute($0, in: resolver.workingDirectory) })
        self.assets = AssetDiscovery(tree: resolver.tree)
        self.functional = FunctionalDiscovery(tree: resolver.tree, scan: resolver.scanner,
                                              workingDirectory: resolver.workingDirectory, assets: assets)
    }

    mutating func resolve(_ references: [String]) -> Resolution {
        var resolution = Resolution()
        var expanded: [(reference: String, isDirectory: Bool, paths: [String])] = []
        for reference in references {
            let isDirectory = resolver.tree.status(of: reference).kind == .directory
            expanded.append((reference, isDirectory, isDirectory ? expandDirectory(reference) : [reference]))
        }
        if loaders.contains(where: { $0.loader == .file && ($0.types?.contains(where: { $0 != .simple }) ?? true) }) {
            let python = expanded.flatMap(\.paths).filter { $0.hasSuffix(".py") }
                .map { PathName.absolute($0, in: resolver.workingDirectory) }
            let (inRoots, others) = python.reduce(into: ([String](), [String]())) { parts, path in
                if functional.root(of: path) != nil { parts.0.append(path) } else { parts.1.append(path) }
            }
            loader.prefetch(others)
            functional.prefetch(inRoots)
        }
        for (reference, isDirectory, paths) in expanded {
            var resolvedAny = false
            for path in paths {
                let (tests, attempts) = resolveOne(path)
                let start = resolution.entries.count
                resolution.entries += tests
                resolution.reports.append(ReferenceReport(reference: path, origin: reference, attempts: attempts,
                                                          entries: start..<resolution.entries.count))
                resolvedAny = resolvedAny || !tests.isEmpty
            }
            if !resolvedAny && !isDirectory {
                resolution.entries.append(TestCase(kind: .missing, name: reference, uri: reference))
            }
        }
        var parseErrors = loader.parseErrors
        for error in functional.parseErrors where parseErrors[error.path] == nil { parseErrors[error.path] = error }
        resolution.parseErrors = parseErrors.values.sorted { ($0.path, $0.line) < ($1.path, $1.line) }
        return resolution
    }

    /// Avocado's `_extend_directory`: `os.walk` top-down, files then sub-directories, each
    /// sorted by code point; hidden files skipped (hidden directories are walked), linked
    /// directories not entered.
    func expandDirectory(_ directory: String) -> [String] {
        var paths: [String] = []
        func walk(_ dir: String) {
            guard let entries = resolver.tree.entries(of: dir) else { return }
            let sorted = entries.sorted { PathName.codePointPrecedes($0.name, $1.name) }
            for entry in sorted where !entry.isDirectory && !entry.name.hasPrefix(".") {
                paths.append(PathName.join(dir, entry.name))
            }
            for entry in sorted where entry.isDirectory && !entry.isSymbolicLink {
                walk(PathName.join(dir, entry.name))
            }
        }
        walk(directory)
        return paths.isEmpty ? [directory] : paths
    }

    mutating func resolveOne(_ reference: String) -> ([TestCase], [LoaderAttempt]) {
        var attempts: [LoaderAttempt] = []
        for spec in loaders {
            switch spec.loader {
            case .defaults:
                continue
            case .file:
                let chain = fileChain(reference)
                if let types = spec.types {
                    let name = spec.description
                    if let kind = chain.tests.first?.kind {
                        if types.contains(kind) {
                            attempts.append(LoaderAttempt(loader: name, outcome: .resolved(count: chain.tests.count)))
                            return (chain.tests, attempts)
                        }
                        attempts.append(LoaderAttempt(loader: name, outcome: .notFound("resolves as \(kind.rawValue), which this loader does not accept")))
                    } else {
                        let why = chain.attempts.first { $0.loader == "file.\(types[0].rawValue)" }?.info ?? "not a test file"
                        attempts.append(LoaderAttempt(loader: name, outcome: .notFound(why)))
                    }
                } else {
                    attempts += chain.attempts
                    if !chain.tests.isEmpty { return (chain.tests, attempts) }
                }
            case .external:
                let name = spec.description
                guard let runner = spec.runner else {
                    attempts.append(LoaderAttempt(loader: name, outcome: .notFound("no external runner given; use \"external:RUNNER [ARGS]\"")))
                    continue
                }
                attempts.append(LoaderAttempt(loader: name, outcome: .resolved(count: 1)))
                return ([TestCase(kind: .external, name: reference, uri: reference, runner: runner)], attempts)
            case .tap:
                // meson runs a tests/functional file with Python or not at all: never as TAP.
                if fileChain(reference).attempts.first?.loader == "file.\(TestKind.functional.rawValue)" {
                    attempts.append(LoaderAttempt(loader: spec.description,
                                                  outcome: .notFound("a Python file of a QEMU tests/functional tree")))
                    continue
                }
                if let why = checkExecutable(reference) {
                    attempts.append(LoaderAttempt(loader: spec.description, outcome: .notFound(why)))
                    continue
                }
                attempts.append(LoaderAttempt(loader: spec.description, outcome: .resolved(count: 1)))
                return ([TestCase(kind: .tap, name: reference, uri: reference)], attempts)
            }
        }
        return ([], attempts)
    }

    struct FileChainResult {
        var tests: [TestCase]
        var attempts: [LoaderAttempt]
    }

    /// Avocado 113's file resolvers in order: avocado-instrumented, python-unittest, exec-test;
    /// a Python file inside a QEMU tests/functional root is FUNCTIONAL instead (or nothing).
    mutating func fileChain(_ reference: String) -> FileChainResult {
        if let cached = fileChains[reference] { return cached }
        if let result = functionalChain(reference) {
            fileChains[reference] = result
            return result
        }
        var attempts: [LoaderAttempt] = []
        var tests: [TestCase] = []
        for (kind, target) in [(TestKind.instrumented, SafeLoader.Target.avocado), (.pyUnittest, .unittest)] {
            let name = "file.\(kind.rawValue)"
            switch pythonTests(reference, kind: kind, target: target) {
            case .success(let found):
                attempts.append(LoaderAttempt(loader: name, outcome: .resolved(count: found.count)))
                tests = found
            case .failure(let outcome):
                attempts.append(LoaderAttempt(loader: name, outcome: outcome))
            }
            if !tests.isEmpty { break }
        }
        if tests.isEmpty {
            if let why = checkExecutable(reference) {
                attempts.append(LoaderAttempt(loader: "file.SIMPLE", outcome: .notFound(why)))
            } else {
                attempts.append(LoaderAttempt(loader: "file.SIMPLE", outcome: .resolved(count: 1)))
                tests = [TestCase(kind: .simple, name: reference, uri: reference)]
            }
        }
        let result = FileChainResult(tests: tests, attempts: attempts)
        fileChains[reference] = result
        return result
    }

    /// A `.py` file (optionally `file.py:REGEX`) inside a functional root: its FUNCTIONAL tests,
    /// or why it has none; nil for every other reference (the Avocado chain takes it).
    func functionalChain(_ reference: String) -> FileChainResult? {
        var modulePath = reference
        var filterText: String?
        if !resolver.tree.status(of: reference).exists, let colon = reference.lastIndex(of: ":") {
            modulePath = String(reference[..<colon])
            filterText = String(reference[reference.index(after: colon)...])
        }
        guard modulePath.hasSuffix(".py"), checkFile(modulePath, suffix: ".py", typeName: "regular file", executable: false) == nil
        else { return nil }
        let absolute = PathName.absolute(modulePath, in: resolver.workingDirectory)
        guard functional.root(of: absolute) != nil else { return nil }
        let name = "file.\(TestKind.functional.rawValue)"
        var filter: Regex<AnyRegexOutput>?
        if let filterText {
            do {
                filter = try Regex(filterText)
            } catch {
                return FileChainResult(tests: [], attempts: [LoaderAttempt(loader: name, outcome: .error("invalid regular expression \"\(filterText)\": \(error)"))])
            }
        }
        switch functional.tests(absolute: absolute, displayPath: modulePath, filter: filter, filterText: filterText) {
        case .tests(let tests):
            return FileChainResult(tests: tests, attempts: [LoaderAttempt(loader: name, outcome: .resolved(count: tests.count))])
        case .none(let outcome):
            return FileChainResult(tests: [], attempts: [LoaderAttempt(loader: name, outcome: outcome)])
        }
    }

    enum PythonOutcome {
        case success([TestCase])
        case failure(LoaderAttempt.Outcome)
    }

    /// Avocado's `python_resolver`.
    mutating func pythonTests(_ reference: String, kind: TestKind, target: SafeLoader.Target) -> PythonOutcome {
        var modulePath = reference
        var filterText: String?
        // `reference_split`: only a path that does not exist is split at its last colon.
        if !resolver.tree.status(of: reference).exists, let colon = reference.lastIndex(of: ":") {
            modulePath = String(reference[..<colon])
            filterText = String(reference[reference.index(after: colon)...])
        }
        var filter: Regex<AnyRegexOutput>?
        if let filterText {
            do {
                filter = try Regex(filterText)
            } catch {
                return .failure(LoaderAttempt.Outcome.error("invalid regular expression \"\(filterText)\": \(error)"))
            }
        }
        if let why = checkFile(modulePath, suffix: ".py", typeName: "regular file", executable: false) {
            // A Python file that is there but may not be read: its tests are lost, say so.
            let status = resolver.tree.status(of: modulePath)
            if modulePath.hasSuffix(".py"), status.kind == .regular, !status.ownerReadable, loader.parseErrors[modulePath] == nil {
                loader.parseErrors[modulePath] = ParseError(path: modulePath, line: 0, message: "cannot be read (no read permission)",
                                                            reading: true)
            }
            return .failure(LoaderAttempt.Outcome.notFound(why))
        }
        let absolute = PathName.absolute(modulePath, in: resolver.workingDirectory)
        switch loader.findTests(target: target, path: absolute, displayPath: modulePath) {
        case .failure(let failure):
            return .failure(LoaderAttempt.Outcome.error(failure.message))
        case .success(let classes):
            var tests: [TestCase] = []
            for (className, methods) in classes {
                // INSTRUMENTED: the `fetch_asset` calls found statically (docs/assets.md).
                let order = kind == .instrumented
                    ? loader.lookupOrder(of: SafeLoader.ClassLocation(path: absolute, className: className, moduleName: nil)) : []
                for method in methods {
                    let classMethod = "\(className).\(method.name)"
                    if let filter, (try? filter.firstMatch(in: classMethod)) == nil { continue }
                    let found = order.isEmpty ? [] : assets.avocadoAssets(order: order, method: method.name, loader: loader)
                    tests.append(TestCase(kind: kind, name: "\(modulePath):\(classMethod)", uri: modulePath,
                                          tags: Tags(method.tags), dependencies: method.dependencies,
                                          assets: found.isEmpty ? nil : found))
                }
            }
            if tests.isEmpty {
                let what = kind == .instrumented ? "avocado.Test" : "unittest.TestCase"
                let suffix = filterText.map { " matching \"\($0)\"" } ?? ""
                return .failure(LoaderAttempt.Outcome.notFound("no \(what) test methods found\(suffix)"))
            }
            return .success(tests)
        }
    }

    /// Avocado's `check_file`; nil when the file qualifies, else why not (Avocado's words).
    func checkFile(_ path: String, suffix: String?, typeName: String, executable: Bool) -> String? {
        if let suffix, !path.hasSuffix(suffix) {
            return "File name \"\(path)\" does not end with suffix \"\(suffix)\""
        }
        let status = resolver.tree.status(of: path)
        guard status.kind == .regular else {
            return "File \"\(path)\" does not exist or is not a \(typeName)"
        }
        if !status.ownerReadable || (executable && !status.ownerExecutable) {
            return "File \"\(path)\" does not have the required \(executable ? "executable" : "readable") permissions"
        }
        return nil
    }

    func checkExecutable(_ path: String) -> String? {
        checkFile(path, suffix: nil, typeName: "executable file", executable: true)
    }
}
