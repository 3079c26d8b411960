import Testing
@testable import QCoordCore

/// Every row and quirk of avocado-113.md §2.
@Suite struct TagFilterTests {
    static let x86Boot = Tags(["arch": ["x86_64"], "boot": []])
    static let multiArch = Tags(["arch": ["x86_64", "i386"], "slow": []])
    static let flatArch = Tags(["arch": []])
    static let quick = Tags(["quick": []])
    static let untagged = Tags()

    static func keeps(_ groups: [String], _ tags: Tags, includeEmpty: Bool = false, includeEmptyKey: Bool = false) -> Bool {
        TagFilter(groups: groups, includeEmpty: includeEmpty, includeEmptyKey: includeEmptyKey).matches(tags)
    }

    @Test("foo: the test has key foo, flat or with values")
    func flatItem() {
        #expect(Self.keeps(["boot"], Self.x86Boot))
        #expect(Self.keeps(["arch"], Self.x86Boot))   // -t arch matches every arch:* test
        #expect(Self.keeps(["arch"], Self.flatArch))
        #expect(!Self.keeps(["slow"], Self.x86Boot))
    }

    @Test("key:val: val is among the key's values")
    func keyValue() {
        #expect(Self.keeps(["arch:x86_64"], Self.x86Boot))
        #expect(Self.keeps(["arch:i386"], Self.multiArch))
        #expect(!Self.keeps(["arch:aarch64"], Self.x86Boot))
        #expect(!Self.keeps(["arch:x86_64"], Self.flatArch))   // a flat key has no values
        #expect(!Self.keeps(["arch:x86_64"], Self.quick))      // key absent
    }

    @Test("-foo: the test has no key foo")
    func negatedFlat() {
        #expect(Self.keeps(["-slow"], Self.x86Boot))
        #expect(!Self.keeps(["-slow"], Self.multiArch))
        #expect(!Self.keeps(["-arch"], Self.flatArch))
    }

    @Test("key:-val: the test has key and val is not among its values")
    func negatedValue() {
        #expect(Self.keeps(["arch:-i386"], Self.x86Boot))
        #expect(!Self.keeps(["arch:-i386"], Self.multiArch))
        #expect(!Self.keeps(["arch:-i386"], Self.quick))       // key absent
        #expect(Self.keeps(["arch:-i386"], Self.flatArch))     // key present, no values
    }

    @Test("-key:val is compared against keys only: a no-op")
    func negatedKeyValueIsNoOp() {
        #expect(Self.keeps(["-arch:x86_64"], Self.x86Boot))
        #expect(Self.keeps(["-arch:x86_64,boot"], Self.x86Boot))
        #expect(!Self.keeps(["-arch:x86_64"], Self.untagged))  // still drops untagged tests
        #expect(TagFilter(groups: ["-arch:x86_64"]).warnings.count == 1)
    }

    @Test("comma ANDs inside a group, repeated -t ORs")
    func andOr() {
        #expect(Self.keeps(["arch:x86_64,boot"], Self.x86Boot))
        #expect(!Self.keeps(["arch:x86_64,slow"], Self.x86Boot))
        #expect(Self.keeps(["arch:x86_64,slow", "boot"], Self.x86Boot))
        #expect(!Self.keeps(["quick", "slow"], Self.x86Boot))
        #expect(Self.keeps(["arch:i386,-boot"], Self.multiArch))
    }

    @Test("untagged tests are dropped by any filter, even a pure negation, unless include-empty")
    func untaggedDropped() {
        #expect(!Self.keeps(["-slow"], Self.untagged))
        #expect(!Self.keeps(["boot"], Self.untagged))
        #expect(Self.keeps(["-slow"], Self.untagged, includeEmpty: true))
        #expect(Self.keeps(["nothing:matches"], Self.untagged, includeEmpty: true))
        #expect(TagFilter(groups: []).matches(Self.untagged))   // no filter: everything passes
        #expect(TagFilter(groups: [], includeEmpty: true).isActive == false)
    }

    @Test("include-empty-key: a key:… item is skipped for a test without that key")
    func includeEmptyKey() {
        #expect(!Self.keeps(["arch:x86_64"], Self.quick))
        #expect(Self.keeps(["arch:x86_64"], Self.quick, includeEmptyKey: true))
        #expect(Self.keeps(["arch:-x86_64"], Self.quick, includeEmptyKey: true))
        #expect(!Self.keeps(["arch:aarch64"], Self.x86Boot, includeEmptyKey: true))  // key present: checked
        #expect(!Self.keeps(["arch:x86_64,slow"], Self.quick, includeEmptyKey: true)) // flat items still hold
    }

    @Test("a repeated key inside one group keeps only its last item")
    func repeatedKey() {
        #expect(Self.keeps(["arch:x86_64,arch:aarch64"], Tags(["arch": ["aarch64"]])))
        #expect(!Self.keeps(["arch:x86_64,arch:aarch64"], Self.x86Boot))
        #expect(Self.keeps(["arch:x86_64", "arch:aarch64"], Self.x86Boot))  // separate -t: OR
        #expect(TagFilter(groups: ["arch:x86_64,arch:aarch64"]).warnings.map(\.message).contains { $0.contains("only the last") })
    }

    @Test("an item with no tag ('', a stray comma, '-' alone) is a usage error that says what a filter looks like")
    func itemsWithoutATag() {
        // Avocado 113 takes them silently: "" requires the tag "" (never holds), "-" forbids it (always holds).
        #expect(!Self.keeps(["boot,"], Self.x86Boot))
        #expect(Self.keeps(["-"], Self.x86Boot))
        for bad in ["-", "", ",", "a,-", "boot,", ",boot", "-,boot", "a,,b"] {
            let message = TagFilter.usageError(bad)
            #expect(message != nil, "\(bad)")
            #expect(message?.contains("'tag', 'key:val', '-tag' (lacks tag) or 'key:-val'") == true)
        }
        #expect(TagFilter.usageError("-")?.contains("'-' with no tag") == true)
        for good in ["boot", "-slow", "arch:x86_64,-slow", "arch:-i386", "-arch:x86_64", "x:y:z"] {
            #expect(TagFilter.usageError(good) == nil, "\(good)")
        }
        #expect(TagFilter(groups: ["boot"]).warnings.isEmpty)
    }

    @Test("key:val with a colon in the value splits at the first colon")
    func colonInValue() {
        #expect(Self.keeps(["x:y:z"], Tags(["x": ["y:z"]])))
    }

    @Test("apply keeps order and MISSING entries")
    func apply() {
        let tests = [
            TestCase(kind: .instrumented, name: "a.py:A.test_1", uri: "a.py", tags: Self.x86Boot),
            TestCase(kind: .missing, name: "nope", uri: "nope"),
            TestCase(kind: .simple, name: "run.sh", uri: "run.sh"),
            TestCase(kind: .instrumented, name: "a.py:A.test_2", uri: "a.py", tags: Self.multiArch),
        ]
        let kept = TagFilter(groups: ["arch"]).apply(tests).map(\.name)
        #expect(kept == ["a.py:A.test_1", "nope", "a.py:A.test_2"])
        #expect(TagFilter(groups: []).apply(tests) == tests)
    }
}
