/// What a FUNCTIONAL test's module says about its classes beyond their names, read from the
/// tokens (never executed): per method whether it requires KVM unconditionally and which `self.<name>(…)` helpers
/// it calls (docs/functional-discovery.md).
///
/// KVM, as precise as a token scan allows: a statement directly in a method's body (not under
/// an `if`/`for`/`with`/`try`, so not conditional on anything) that
///   - calls `require_accelerator('kvm')` (a string literal `kvm`), or
///   - calls `add_args` (the VM's command line) with `'-accel', 'kvm…'` (adjacent literals) or a
///     literal containing `-accel kvm`, `accel=kvm` or `-enable-kvm`.
/// A docstring-only statement never counts. `FunctionalDiscovery` applies this to the test
/// method, the `setUp` its class finds, and the helpers reached through `self.name(…)` calls.
struct FunctionalSourceFacts: Sendable, Hashable {
    struct Method: Sendable, Hashable {
        var requiresKVM = false
        /// Names called as `self.<name>(…)` anywhere in the body.
        var selfCalls: Set<String> = []
    }

    struct Klass: Sendable, Hashable {
        var methods: [String: Method] = [:]
    }

    /// Top-level classes by name (a later definition replaces an earlier one, as in Python).
    var classes: [String: Klass] = [:]

    /// Nil when the file does not tokenize (the resolver reports that as a parse error already).
    static func scan(_ bytes: [UInt8]) -> FunctionalSourceFacts? {
        guard case .success(let utf8) = PythonSourceEncoding.utf8Source(bytes),
              case .success(let tokens) = PythonTokenizer.tokenize(utf8, includeTrivia: false) else { return nil }
        return utf8.withUnsafeBufferPointer { Walker(source: $0, tokens: tokens).run() }
    }

    private struct Walker {
        let source: UnsafeBufferPointer<UInt8>
        let tokens: [PythonToken]

        struct Block {
            enum Kind { case klass(String), function(String), other }
            var kind: Kind
            /// The indentation depth of the block's body.
            var bodyDepth: Int
        }

        func name(_ k: Int) -> String? {
            guard k < tokens.count, tokens[k].kind == .name else { return nil }
            return String(decoding: source[tokens[k].start..<tokens[k].end], as: UTF8.self)
        }

        func isOp(_ k: Int, _ c: UInt8) -> Bool {
            k < tokens.count && tokens[k].kind == .op && tokens[k].end - tokens[k].start == 1 && source[tokens[k].start] == c
        }

        func string(_ k: Int) -> String? {
            guard k < tokens.count, tokens[k].kind == .string else { return nil }
            return PythonStringLiteral.strValue(of: tokens[k], in: source)
        }

        func run() -> FunctionalSourceFacts {
            var facts = FunctionalSourceFacts()
            var blocks: [Block] = []
            var depth = 0
            var k = 0
            var pending: Block.Kind?
            while k < tokens.count {
                let t = tokens[k]
                switch t.kind {
                case .endMarker:
                    return facts
                case .indent:
                    depth += 1
                    blocks.append(Block(kind: pending ?? .other, bodyDepth: depth))
                    pending = nil
                    k += 1
                    continue
                case .dedent:
                    depth -= 1
                    while let last = blocks.last, last.bodyDepth > depth { blocks.removeLast() }
                    k += 1
                    continue
                case .newline, .nl, .comment:
                    k += 1
                    continue
                default:
                    break
                }
                // One logical line: tokens k..<end.
                var end = k
                while end < tokens.count, tokens[end].kind != .newline, tokens[end].kind != .endMarker { end += 1 }
                pending = nil
                let first = name(k)
                if first == "class", let className = name(k + 1) {
                    pending = .klass(className)
                    if depth == 0 { facts.classes[className] = Klass() }
                } else if first == "def", let function = name(k + 1) {
                    pending = .function(function)
                } else if first == "async", name(k + 1) == "def", let function = name(k + 2) {
                    pending = .function(function)
                }
                record(line: k..<end, depth: depth, blocks: blocks, into: &facts)
                // A one-line compound statement (`def f(): pass`) opens no block.
                k = end + 1
            }
            return facts
        }

        /// The top-level class and, directly in it, the method a line sits in.
        func owner(_ blocks: [Block]) -> (klass: String?, method: String?) {
            guard let first = blocks.first, case .klass(let className) = first.kind, first.bodyDepth == 1 else { return (nil, nil) }
            guard blocks.count >= 2, case .function(let method) = blocks[1].kind, blocks[1].bodyDepth == 2 else { return (className, nil) }
            return (className, method)
        }

        func record(line: Range<Int>, depth: Int, blocks: [Block], into facts: inout FunctionalSourceFacts) {
            let (klass, method) = owner(blocks)
            guard let klass, let method else { return }
            var info = facts.classes[klass, default: Klass()].methods[method, default: Method()]
            for k in line where name(k) == "self" && isOp(k + 1, 0x2E) {
                if let called = name(k + 2), isOp(k + 3, 0x28) { info.selfCalls.insert(called) }
            }
            // Directly in the method's body: depth 2 with the method as the innermost block.
            if depth == 2, blocks.count == 2, !isDocstring(line), requiresKVM(line) { info.requiresKVM = true }
            facts.classes[klass, default: Klass()].methods[method] = info
        }

        func isDocstring(_ line: Range<Int>) -> Bool {
            line.allSatisfy { tokens[$0].kind == .string || isOp($0, 0x28) || isOp($0, 0x29) }
        }

        func requiresKVM(_ line: Range<Int>) -> Bool {
            // Strings count only as arguments of the VM's command line (`add_args`): a command
            // the test types into its guest (`exec_command(self, 'qemu … accel=kvm')`, nested
            // KVM under TCG in ppc64/test_hv.py) is not the host's requirement.
            let commandLine = line.contains { name($0) == "add_args" }
            for k in line {
                if name(k) == "require_accelerator", isOp(k + 1, 0x28), string(k + 2) == "kvm" { return true }
                guard commandLine, let value = string(k) else { continue }
                if value == "-accel", isOp(k + 1, 0x2C), let next = string(k + 2), next == "kvm" || next.hasPrefix("kvm,") {
                    return true
                }
                if value.contains("-accel kvm") || value.contains("accel=kvm") || value.contains("-enable-kvm") { return true }
            }
            return false
        }
    }
}
