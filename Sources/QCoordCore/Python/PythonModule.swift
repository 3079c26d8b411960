/// What the static scanner extracts from one Python module: the module's own top-level
/// `import` / `from … import` / `class` statements, exactly the parts Avocado's safeloader
/// walks. Nothing inside `if`/`try`/functions is reported at module level.
public struct PythonModule: Sendable, Hashable {
    public var imports: [PythonImport]
    public var classes: [PythonClass]

    public init(imports: [PythonImport] = [], classes: [PythonClass] = []) {
        self.imports = imports
        self.classes = classes
    }
}

/// One top-level import statement.
///
/// `import a.b as c` → module "a.b", level 0, names [], alias "c".
/// `from ..x import Y as Z, W` → module "x", level 2, names [(Y, Z), (W, nil)].
/// `from . import m` → module "", level 1, names [(m, nil)].
public struct PythonImport: Sendable, Hashable {
    public struct Name: Sendable, Hashable {
        public var name: String
        public var alias: String?
        public init(name: String, alias: String? = nil) { self.name = name; self.alias = alias }
    }
    public var module: String
    public var level: Int
    /// Empty for a plain `import` statement.
    public var names: [Name]
    /// `import x as y` only (one PythonImport per comma-separated module).
    public var alias: String?
    public var isFrom: Bool { level > 0 || !names.isEmpty }
    public var line: Int

    public init(module: String, level: Int = 0, names: [Name] = [], alias: String? = nil, line: Int) {
        self.module = module
        self.level = level
        self.names = names
        self.alias = alias
        self.line = line
    }
}

/// A base-class expression in a class statement.
public struct PythonBase: Sendable, Hashable {
    /// `avocado.Test` → ["avocado", "Test"]; nil when the base is not a plain dotted name
    /// (subscripted, a call, …).
    public var dotted: [String]?
    /// The source text of the expression, whitespace-normalised.
    public var text: String
    public init(dotted: [String]?, text: String) { self.dotted = dotted; self.text = text }
}

/// A `def` / `async def` directly in a class body.
public struct PythonFunction: Sendable, Hashable {
    public var name: String
    public var isAsync: Bool
    /// Decorator expressions without the `@`, whitespace-normalised (`property`, `skipIf(x, "y")`).
    public var decorators: [String]
    public var docstring: String?
    public var line: Int
    public init(name: String, isAsync: Bool = false, decorators: [String] = [], docstring: String? = nil, line: Int) {
        self.name = name
        self.isAsync = isAsync
        self.decorators = decorators
        self.docstring = docstring
        self.line = line
    }
}

/// A top-level `class` statement.
public struct PythonClass: Sendable, Hashable {
    public var name: String
    /// Positional bases only; keyword arguments (`metaclass=…`) are left out.
    public var bases: [PythonBase]
    /// The evaluated docstring (escape sequences resolved, as `ast.get_docstring(clean=False)`).
    public var docstring: String?
    /// Functions defined directly in the class body, in source order.
    public var methods: [PythonFunction]
    public var line: Int
    /// Decorator expressions above the class, without the `@`, whitespace-normalised
    /// (`skipFlakyTest("…")`); Avocado's safeloader ignores them, FUNCTIONAL reports skips from them.
    public var decorators: [String]
    public init(name: String, bases: [PythonBase] = [], docstring: String? = nil, methods: [PythonFunction] = [], line: Int,
                decorators: [String] = []) {
        self.name = name
        self.bases = bases
        self.docstring = docstring
        self.methods = methods
        self.line = line
        self.decorators = decorators
    }
}

/// Why a module could not be scanned: the first tokenizer-level error (or indentation error,
/// or undecodable encoding) with its 1-based line; Python itself would refuse the file.
public struct PythonSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public init(line: Int, message: String) { self.line = line; self.message = message }
    public var description: String { "line \(line): \(message)" }
}
