/// Static asset discovery (issue 17; docs/assets.md): what a test downloads, from its source
/// only, never running it.
///
///   - FUNCTIONAL (QEMU tests/functional): every class attribute of the test's class and its
///     bases whose value is `Asset(url, hash)` (directly, or another class's or the module's
///     Asset by name: `ASSET_X = OtherTest.ASSET_X`), the first definition along the lookup
///     order winning as in Python, then the module-level Assets the class names.
///   - INSTRUMENTED (Avocado): the `self.fetch_asset(…)` calls of `setUp` and the test method,
///     and of the helpers they call as `self.<name>(…)` (each looked up along the class and its
///     bases, once), with the arguments resolved from string literals (adjacent literals and `+`
///     concatenated), names bound once to such values in the function, class attributes
///     (`self.X`, `Class.X`) and module constants. Anything else gives an `AssetRef` whose
///     `unknown` says why: a wrong URL is never guessed.
final class AssetDiscovery {
    typealias Expr = AssetSourceFacts.Expr
    typealias Location = SafeLoader.ClassLocation

    private let tree: any SourceTree
    private var cache: [String: AssetSourceFacts?] = [:]

    init(tree: any SourceTree) {
        self.tree = tree
    }

    func facts(_ path: String) -> AssetSourceFacts? {
        if let cached = cache[path] { return cached }
        let facts = tree.contents(of: path).flatMap(AssetSourceFacts.scan)
        cache[path] = facts
        return facts
    }

    /// Where a name is looked up: a module, a class body in it, or a method of that class.
    struct Scope {
        var path: String
        var klass: String?
        var method: String?
    }

    enum Value {
        case string(String)
        case list([String])
        case asset(url: String, hash: String?)
        case none
    }

    private static let maxDepth = 24

    // MARK: Expressions

    /// The value of an expression in a scope, or why it cannot be known (a phrase that follows
    /// the argument's name: "is computed: kernel_url % version").
    func evaluate(_ expr: Expr, in scope: Scope, loader: SafeLoader, depth: Int = 0) -> Result<Value, Unknown> {
        guard depth < Self.maxDepth else { return .failure(Unknown("is bound through too many names")) }
        switch expr {
        case .string(let s):
            return .success(.string(s))
        case .other("None"):
            return .success(.none)
        case .other(let text):
            return .failure(Unknown("is computed: \(text)"))
        case .sum(let parts):
            var out = ""
            for part in parts {
                switch evaluate(part, in: scope, loader: loader, depth: depth + 1) {
                case .success(.string(let s)): out += s
                case .success: return .failure(Unknown("is computed: \(expr.text)"))
                case .failure(let why): return .failure(why)
                }
            }
            return .success(.string(out))
        case .fstring(let parts):
            return evaluate(.sum(parts), in: scope, loader: loader, depth: depth)
        case .percent(let format, let args):
            guard case .success(.string(let template)) = evaluate(format, in: scope, loader: loader, depth: depth + 1) else {
                return .failure(Unknown("is computed: \(expr.text)"))
            }
            var values: [String] = []
            for arg in args {
                switch evaluate(arg, in: scope, loader: loader, depth: depth + 1) {
                case .success(.string(let v)): values.append(v)
                case .success: return .failure(Unknown("is computed: \(expr.text)"))
                case .failure(let why): return .failure(why)
                }
            }
            guard let out = Self.percentFormat(template, values) else { return .failure(Unknown("is computed: \(expr.text)")) }
            return .success(.string(out))
        case .list(let items):
            var out: [String] = []
            for item in items {
                switch evaluate(item, in: scope, loader: loader, depth: depth + 1) {
                case .success(.string(let s)): out.append(s)
                case .success: return .failure(Unknown("is computed: \(expr.text)"))
                case .failure(let why): return .failure(why)
                }
            }
            return .success(.list(out))
        case .asset(let url, let hash):
            guard case .success(.string(let u)) = evaluate(url, in: scope, loader: loader, depth: depth + 1) else {
                return .failure(Unknown("is computed: \(expr.text)"))
            }
            guard let hash else { return .success(.asset(url: u, hash: nil)) }
            switch evaluate(hash, in: scope, loader: loader, depth: depth + 1) {
            case .success(.string(let h)): return .success(.asset(url: u, hash: h))
            case .success(.none): return .success(.asset(url: u, hash: nil))
            default: return .failure(Unknown("is computed: \(expr.text)"))
            }
        case .name, .attribute:
            switch binding(of: expr, in: scope, loader: loader) {
            case .success(let (bound, where_)): return evaluate(bound, in: where_, loader: loader, depth: depth + 1)
            case .failure(let why): return .failure(why)
            }
        }
    }

    /// `template % values` with only `%s` and `%%`, each value used once; nil otherwise.
    static func percentFormat(_ template: String, _ values: [String]) -> String? {
        var out = ""
        var next = 0
        var chars = template.makeIterator()
        while let c = chars.next() {
            guard c == "%" else { out.append(c); continue }
            switch chars.next() {
            case "%": out.append("%")
            case "s":
                guard next < values.count else { return nil }
                out += values[next]
                next += 1
            default: return nil
            }
        }
        return next == values.count ? out : nil
    }

    /// The single expression a name or attribute is bound to, and the scope to read it in.
    func binding(of expr: Expr, in scope: Scope, loader: SafeLoader) -> Result<(Expr, Scope), Unknown> {
        switch expr {
        case .name(let n):
            if let klass = scope.klass, let method = scope.method {
                if let f = facts(scope.path)?.classes[klass]?.methods[method] {
                    if f.parameters.contains(n) { return .failure(Unknown("comes from \(n), a parameter of \(method)()")) }
                    if let bound = f.bindings[n] {
                        guard bound.count == 1 else { return .failure(Unknown("comes from \(n), assigned more than once in \(method)()")) }
                        return .success((bound[0], scope))
                    }
                }
            } else if let klass = scope.klass, let bound = facts(scope.path)?.classes[klass]?.bindings[n] {
                guard bound.count == 1 else { return .failure(Unknown("comes from \(n), assigned more than once in class \(klass)")) }
                return .success((bound[0], scope))
            }
            guard let bound = facts(scope.path)?.bindings[n] else {
                return .failure(Unknown("comes from \(n), not bound in its module (imported or computed)"))
            }
            guard bound.count == 1 else { return .failure(Unknown("comes from \(n), assigned more than once in its module")) }
            if bound[0] == AssetSourceFacts.imported { return .failure(Unknown("comes from \(n), imported from another module")) }
            return .success((bound[0], Scope(path: scope.path)))
        case .attribute(let base, let attr):
            let start: Location
            if base == "self" || (base == scope.klass && scope.method == nil) {
                guard let klass = scope.klass else { return .failure(Unknown("comes from \(expr.text) outside a class")) }
                start = Location(path: scope.path, className: klass, moduleName: nil)
            } else if let located = locate(base, from: scope.path, loader: loader) {
                start = located
            } else {
                return .failure(Unknown("comes from \(expr.text): class \(base) not found"))
            }
            let order = loader.lookupOrder(of: start)
            if base == "self", let owner = order.first(where: { facts($0.path)?.classes[$0.className]?.selfAssigned.contains(attr) == true }) {
                return .failure(Unknown("comes from self.\(attr), set at run time in \(owner.className)"))
            }
            for location in order {
                guard let bound = facts(location.path)?.classes[location.className]?.bindings[attr] else { continue }
                // A class body rebinding a name: the last value is the attribute.
                return .success((bound[bound.count - 1], Scope(path: location.path, klass: location.className)))
            }
            return .failure(Unknown("comes from \(expr.text), not a class attribute found statically"))
        default:
            return .success((expr, scope))
        }
    }

    /// A class named in a module: defined there, or bound by `from … import`.
    func locate(_ className: String, from path: String, loader: SafeLoader) -> Location? {
        if facts(path)?.classes[className] != nil { return Location(path: path, className: className, moduleName: nil) }
        guard case .success(let module) = loader.module(at: path),
              let symbol = module.importStates(for: .unittest).final.symbols[className], !symbol.symbol.isEmpty else { return nil }
        return loader.locateClass(symbol, symbolIsModule: false, className: symbol.symbol, importerModule: nil)
    }

    // MARK: FUNCTIONAL

    /// The Asset attributes of a class (its lookup order), then the module Assets it names.
    func functionalAssets(order: [Location], module: String, loader: SafeLoader) -> [AssetRef] {
        var refs: [AssetRef] = []
        var names: Set<String> = []
        var seen: Set<AssetRef> = []
        func add(_ ref: AssetRef) { if seen.insert(ref).inserted { refs.append(ref) } }
        for location in order {
            guard let klass = facts(location.path)?.classes[location.className] else { continue }
            for name in klass.order where names.insert(name).inserted {
                guard let bound = klass.bindings[name]?.last else { continue }
                let scope = Scope(path: location.path, klass: location.className)
                if let ref = functionalAsset(bound, in: scope, loader: loader) { add(ref) }
            }
        }
        if let facts = facts(module), let first = order.first, let used = self.facts(first.path)?.classes[first.className]?.namesUsed {
            for name in facts.order where used.contains(name) {
                guard let bound = facts.bindings[name], bound.count == 1 else { continue }
                if let ref = functionalAsset(bound[0], in: Scope(path: module), loader: loader) { add(ref) }
            }
        }
        return refs
    }

    /// The AssetRef an expression stands for when it is an `Asset(…)` (followed through names
    /// and class attributes), nil when it is not one.
    private func functionalAsset(_ expr: Expr, in scope: Scope, loader: SafeLoader) -> AssetRef? {
        var expr = expr, scope = scope
        for _ in 0..<Self.maxDepth {
            switch expr {
            case .asset(let url, let hash):
                var ref = AssetRef()
                switch evaluate(url, in: scope, loader: loader) {
                case .success(.string(let u)): ref.url = u
                case .success: ref.unknown = "url is computed: \(url.text)"
                case .failure(let why): ref.unknown = "url \(why.reason)"
                }
                if let hash {
                    switch evaluate(hash, in: scope, loader: loader) {
                    case .success(.string(let h)):
                        // qemu_test's Asset: sha256 for 64 hex digits, sha512 for 128, else an error.
                        ref.hash = h
                        if h.allSatisfy(\.isHexDigit), h.count == 64 || h.count == 128 {
                            ref.algorithm = h.count == 128 ? .sha512 : .sha256
                        } else {
                            ref.unknown = ref.unknown ?? "hash '\(h)' is not a sha256 or sha512 digest"
                        }
                    case .success(.none): break
                    case .success: ref.unknown = ref.unknown ?? "hash is computed: \(hash.text)"
                    case .failure(let why): ref.unknown = ref.unknown ?? "hash \(why.reason)"
                    }
                }
                return ref
            case .name, .attribute:
                guard case .success(let (bound, where_)) = binding(of: expr, in: scope, loader: loader) else { return nil }
                expr = bound
                scope = where_
            default:
                return nil
            }
        }
        return nil
    }

    // MARK: INSTRUMENTED (Avocado)

    /// The `fetch_asset` calls `setUp` and `method` make, directly or through `self.<helper>(…)`.
    func avocadoAssets(order: [Location], method: String, loader: SafeLoader) -> [AssetRef] {
        var refs: [AssetRef] = []
        var seen: Set<AssetRef> = []
        var visited: Set<String> = ["fetch_asset"]
        func visit(_ name: String) {
            guard visited.insert(name).inserted else { return }
            for location in order {
                guard let f = facts(location.path)?.classes[location.className]?.methods[name] else { continue }
                let scope = Scope(path: location.path, klass: location.className, method: name)
                for call in f.fetchCalls {
                    let ref = avocadoAsset(call, in: scope, loader: loader)
                    if seen.insert(ref).inserted { refs.append(ref) }
                }
                for called in f.selfCalls { visit(called) }
                return
            }
        }
        visit("setUp")
        visit(method)
        return refs
    }

    /// Avocado 113's `fetch_asset(name, asset_hash=None, algorithm=None, locations=None, …)`.
    func avocadoAsset(_ call: AssetSourceFacts.Call, in scope: Scope, loader: SafeLoader) -> AssetRef {
        func argument(_ position: Int, _ keyword: String) -> Expr? {
            call.keywords[keyword] ?? (position < call.positional.count ? call.positional[position] : nil)
        }
        var ref = AssetRef()
        func fail(_ what: String, _ why: String) { if ref.unknown == nil { ref.unknown = "\(what) \(why)" } }
        if let name = argument(0, "name") {
            switch evaluate(name, in: scope, loader: loader) {
            case .success(.string(let s)):
                if s.contains("://") { ref.url = s } else { ref.name = s }
            case .success: fail("url", "is computed: \(name.text)")
            case .failure(let why): fail("url", why.reason)
            }
        } else {
            fail("url", "is not given (no name argument)")
        }
        if let hash = argument(1, "asset_hash") {
            switch evaluate(hash, in: scope, loader: loader) {
            case .success(.string(let s)): ref.hash = s
            case .success(.none): break
            case .success: fail("asset_hash", "is computed: \(hash.text)")
            case .failure(let why): fail("asset_hash", why.reason)
            }
        }
        var algorithm: String?
        if let expr = argument(2, "algorithm") {
            switch evaluate(expr, in: scope, loader: loader) {
            case .success(.string(let s)): algorithm = s
            case .success(.none): break
            case .success: fail("algorithm", "is computed: \(expr.text)")
            case .failure(let why): fail("algorithm", why.reason)
            }
        }
        if ref.hash != nil {
            if let known = AssetRef.Algorithm(rawValue: algorithm ?? "sha1") {
                ref.algorithm = known
            } else {
                fail("algorithm", "\(algorithm ?? "") is not one qcoord verifies (sha1, sha256, sha512)")
            }
        }
        if let expr = argument(3, "locations") {
            switch evaluate(expr, in: scope, loader: loader) {
            case .success(.list(let urls)): ref.locations = urls
            case .success(.string(let url)): ref.locations = [url]
            case .success(.none): break
            case .success: fail("locations", "is computed: \(expr.text)")
            case .failure(let why): fail("locations", why.reason)
            }
        }
        return ref
    }
}

/// Why part of an asset cannot be known statically.
struct Unknown: Error, Hashable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
