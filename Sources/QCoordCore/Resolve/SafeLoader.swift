/// Turns one Python source file into `Class.method` tests the way Avocado 113's safeloader
/// does (`avocado/core/safeloader`), without executing anything.
///
/// The walk is a faithful re-statement of Avocado's algorithm, including what it gets wrong on
/// purpose-built inputs (imports below a class are invisible to it, a base imported under an
/// alias can crash it, `class Base(Base)` recurses forever): each of those makes Avocado lose
/// every test of the file, and so do we, reporting why. What differs is cost: every module is
/// read and scanned once, and each (module, class) examination is memoised.
final class SafeLoader {
    /// The class a test must come from: `avocado.Test` or `unittest.TestCase`.
    struct Target: Hashable {
        var module: String
        var klass: String
        static let avocado = Target(module: "avocado", klass: "Test")
        static let unittest = Target(module: "unittest", klass: "TestCase")
    }

    /// One test method: its name, merged tags and dependencies.
    struct MethodInfo: Hashable {
        var name: String
        var tags: [String: Set<String>]
        var dependencies: [String]
    }

    /// Why Avocado's safeloader would raise for this file (the resolver reports ERROR).
    struct Failure: Error, Hashable {
        var message: String
        /// A scan error of some module, with its path, to list with `-V`.
        var parseError: ParseError?
    }

    typealias Scan = @Sendable ([UInt8]) -> Result<PythonModule, PythonSyntaxError>

    private let tree: any SourceTree
    private let scan: Scan
    private let workingDirectory: String
    private let importPaths: [String]

    private var modules: [String: Result<ScannedModule, Failure>] = [:]
    private var examined: [ExamKey: Result<ClassExam, Failure>] = [:]
    private var inProgress: Set<ExamKey> = []
    private var specs: [SpecKey: ModuleSpec?] = [:]
    /// Avocado inserts the importer's directory at the front of `sys.path` on every lookup
    /// and never takes it out, so a module found once from one directory stays findable from
    /// every file examined later (`from avocado_qemu import …` inside `common/base.py` works
    /// because the test beside `avocado_qemu/` was looked at first). Most recent first.
    private var searchedDirectories: [String] = []
    /// Bumped when a directory joins `searchedDirectories`: examinations are memoised per generation.
    private var pathGeneration = 0
    /// Every scan (or read) error met, by path, so `-V` can list them once.
    var parseErrors: [String: ParseError] = [:]

    init(tree: any SourceTree, scan: @escaping Scan, workingDirectory: String, importPaths: [String]) {
        self.tree = tree
        self.scan = scan
        self.workingDirectory = workingDirectory
        self.importPaths = importPaths
    }

    // MARK: Modules

    /// A scanned module and, per target, the import state each class statement sees.
    final class ScannedModule {
        enum Statement {
            case importStatement(PythonImport)
            case classStatement(PythonClass, shapes: [PythonBaseShape])
        }
        let path: String
        let statements: [Statement]
        /// Statement indices of the classes of each name.
        let classIndices: [String: [Int]]
        /// Original names imported by `from … import` anywhere in the module
        /// (Avocado's `interesting_klass_found`).
        let fromImportedNames: Set<String>
        private var states: [Target: (perStatement: [Int: ImportState], final: ImportState)] = [:]

        init(path: String, statements: [Statement]) {
            self.path = path
            self.statements = statements
            var indices: [String: [Int]] = [:]
            var names: Set<String> = []
            for (index, statement) in statements.enumerated() {
                switch statement {
                case .classStatement(let cls, _): indices[cls.name, default: []].append(index)
                case .importStatement(let imp): if imp.isFrom { for name in imp.names { names.insert(name.name) } }
                }
            }
            classIndices = indices
            fromImportedNames = names
        }

        /// The imports bound before each class statement, and after the whole module.
        func importStates(for target: Target) -> (perStatement: [Int: ImportState], final: ImportState) {
            if let cached = states[target] { return cached }
            var state = ImportState()
            var perStatement: [Int: ImportState] = [:]
            for (index, statement) in statements.enumerated() {
                switch statement {
                case .importStatement(let imp): state.add(imp, importer: path, target: target)
                case .classStatement: perStatement[index] = state
                }
            }
            let result = (perStatement, state)
            states[target] = result
            return result
        }
    }

    /// Reads and scans a module once. `displayPath` is the path shown in diagnostics.
    func module(at path: String, displayPath: String? = nil) -> Result<ScannedModule, Failure> {
        if let cached = modules[path] { return cached }
        let result = loadModule(at: path, displayPath: displayPath ?? shownPath(path))
        modules[path] = result
        return result
    }

    /// A path under the working directory is shown relative to it, as the user would type it.
    private func shownPath(_ path: String) -> String {
        let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// Raw scans done ahead of need by `prefetch`, nil when the file could not be read.
    private var prefetched: [String: Result<PythonModule, PythonSyntaxError>?] = [:]

    /// Reads and scans files ahead of the (sequential) resolution, through the tree, which may
    /// do it on all cores (`SourceTree.mapContents`): scanning is most of the cost of listing a
    /// big tree. Results are only used, and parse errors only reported, when resolution asks
    /// for the module.
    func prefetch(_ paths: [String]) {
        let todo = Array(Set(paths.filter { modules[$0] == nil && prefetched[$0] == nil }))
        guard todo.count > 1 else { return }
        let results = tree.mapContents(of: todo, scan)
        for (index, path) in todo.enumerated() { prefetched[path] = results[index] }
    }

    private func loadModule(at path: String, displayPath: String) -> Result<ScannedModule, Failure> {
        let scanned: Result<PythonModule, PythonSyntaxError>
        if let early = prefetched.removeValue(forKey: path), let early {
            scanned = early
        } else if let bytes = tree.contents(of: path) {
            scanned = scan(bytes)
        } else {
            // Listed with the files that did not parse: its tests (or those built on it) are lost.
            if tree.status(of: path).kind == .regular {
                parseErrors[displayPath] = ParseError(path: displayPath, line: 0, message: "cannot be read", reading: true)
            }
            return .failure(Failure(message: "[Errno 2] No such file or directory: '\(displayPath)'"))
        }
        switch scanned {
        case .failure(let error):
            let parseError = ParseError(path: displayPath, line: error.line, message: error.message)
            parseErrors[displayPath] = parseError
            return .failure(Failure(message: parseError.description, parseError: parseError))
        case .success(let module):
            var statements: [(Int, Int, ScannedModule.Statement)] = []
            for (i, imp) in module.imports.enumerated() {
                statements.append((imp.line, i, .importStatement(imp)))
            }
            for (i, cls) in module.classes.enumerated() {
                statements.append((cls.line, module.imports.count + i,
                                   .classStatement(cls, shapes: cls.bases.map(PythonBaseShape.init))))
            }
            // Source order; imports and classes never share a line.
            statements.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            return .success(ScannedModule(path: path, statements: statements.map(\.2)))
        }
    }

    // MARK: Imports

    /// `ImportedSymbol`: where a bound name comes from.
    struct ImportedSymbol: Hashable {
        var modulePath: String      // "os.path", "..foo"
        var symbol: String          // "" for `import x`
        var importerPath: String    // absolute
        var moduleAlias: String
        var symbolAlias: String
        var symbolName: String { symbolAlias.isEmpty ? symbol : symbolAlias }
    }

    /// The names a module has bound so far, for one target (Avocado processes imports as it
    /// meets them, so a class only sees the imports above it).
    struct ImportState {
        var symbols: [String: ImportedSymbol] = [:]
        var klassImports: Set<String> = []
        var modImports: Set<String> = []

        mutating func add(_ imp: PythonImport, importer: String, target: Target) {
            if imp.isFrom {
                let modulePath = String(repeating: ".", count: imp.level) + imp.module
                var asMap: [String: String] = [:]
                for name in imp.names {
                    let bound = name.alias ?? name.name
                    symbols[bound] = ImportedSymbol(modulePath: modulePath, symbol: name.name, importerPath: importer,
                                                    moduleAlias: "", symbolAlias: bound)
                    asMap[name.name] = bound
                }
                // `statement.module` ignores the level: `from .avocado import Test` counts too.
                if imp.module == target.module, let bound = asMap[target.klass] {
                    klassImports.insert(bound)
                }
            } else {
                let bound = imp.alias ?? imp.module
                symbols[bound] = ImportedSymbol(modulePath: imp.module, symbol: "", importerPath: importer,
                                                moduleAlias: bound, symbolAlias: "")
                if imp.module == target.module { modImports.insert(bound) }
                // `import avocado.utils` binds `avocado` too (`_all_module_level_names`).
                var components = bound.split(separator: ".", omittingEmptySubsequences: false).dropLast().map(String.init)
                let count = components.count
                for topmost in 0..<count {
                    let name = topmost == 0 ? components.joined(separator: ".")
                                            : components.suffix(topmost).joined(separator: ".")
                    if name == target.module { modImports.insert(name) }
                    components.removeLast()
                }
            }
        }

        /// `PythonModule.is_matching_klass`.
        func isMatching(_ shapes: [PythonBaseShape], target: Target) throws(Failure) -> Bool {
            if !klassImports.isEmpty {
                for case .name(let id) in shapes where klassImports.contains(id) { return true }
            }
            if !modImports.isEmpty {
                for shape in shapes {
                    switch shape {
                    case .attribute(let module, let name):
                        if modImports.contains(module) && name == target.klass { return true }
                    case .attributeOnExpression(let node):
                        throw Failure(message: "'\(node)' object has no attribute 'id'")
                    default:
                        continue
                    }
                }
            }
            return false
        }
    }

    // MARK: Locating modules (importlib.machinery.PathFinder over the source tree)

    struct ModuleSpec: Hashable {
        /// nil for a namespace package (Avocado then fails: `stat: path should be string … not NoneType`).
        var origin: String?
    }

    private struct SpecKey: Hashable { var paths: [String]; var name: String }

    private var directoryOf: [String: String] = [:]

    private func relativeBase(of symbol: ImportedSymbol) -> String {
        var path: String
        if let known = directoryOf[symbol.importerPath] {
            path = known
        } else {
            path = PathName.dirname(symbol.importerPath)
            directoryOf[symbol.importerPath] = path
        }
        for ch in symbol.modulePath.dropFirst() {
            if ch != "." { break }
            path = PathName.dirname(path)
        }
        return path
    }

    private struct ImportableKey: Hashable {
        var base: String
        var modulePath: String
        var symbol: String
        var symbolIsModule: Bool
        var generation: Int
    }

    private var importables: [ImportableKey: (base: String, spec: ModuleSpec?)] = [:]

    /// `ImportedSymbol.get_importable_spec`, memoised while no new directory joins the search.
    func importableSpec(_ symbol: ImportedSymbol, symbolIsModule: Bool) -> ModuleSpec? {
        let base = relativeBase(of: symbol)
        let key = ImportableKey(base: base, modulePath: symbol.modulePath, symbol: symbol.symbol,
                                symbolIsModule: symbolIsModule, generation: pathGeneration)
        if let cached = importables[key] {
            if searchedDirectories.first != cached.base { noteSearched(cached.base) }
            if pathGeneration == key.generation { return cached.spec }
        }
        let spec = lookUpSpec(symbol, base: base, symbolIsModule: symbolIsModule)
        importables[ImportableKey(base: key.base, modulePath: key.modulePath, symbol: key.symbol,
                                  symbolIsModule: symbolIsModule, generation: pathGeneration)]
            = (searchedDirectories[0], spec)
        return spec
    }

    private func noteSearched(_ base: String) {
        if let index = searchedDirectories.firstIndex(of: base) {
            if index != 0 {
                searchedDirectories.remove(at: index)
                searchedDirectories.insert(base, at: 0)
            }
        } else {
            searchedDirectories.insert(base, at: 0)
            pathGeneration += 1
        }
    }

    private func lookUpSpec(_ symbol: ImportedSymbol, base: String, symbolIsModule: Bool) -> ModuleSpec? {
        let fullName = symbolIsModule ? "\(symbol.modulePath).\(symbol.symbol)" : symbol.modulePath
        var trimmed = Substring(fullName)
        while trimmed.first == "." { trimmed.removeFirst() }
        while trimmed.last == "." { trimmed.removeLast() }
        let components = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        noteSearched(base)
        var paths = searchedDirectories + importPaths
        var spec: ModuleSpec?
        for (index, component) in components.enumerated() {
            if index > 0 { paths = paths.map { PathName.join($0, components[index - 1]) } }
            spec = findSpec(component, in: paths)
            if spec == nil { break }
        }
        return spec
    }

    private func findSpec(_ name: String, in paths: [String]) -> ModuleSpec? {
        guard !name.isEmpty else { return nil }
        let key = SpecKey(paths: paths, name: name)
        if let cached = specs[key] { return cached }
        var result: ModuleSpec?
        var namespace = false
        for entry in paths {
            let dir = entry.isEmpty ? workingDirectory : entry
            let candidate = PathName.join(dir, name)
            if tree.status(of: candidate).kind == .directory {
                let initPath = PathName.join(candidate, "__init__.py")
                if tree.status(of: initPath).kind == .regular {
                    result = ModuleSpec(origin: initPath)
                    break
                }
                namespace = true
            }
            let file = candidate + ".py"
            if tree.status(of: file).kind == .regular {
                result = ModuleSpec(origin: file)
                break
            }
        }
        if result == nil && namespace { result = ModuleSpec(origin: nil) }
        specs[key] = result
        return result
    }

    // MARK: Examination

    struct ClassExam {
        var info: [MethodInfo]
        var classTags: [String: Set<String>]
        var match: Bool
    }

    private struct ExamKey: Hashable {
        var target: Target
        var path: String?
        var className: String
        var match: Bool
        var generation: Int
    }

    private func tags(_ directives: [String]) throws(Failure) -> [String: Set<String>] {
        switch DocstringDirectives.tags(from: directives) {
        case .success(let tags): return tags.values
        case .failure(let error): throw Failure(message: error.message)
        }
    }

    /// `get_methods_info`: own `test*` methods, `@property` skipped, first definition wins.
    private func methodsInfo(_ cls: PythonClass, classTags: [String: Set<String>], classDependencies: [String]) throws(Failure) -> [MethodInfo] {
        var result: [MethodInfo] = []
        for function in cls.methods {
            if function.decorators.contains("property") { continue }
            guard function.name.hasPrefix("test") else { continue }
            let directives = DocstringDirectives.directives(in: function.docstring)
            var methodTags = try tags(directives)
            for (key, value) in classTags { methodTags[key] = value }
            let dependencies = DocstringDirectives.dependencies(from: directives) + classDependencies
            if !result.contains(where: { $0.name == function.name }) {
                result.append(MethodInfo(name: function.name, tags: methodTags, dependencies: dependencies))
            }
        }
        return result
    }

    private static func setDefaults(_ info: inout [MethodInfo], _ tags: [String: Set<String>]) {
        guard !tags.isEmpty else { return }
        for i in info.indices {
            for (key, value) in tags where info[i].tags[key] == nil { info[i].tags[key] = value }
        }
    }

    private static func force(_ info: inout [MethodInfo], _ tags: [String: Set<String>]) {
        guard !tags.isEmpty else { return }
        for i in info.indices {
            for (key, value) in tags { info[i].tags[key] = value }
        }
    }

    /// `_extend_test_list`: a parent's method already present only lends it missing tags.
    private static func extend(_ current: inout [MethodInfo], with new: [MethodInfo]) {
        for test in new {
            if let i = current.firstIndex(where: { $0.name == test.name }) {
                for (key, value) in test.tags where current[i].tags[key] == nil { current[i].tags[key] = value }
            } else {
                current.append(test)
            }
        }
    }

    /// Merges what a parent yielded into the child (`_examine_same_module` / parents loop).
    private static func mergeParent(_ parent: ClassExam, into info: inout [MethodInfo], childTags: [String: Set<String>]) {
        guard !parent.info.isEmpty else { return }
        setDefaults(&info, parent.classTags)
        var inherited = parent.info
        force(&inherited, childTags)
        extend(&info, with: inherited)
    }

    /// Parents in the same module (Name bases only), then the rest through imports.
    private func examineParents(of shapes: [PythonBaseShape], in module: ScannedModule, state: ImportState,
                                target: Target, info: inout [MethodInfo], classTags: [String: Set<String>],
                                match: inout Bool) throws(Failure) {
        var remaining = Array(shapes.indices)
        for index in shapes.indices {
            guard case .name(let parentName) = shapes[index] else { continue }
            let parent = try examineClass(target: target, path: module.path, className: parentName, match: match)
            if !parent.info.isEmpty {
                remaining.removeAll { $0 == index }
                Self.mergeParent(parent, into: &info, childTags: classTags)
            }
            match = parent.match
        }
        for index in remaining {
            let parentClass: String
            let symbol: ImportedSymbol
            let symbolIsModule: Bool
            switch shapes[index] {
            case .attribute(let module, let name):
                guard let found = state.symbols[module] else { continue }
                parentClass = name
                symbol = found
                symbolIsModule = module == found.symbolName
            case .name(let name):
                guard let found = state.symbols[name] else { continue }
                parentClass = found.symbol
                symbol = found
                symbolIsModule = false
            case .attributeOnExpression, .otherWithValue:
                continue
            case .withoutValue(let node):
                throw Failure(message: "'\(node)' object has no attribute 'id'")
            }
            guard let spec = importableSpec(symbol, symbolIsModule: symbolIsModule) else { continue }
            let parent = try examineClass(target: target, path: spec.origin, className: parentClass, match: match)
            Self.mergeParent(parent, into: &info, childTags: classTags)
            match = parent.match
        }
    }

    /// `_examine_class`: the test methods a class (looked up by name in a module) provides.
    func examineClass(target: Target, path: String?, className: String, match: Bool) throws(Failure) -> ClassExam {
        let key = ExamKey(target: target, path: path, className: className, match: match, generation: pathGeneration)
        if let cached = examined[key] { return try cached.get() }
        // The same examination inside itself never ends in Avocado: it dies of RecursionError.
        if inProgress.contains(key) {
            throw Failure(message: "maximum recursion depth exceeded while calling a Python object (class \(className) inherits from itself)")
        }
        inProgress.insert(key)
        defer { inProgress.remove(key) }
        let result: Result<ClassExam, Failure>
        do throws(Failure) {
            result = .success(try examineClassUncached(target: target, path: path, className: className, match: match))
        } catch {
            result = .failure(error)
        }
        examined[key] = result
        return try result.get()
    }

    private func examineClassUncached(target: Target, path: String?, className: String, match initialMatch: Bool) throws(Failure) -> ClassExam {
        guard let path else {
            throw Failure(message: "stat: path should be string, bytes, os.PathLike or integer, not NoneType (\(className) is imported from a namespace package, a directory without __init__.py)")
        }
        let module = try module(at: path).get()
        var match = initialMatch
        var info: [MethodInfo] = []
        var classTags: [String: Set<String>] = [:]
        let states = module.importStates(for: target)
        for index in module.classIndices[className] ?? [] {
            guard case .classStatement(let cls, let shapes) = module.statements[index],
                  let state = states.perStatement[index] else { continue }
            if !match { match = try state.isMatching(shapes, target: target) }
            let directives = DocstringDirectives.directives(in: cls.docstring)
            classTags = try tags(directives)
            info = try methodsInfo(cls, classTags: classTags,
                                   classDependencies: DocstringDirectives.dependencies(from: directives))
            try examineParents(of: shapes, in: module, state: state, target: target, info: &info,
                               classTags: classTags, match: &match)
        }
        let state = states.final
        if !match && module.fromImportedNames.contains(className) {
            guard let symbol = state.symbols[className] else {
                throw Failure(message: "'\(className)' (imported under another name and used under its own)")
            }
            if let spec = importableSpec(symbol, symbolIsModule: false) {
                let parent = try examineClass(target: target, path: spec.origin, className: className, match: match)
                if !parent.info.isEmpty {
                    Self.mergeParent(parent, into: &info, childTags: classTags)
                    var merged = parent.classTags
                    for (key, value) in classTags { merged[key] = value }
                    classTags = merged
                }
                match = parent.match
            }
        }
        return ClassExam(info: info, classTags: classTags, match: match)
    }

    /// `find_python_tests`: the test classes of a file, in order, with their methods.
    func findTests(target: Target, path: String, displayPath: String) -> Result<[(String, [MethodInfo])], Failure> {
        do throws(Failure) {
            let module = try module(at: path, displayPath: displayPath).get()
            var order: [String] = []
            var result: [String: [MethodInfo]] = [:]
            func record(_ name: String, _ info: [MethodInfo]) {
                if result[name] == nil { order.append(name) }
                result[name] = info
            }
            let states = module.importStates(for: target)
            for (index, statement) in module.statements.enumerated() {
                switch statement {
                case .importStatement:
                    continue
                case .classStatement(let cls, let shapes):
                    guard let state = states.perStatement[index] else { continue }
                    let directives = DocstringDirectives.directives(in: cls.docstring)
                    if directives.contains("disable") { continue }
                    let classTags = try tags(directives)
                    let dependencies = DocstringDirectives.dependencies(from: directives)
                    if directives.contains("enable") {
                        record(cls.name, try methodsInfo(cls, classTags: classTags, classDependencies: dependencies))
                        continue
                    }
                    var match = directives.contains("recursive") ? true : try state.isMatching(shapes, target: target)
                    var info = try methodsInfo(cls, classTags: classTags, classDependencies: dependencies)
                    try examineParents(of: shapes, in: module, state: state, target: target, info: &info,
                                       classTags: classTags, match: &match)
                    if match { record(cls.name, info) }
                }
            }
            return .success(order.map { ($0, result[$0] ?? []) })
        } catch {
            return .failure(error)
        }
    }
}

// MARK: FUNCTIONAL: what Python's unittest loader sees that Avocado's safeloader does not

extension SafeLoader {
    /// A class statement located in a module file, with the dotted module name Python gives
    /// that module where it is known (the name a TestCase id starts with).
    struct ClassLocation: Hashable {
        var path: String
        var className: String
        var moduleName: String?
    }

    /// The dotted name `from <modulePath> import …` gives a module, inside `importer` (nil
    /// when a relative import climbs above the top-level package).
    static func absoluteModuleName(_ modulePath: String, importer: String, importerIsPackage: Bool) -> String? {
        let level = modulePath.prefix { $0 == "." }.count
        let rest = String(modulePath.dropFirst(level))
        guard level > 0 else { return rest }
        var package = importer.split(separator: ".").map(String.init)
        if !importerIsPackage { package = Array(package.dropLast()) }
        guard level - 1 <= package.count, !(package.isEmpty) else { return nil }
        package = Array(package.dropLast(level - 1))
        if package.isEmpty { return nil }
        return (package + (rest.isEmpty ? [] : [rest])).joined(separator: ".")
    }

    /// Where the class a symbol names is defined: the module the import finds, then through
    /// the `from … import` re-exports of that module (`qemu_test/__init__.py` re-exports
    /// `QemuSystemTest` from `.testcase`), at most a few hops. nil when the module is not in
    /// the tree (the standard library, `src/python`'s packages not given) or no class is found.
    func locateClass(_ symbol: ImportedSymbol, symbolIsModule: Bool, className: String,
                     importerModule: String?) -> ClassLocation? {
        var symbol = symbol
        var symbolIsModule = symbolIsModule
        var importerModule = importerModule
        var className = className
        for _ in 0..<8 {
            guard let origin = importableSpec(symbol, symbolIsModule: symbolIsModule)?.origin,
                  case .success(let module) = module(at: origin) else { return nil }
            var moduleName = importerModule.flatMap {
                Self.absoluteModuleName(symbol.modulePath, importer: $0,
                                        importerIsPackage: PathName.basename(symbol.importerPath) == "__init__.py")
            }
            if symbolIsModule, let name = moduleName { moduleName = name + "." + symbol.symbol }
            if module.classIndices[className] != nil {
                return ClassLocation(path: origin, className: className, moduleName: moduleName)
            }
            guard module.fromImportedNames.contains(className) || module.importStates(for: .unittest).final.symbols[className] != nil,
                  let next = module.importStates(for: .unittest).final.symbols[className], !next.symbol.isEmpty else { return nil }
            symbol = next
            symbolIsModule = false
            className = next.symbol
            importerModule = moduleName
        }
        return nil
    }

    /// The bases of a class (its last definition in the module), located, in the order written.
    /// Bases this cannot locate (outside the tree, expressions) are left out.
    func locatedBases(of location: ClassLocation) -> [ClassLocation] {
        guard case .success(let module) = module(at: location.path),
              let index = module.classIndices[location.className]?.last,
              case .classStatement(_, let shapes) = module.statements[index],
              let state = module.importStates(for: .unittest).perStatement[index] else { return [] }
        var result: [ClassLocation] = []
        for shape in shapes {
            switch shape {
            case .name(let name):
                if module.classIndices[name] != nil, name != location.className {
                    result.append(ClassLocation(path: location.path, className: name, moduleName: location.moduleName))
                } else if let symbol = state.symbols[name], !symbol.symbol.isEmpty,
                          let found = locateClass(symbol, symbolIsModule: false, className: symbol.symbol,
                                                  importerModule: location.moduleName) {
                    result.append(found)
                }
            case .attribute(let moduleAlias, let name):
                if let symbol = state.symbols[moduleAlias],
                   let found = locateClass(symbol, symbolIsModule: moduleAlias == symbol.symbolName, className: name,
                                           importerModule: location.moduleName) {
                    result.append(found)
                }
            default:
                continue
            }
        }
        return result
    }

    /// The class and its bases, depth first, left to right, each once: where a method or a
    /// class attribute is looked up (Python's C3 order agrees on the single-inheritance chains
    /// and mixins QEMU's tests use).
    func lookupOrder(of location: ClassLocation) -> [ClassLocation] {
        var order: [ClassLocation] = []
        var seen: Set<String> = []
        func visit(_ c: ClassLocation, depth: Int) {
            let key = c.path + "\u{0}" + c.className
            guard depth < 32, seen.insert(key).inserted else { return }
            order.append(c)
            for base in locatedBases(of: c) { visit(base, depth: depth + 1) }
        }
        visit(location, depth: 0)
        return order
    }

    /// The classes bound at module level by `from … import` whose last binding is that import
    /// (a later class statement of the same name wins, as in Python), in statement order.
    func importedBindings(in path: String) -> [(bound: String, symbol: ImportedSymbol)] {
        guard case .success(let module) = module(at: path) else { return [] }
        var last: [String: Int] = [:]
        var bindings: [(Int, String, ImportedSymbol?)] = []
        for (index, statement) in module.statements.enumerated() {
            switch statement {
            case .classStatement(let cls, _):
                last[cls.name] = bindings.count
                bindings.append((index, cls.name, nil))
            case .importStatement(let imp):
                guard imp.isFrom else { continue }
                let modulePath = String(repeating: ".", count: imp.level) + imp.module
                for name in imp.names where name.name != "*" {
                    let bound = name.alias ?? name.name
                    last[bound] = bindings.count
                    bindings.append((index, bound, ImportedSymbol(modulePath: modulePath, symbol: name.name, importerPath: path,
                                                                  moduleAlias: "", symbolAlias: bound)))
                }
            }
        }
        return bindings.enumerated().compactMap { position, binding in
            guard let symbol = binding.2, last[binding.1] == position else { return nil }
            return (binding.1, symbol)
        }
    }

    /// The scanned class statement (last definition) at a location.
    func classStatement(_ location: ClassLocation) -> PythonClass? {
        guard case .success(let module) = module(at: location.path),
              let index = module.classIndices[location.className]?.last,
              case .classStatement(let cls, _) = module.statements[index] else { return nil }
        return cls
    }
}
