import Testing
@testable import QCoordCore

@Suite struct PathNameTests {
    @Test("os.path semantics")
    func posix() {
        #expect(PathName.dirname("a/b.py") == "a")
        #expect(PathName.dirname("b.py") == "")
        #expect(PathName.dirname("/b.py") == "/")
        #expect(PathName.dirname("a//b") == "a")
        #expect(PathName.join("tests/", "a.py") == "tests/a.py")
        #expect(PathName.join("tests", "a.py") == "tests/a.py")
        #expect(PathName.join("", "a.py") == "a.py")
        #expect(PathName.normalize("/w/./a/../b//c/") == "/w/b/c")
        #expect(PathName.normalize("../x/..") == "..")
        #expect(PathName.absolute("x.py", in: "/work") == "/work/x.py")
    }

    @Test("file names sort by code point, as Python's sorted()")
    func order() {
        let names = ["b.py", "B.py", "_a.py", "a.py", "é.py", "Z.py"]
        #expect(names.sorted(by: PathName.codePointPrecedes) == ["B.py", "Z.py", "_a.py", "a.py", "b.py", "é.py"])
    }
}

extension PathNameTests {
    @Test("normalize leaves normal paths alone and fixes the rest", arguments: [
        ("/w/a.py", "/w/a.py"), ("a/b", "a/b"), ("/", "/"), ("a/./b", "a/b"), ("a//b", "a/b"), ("a/", "a"),
        ("./a", "a"), ("a/..", "."), ("/..", "/"), ("..", ".."), (".", "."), ("a/.b/..c", "a/.b/..c"),
        ("//x", "//x"), ("///x", "/x"), ("a/...", "a/..."),
    ])
    func normalize(_ path: String, _ expected: String) {
        #expect(PathName.normalize(path) == expected)
    }
}
