/// The AST node kind of a base-class expression, as far as Avocado's safeloader cares.
enum PythonBaseShape: Hashable {
    /// `Name`: `Test`.
    case name(String)
    /// `Attribute` on a `Name`: `avocado.Test`.
    case attribute(module: String, name: String)
    /// `Attribute` on something else (`a.b.Test`, `f().Test`): `value` has no `id`.
    case attributeOnExpression(valueNode: String)
    /// A node with a `value` that is not an attribute: `Generic[T]`, constants, `*bases`.
    case otherWithValue
    /// A node with neither `value` nor `id` (`Call`, `BinOp`, …): Avocado crashes on it.
    case withoutValue(node: String)

    init(_ base: PythonBase) {
        if let dotted = base.dotted, !dotted.isEmpty {
            switch dotted.count {
            case 1: self = .name(dotted[0])
            case 2: self = .attribute(module: dotted[0], name: dotted[1])
            default: self = .attributeOnExpression(valueNode: "Attribute")
            }
            return
        }
        var text = Substring(base.text.trimmingSpaces)
        // Redundant parentheses are not nodes: `(Base)` is `Name`.
        while text.hasPrefix("("), text.hasSuffix(")"), Self.outerParenthesesMatch(text) {
            text = Substring(String(text.dropFirst().dropLast()).trimmingSpaces)
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        if !parts.isEmpty, parts.allSatisfy(Self.isIdentifier) {
            switch parts.count {
            case 1: self = .name(parts[0])
            case 2: self = .attribute(module: parts[0], name: parts[1])
            default: self = .attributeOnExpression(valueNode: "Attribute")
            }
            return
        }
        if text.hasPrefix("*") || text.hasSuffix("]") || text.first.map({ $0.isNumber || $0 == "\"" || $0 == "'" }) == true {
            self = .otherWithValue
            return
        }
        // `f(x).Name` / `a[0].Name`: an attribute whose value is a call or subscript.
        if let dot = text.lastIndex(of: "."), Self.isIdentifier(String(text[text.index(after: dot)...]).trimmingSpaces),
           let before = text[..<dot].last, before == ")" || before == "]" {
            self = .attributeOnExpression(valueNode: before == ")" ? "Call" : "Subscript")
            return
        }
        if text.hasSuffix(")") {
            self = .withoutValue(node: "Call")
        } else if text.contains("|") || text.contains("+") {
            self = .withoutValue(node: "BinOp")
        } else {
            self = .withoutValue(node: "expr")
        }
    }

    private static func outerParenthesesMatch(_ text: Substring) -> Bool {
        var depth = 0
        for (offset, ch) in text.enumerated() {
            if ch == "(" { depth += 1 }
            if ch == ")" {
                depth -= 1
                if depth == 0 && offset != text.count - 1 { return false }
            }
        }
        return depth == 0
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first else { return false }
        guard first == "_" || first.properties.isXIDStart else { return false }
        return s.unicodeScalars.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
