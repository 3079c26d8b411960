/// `--name value` options and positional arguments: all the benchmarks need (the
/// argument-parser library is the CLI's alone).
struct BenchArguments {
    struct Failure: Error { var message: String; init(_ message: String) { self.message = message } }

    var positional: [String] = []
    private var values: [String: String] = [:]

    init(_ arguments: [String], options: Set<String>) throws(Failure) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { positional.append(argument); continue }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard options.contains(name) else { throw Failure("unknown option --\(name)") }
            guard let given = value ?? rest.popFirst() else { throw Failure("--\(name) needs a value") }
            values[name] = given
        }
    }

    subscript(name: String) -> String? { values[name] }

    func int(_ name: String) throws(Failure) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else { throw Failure("--\(name): '\(text)' is not a whole number") }
        return value
    }

    func double(_ name: String) throws(Failure) -> Double? {
        guard let text = values[name] else { return nil }
        guard let value = Double(text) else { throw Failure("--\(name): '\(text)' is not a number") }
        return value
    }
}
