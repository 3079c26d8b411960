/// POSIX path arithmetic with Python's `os.path` semantics (what Avocado computes with).
enum PathName {
    /// `os.path.dirname`: everything before the last slash, trailing slashes of it removed
    /// unless it is all slashes.
    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        var head = String(path[...slash])
        if head.contains(where: { $0 != "/" }) {
            while head.hasSuffix("/") { head.removeLast() }
        }
        return head
    }

    /// `os.path.basename`.
    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `os.path.join(a, b)` for two components.
    static func join(_ base: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if base.isEmpty || base.hasSuffix("/") { return base + name }
        return base + "/" + name
    }

    /// `os.path.normpath`.
    static func normalize(_ path: String) -> String {
        if path.isEmpty { return "." }
        if isNormal(path) { return path }
        let absolute = path.hasPrefix("/")
        // POSIX keeps exactly two leading slashes; three or more collapse to one.
        let initialSlashes = absolute && path.hasPrefix("//") && !path.hasPrefix("///") ? 2 : (absolute ? 1 : 0)
        var parts: [Substring] = []
        for comp in path.split(separator: "/", omittingEmptySubsequences: true) {
            if comp == "." { continue }
            if comp == ".." {
                if !absolute && (parts.isEmpty || parts.last == "..") {
                    parts.append(comp)
                } else if !parts.isEmpty {
                    parts.removeLast()
                }
                continue
            }
            parts.append(comp)
        }
        let joined = parts.joined(separator: "/")
        let result = String(repeating: "/", count: initialSlashes) + joined
        return result.isEmpty ? "." : result
    }

    /// Already what `normalize` would return: no empty, `.` or `..` component, no trailing
    /// slash (the common case, checked without allocating).
    private static func isNormal(_ path: String) -> Bool {
        if path == "/" { return true }
        var componentStart = 0
        var index = 0
        var dotsOnly = true
        for byte in path.utf8 {
            if byte == 0x2F {
                let length = index - componentStart
                // An empty component is only allowed first (the root of an absolute path).
                if length == 0 && index != 0 { return false }
                if dotsOnly && (length == 1 || length == 2) { return false }
                componentStart = index + 1
                dotsOnly = true
            } else if byte != 0x2E {
                dotsOnly = false
            }
            index += 1
        }
        let length = index - componentStart
        if length == 0 { return false }
        return !(dotsOnly && length <= 2)
    }

    /// `os.path.abspath` against a given working directory.
    static func absolute(_ path: String, in workingDirectory: String) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize(join(workingDirectory, path))
    }

    /// Python's `sorted()` order for file names: by Unicode code point.
    static func codePointPrecedes(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}
