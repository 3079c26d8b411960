/// A recorded command line with some options replaced (`run --resume` and `replay` take
/// `--hosts`, `--inventory`, … on their own command line over the recorded ones).
public enum ArgumentOverrides {
    /// `arguments` without every occurrence of the options named in `remove` (both
    /// `--name VALUE` and `--name=VALUE`; all of them take a value), then `append`.
    /// Arguments after `--` are references and are never touched.
    public static func apply(_ arguments: [String], remove: Set<String>, append: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                return out + append + arguments[i...]
            }
            if remove.contains(a) {
                i += 2
                continue
            }
            if let eq = a.firstIndex(of: "="), a.hasPrefix("--"), remove.contains(String(a[..<eq])) {
                i += 1
                continue
            }
            out.append(a)
            i += 1
        }
        return out + append
    }
}
