@testable import QCoordCore

/// A small in-memory project and a resolver over it, with the real scanner.
struct Project {
    var files: [String: InMemorySourceTree.File] = [:]
    var directories: Set<String> = []

    mutating func add(_ path: String, _ text: String, executable: Bool = false) {
        files[path] = InMemorySourceTree.File(text, executable: executable)
    }

    var tree: InMemorySourceTree { InMemorySourceTree(files: files, directories: directories, workingDirectory: "/work") }

    func resolve(_ references: [String], loaders: [LoaderSpec] = LoaderSpec.defaultLoaders) -> Resolution {
        TestResolver(tree: tree, loaders: loaders, workingDirectory: "/work").resolve(references)
    }

    /// `TYPE name` lines, as `qcoord list` prints them.
    func listing(_ references: [String], loaders: [LoaderSpec] = LoaderSpec.defaultLoaders) -> [String] {
        resolve(references, loaders: loaders).entries.map { "\($0.kind.rawValue) \($0.name)" }
    }

    func tags(_ reference: String) -> [String: Tags] {
        Dictionary(uniqueKeysWithValues: resolve([reference]).tests.map { ($0.name, $0.tags) })
    }

    static func loaders(_ specs: String...) -> [LoaderSpec] {
        specs.compactMap { try? LoaderSpec.parse($0).get() }
    }
}
