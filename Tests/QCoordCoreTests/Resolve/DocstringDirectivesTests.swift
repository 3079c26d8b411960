import Testing
@testable import QCoordCore

/// The directive regex and tag/dependency parsing, against results taken from Avocado 113.
@Suite struct DocstringDirectivesTests {
    @Test("a line is a directive exactly when Avocado's regex matches it", arguments: [
        (":avocado: enable", "enable"),
        ("   :avocado: tags=a,b  ", "tags=a,b"),
        (":avocado:\ttags=x", "tags=x"),
        (":avocado:tags=x", nil),                       // needs a blank after the marker
        (":avocado: tags=foo, bar", nil),               // a space inside the value: no match at all
        (":avocado: tags=a.b,c-d,e_f,g=h,x:y:z", "tags=a.b,c-d,e_f,g=h,x:y:z"),
        (":avocado: _tags=x", nil),                     // must start with [a-zA-Z0-9]
        (":avocado: dependency={\"type\": \"package\", \"name\": \"gcc\"}  ", "dependency={\"type\": \"package\", \"name\": \"gcc\"}"),
        (":avocado: dependency={} }", "dependency={} }"),
        (":avocado: dependency={", nil),
        ("text :avocado: enable", nil),                 // re.match: only at the start
        ("\u{A0}:avocado: enable\u{3000}", "enable"),   // \s is Unicode whitespace
        (":avocado: tags=é", nil),
    ] as [(String, String?)])
    func regex(line: String, expected: String?) {
        #expect(DocstringDirectives.match(Substring(line)) == expected)
    }

    @Test("directives come from every line (str.splitlines)")
    func lines() {
        let doc = "Summary\n    :avocado: enable\r\n:avocado: tags=a\u{0C}:avocado: tags=b\u{2028}:avocado: recursive"
        #expect(DocstringDirectives.directives(in: doc) == ["enable", "tags=a", "tags=b", "recursive"])
        #expect(DocstringDirectives.directives(in: nil).isEmpty)
    }

    @Test("tags accumulate over lines; a flat tag resets its key")
    func tags() throws {
        let tags = try DocstringDirectives.tags(from: ["tags=arch:x86_64,boot", "tags=arch:i386,,", "tags=k:v,k", "enable"]).get()
        #expect(tags == Tags(["arch": ["x86_64", "i386"], "boot": [], "k": []]))
        #expect(try DocstringDirectives.tags(from: ["tags="]).get().isEmpty)
        #expect(try DocstringDirectives.tags(from: ["tags=x:y:z"]).get() == Tags(["x": ["y:z"]]))
    }

    @Test("a flat tag later given a value crashes Avocado (None.add): reported as an error")
    func flatThenValue() {
        guard case .failure(let error) = DocstringDirectives.tags(from: ["tags=k", "tags=k:v"]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.key == "k")
    }

    @Test("dependencies keep what json.loads accepts, in order")
    func dependencies() {
        let deps = DocstringDirectives.dependencies(from: [
            "dependency={\"type\": \"package\"}", "dependency={\"broken\": }", "tags=x",
            "dependency={\"n\": NaN, \"l\": [1, -2.5e3, true, null]}", "dependency=", "dependency={'single': 1}",
        ])
        #expect(deps == ["{\"type\": \"package\"}", "{\"n\": NaN, \"l\": [1, -2.5e3, true, null]}"])
    }
}
