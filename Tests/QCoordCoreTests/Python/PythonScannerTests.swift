import Testing
@testable import QCoordCore

/// What the scanner reports from a module: top-level imports and classes only.
@Suite struct PythonScannerTests {
    static func scan(_ source: String) throws -> PythonModule {
        try PythonScanner.scan(Array(source.utf8)).get()
    }

    static func onlyClass(_ source: String) throws -> PythonClass {
        let classes = try scan(source).classes
        try #require(classes.count == 1)
        return classes[0]
    }

    // MARK: - Imports

    @Test func plainImports() throws {
        let imports = try Self.scan("import os\nimport a.b.c as d, e\n").imports
        #expect(imports == [
            PythonImport(module: "os", line: 1),
            PythonImport(module: "a.b.c", alias: "d", line: 2),
            PythonImport(module: "e", line: 2),
        ])
        #expect(imports.allSatisfy { !$0.isFrom })
    }

    @Test func fromImports() throws {
        let imports = try Self.scan("""
            from avocado import Test
            from avocado import Test as T, skip
            from avocado_qemu import (QemuSystemTest,
                                      wait_for_console_pattern as wait,
                                      )
            from .sibling import Base
            from .. import parent
            from ...pkg.mod import *
            from . import (a, b as c)

            """).imports
        #expect(imports == [
            PythonImport(module: "avocado", names: [.init(name: "Test")], line: 1),
            PythonImport(module: "avocado", names: [.init(name: "Test", alias: "T"), .init(name: "skip")], line: 2),
            PythonImport(module: "avocado_qemu",
                         names: [.init(name: "QemuSystemTest"), .init(name: "wait_for_console_pattern", alias: "wait")],
                         line: 3),
            PythonImport(module: "sibling", level: 1, names: [.init(name: "Base")], line: 6),
            PythonImport(module: "", level: 2, names: [.init(name: "parent")], line: 7),
            PythonImport(module: "pkg.mod", level: 3, names: [.init(name: "*")], line: 8),
            PythonImport(module: "", level: 1, names: [.init(name: "a"), .init(name: "b", alias: "c")], line: 9),
        ])
        #expect(imports.allSatisfy { $0.isFrom })
    }

    @Test func semicolonSeparatedTopLevelStatements() throws {
        let module = try Self.scan("import os; import avocado; x = 1; from a import b\nclass A: pass; import not_top\n")
        #expect(module.imports.map(\.module) == ["os", "avocado", "a"])
        #expect(module.classes.map(\.name) == ["A"])
    }

    @Test func guardedImportsAreNotTopLevel() throws {
        let module = try Self.scan("""
            try:
                import lzma
            except ImportError:
                from backports import lzma
            if True: import one; import two
            def f():
                import three
            with x:
                import four
            import five

            """)
        #expect(module.imports.map(\.module) == ["five"])
    }

    // MARK: - Bases

    @Test func basesDottedAndExpressions() throws {
        let cls = try Self.onlyClass("""
            class A(Test, avocado.Test, a.b.c.D, Generic[T], make_base(1), *more, None):
                pass

            """)
        #expect(cls.bases.map(\.dotted) == [
            ["Test"], ["avocado", "Test"], ["a", "b", "c", "D"], nil, nil, nil, nil,
        ])
        #expect(cls.bases.map(\.text) == ["Test", "avocado.Test", "a.b.c.D", "Generic[T]", "make_base(1)", "*more", "None"])
    }

    @Test func keywordBasesAreExcluded() throws {
        let cls = try Self.onlyClass("class A(Base, metaclass=ABCMeta, flag=True, **options):\n    pass\n")
        #expect(cls.bases == [PythonBase(dotted: ["Base"], text: "Base")])
    }

    @Test func multiLineBasesAreWhitespaceNormalised() throws {
        let cls = try Self.onlyClass("class A(\n    first . Second ,  # comment\n    make( 1,\n  2 ),\n):\n    pass\n")
        #expect(cls.bases.map(\.dotted) == [["first", "Second"], nil])
        #expect(cls.bases.map(\.text) == ["first . Second", "make(1, 2)"])
    }

    @Test func typeParametersBeforeBases() throws {
        // Python 3.12 generic class syntax.
        let cls = try Self.onlyClass("class A[T: (int, str), *Ts](Base[T]):\n    pass\n")
        #expect(cls.name == "A")
        #expect(cls.bases.map(\.text) == ["Base[T]"])
    }

    @Test func noBasesAndEmptyParentheses() throws {
        let module = try Self.scan("class A:\n    pass\nclass B():\n    pass\n")
        #expect(module.classes.map(\.bases) == [[], []])
        #expect(module.classes.map(\.line) == [1, 3])
    }

    // MARK: - Docstrings

    @Test func classDocstring() throws {
        let cls = try Self.onlyClass("class A(Test):\n    \"\"\"\n    :avocado: tags=quick\n    \"\"\"\n    x = 1\n")
        #expect(cls.docstring == "\n    :avocado: tags=quick\n    ")
    }

    @Test func docstringEscapesAreEvaluated() throws {
        let cls = try Self.onlyClass(#"""
            class A:
                "tab\tnl\nhex\x41 u\u00e9 U\U0001F600 oct\101\0 bs\\ q\' dq\" unknown\q name\N{EN DASH} cont\
            inued"

            """#)
        #expect(cls.docstring == "tab\tnl\nhexA ué U😀 octA\u{0} bs\\ q' dq\" unknown\\q name\\N{EN DASH} continued")
    }

    @Test func rawDocstringIsVerbatim() throws {
        let cls = try Self.onlyClass("class A:\n    r'''raw \\n \\t \\\\ \\''''\n")
        #expect(cls.docstring == #"raw \n \t \\ \'"#)
    }

    @Test func adjacentLiteralsConcatenate() throws {
        let cls = try Self.onlyClass("class A:\n    (\"one \"\n     'two '\n     r\"\\three\")\n")
        #expect(cls.docstring == #"one two \three"#)
    }

    @Test func fStringsAndBytesAreNotDocstrings() throws {
        let module = try Self.scan("""
            class A:
                f"not {a} docstring"
            class B:
                b"bytes"
            class C:
                "mixed" f"{c}"
            class D:
                x = 1
                "second statement"
            class E:
                "expression".strip()
            class F:
                u"unicode prefix is fine"

            """)
        #expect(module.classes.map(\.docstring) == [nil, nil, nil, nil, nil, "unicode prefix is fine"])
    }

    @Test func crlfDocstringUsesNewlines() throws {
        let cls = try Self.onlyClass("class A:\r\n    '''one\r\n    two'''\r\n")
        #expect(cls.docstring == "one\n    two")
    }

    // MARK: - Methods

    @Test func methodsWithDecorators() throws {
        let cls = try Self.onlyClass("""
            class A(Test):
                @skipIf(os.getenv('CI'),
                        "no CI")
                @other
                def test_a(self):
                    '''doc a'''

                @property
                def value(self):
                    return 1

                @value.setter
                def value(self, v): pass

                async def test_b(self):
                    \"""doc b\"""

                @staticmethod
                async def helper(): ...

            """)
        #expect(cls.methods == [
            PythonFunction(name: "test_a", decorators: [#"skipIf(os.getenv('CI'), "no CI")"#, "other"], docstring: "doc a", line: 5),
            PythonFunction(name: "value", decorators: ["property"], line: 9),
            PythonFunction(name: "value", decorators: ["value.setter"], line: 13),
            PythonFunction(name: "test_b", isAsync: true, docstring: "doc b", line: 15),
            PythonFunction(name: "helper", isAsync: true, decorators: ["staticmethod"], line: 19),
        ])
    }

    @Test func oneLineMethodDocstringAndLambdaDefaults() throws {
        let cls = try Self.onlyClass("""
            class A:
                def f(self, cb=lambda: 1, d={1: 2}) -> "x: y": "one-liner"
                def g(self):
                    "a" 'b'

            """)
        #expect(cls.methods.map(\.docstring) == ["one-liner", "ab"])
    }

    @Test func nestedDefinitionsAreNotReported() throws {
        let module = try Self.scan("""
            class Outer(Test):
                class Inner(Test):
                    def test_inner(self):
                        pass

                def test_outer(self):
                    def helper():
                        pass
                    class Local:
                        def method(self):
                            pass

                if True:
                    def conditional(self):
                        pass

            def function():
                class InFunction(Test):
                    def test(self):
                        pass

            """)
        #expect(module.classes.map(\.name) == ["Outer"])
        #expect(module.classes.first?.methods.map(\.name) == ["test_outer"])
    }

    @Test func decoratorBeforeNestedClassIsNotCarriedOver() throws {
        let cls = try Self.onlyClass("class A:\n    @dec\n    class B:\n        pass\n    def f(self): pass\n")
        #expect(cls.methods == [PythonFunction(name: "f", line: 5)])
    }

    // MARK: - Class placement and forms

    @Test func guardedClassesAreExcluded() throws {
        let module = try Self.scan("""
            if sys.version_info > (3,):
                class InIf(Test):
                    pass
            else:
                class InElse(Test): pass
            try:
                class InTry(Test): pass
            except Exception:
                pass
            with ctx:
                class InWith(Test): pass
            match value:
                case 1:
                    class InMatch(Test): pass
            class TopLevel(Test):
                pass

            """)
        #expect(module.classes.map(\.name) == ["TopLevel"])
        #expect(module.classes.first?.line == 15)
    }

    @Test func decoratedClassIsStillAClass() throws {
        let module = try Self.scan("@dataclass\n@other(1,\n  2)\nclass A(Test):\n    pass\n@deco\ndef f(): pass\n")
        #expect(module.classes.map(\.name) == ["A"])
        #expect(module.classes.first?.line == 4)
    }

    @Test func oneLineClassBodies() throws {
        let module = try Self.scan("""
            class A(B): pass
            class C(B): x = 1; y = 2
            class D(B): "doc"; x = 1
            class E(B): ...

            """)
        #expect(module.classes.map(\.name) == ["A", "C", "D", "E"])
        #expect(module.classes.map(\.docstring) == [nil, nil, "doc", nil])
        #expect(module.classes.allSatisfy { $0.bases == [PythonBase(dotted: ["B"], text: "B")] })
    }

    @Test func softKeywordsAsNamesDoNotHideLaterStatements() throws {
        let module = try Self.scan("match = 1\ncase = 2\nmatch(x)\nimport after\nclass After: pass\n")
        #expect(module.imports.map(\.module) == ["after"])
        #expect(module.classes.map(\.name) == ["After"])
    }

    @Test func nonASCIIClassAndMethodNames() throws {
        let cls = try Self.onlyClass("class Prüfung(Test):\n    \"\"\"Ünïcödé ✓\"\"\"\n    def test_größe(self): pass\n")
        #expect(cls.name == "Prüfung")
        #expect(cls.docstring == "Ünïcödé ✓")
        #expect(cls.methods.map(\.name) == ["test_größe"])
    }

    @Test func tabIndentedClass() throws {
        let cls = try Self.onlyClass("class A(Test):\n\t'''tabs'''\n\tdef test(self):\n\t\tpass\n\n\tdef test2(self):\n\t\tpass\n")
        #expect(cls.docstring == "tabs")
        #expect(cls.methods.map(\.name) == ["test", "test2"])
    }

    @Test func byteOrderMark() throws {
        let module = try PythonScanner.scan([0xEF, 0xBB, 0xBF] + Array("import avocado\nclass A(avocado.Test): pass\n".utf8)).get()
        #expect(module.imports.map(\.module) == ["avocado"])
        #expect(module.classes.map(\.name) == ["A"])
    }

    @Test func latin1CodingDeclarationIsHonoured() throws {
        let source = Array("#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nclass A:\n    '''caf".utf8) + [0xE9] + Array("'''\n".utf8)
        let module = try PythonScanner.scan(source).get()
        #expect(module.classes.first?.docstring == "café")
        // Without the declaration the same byte is invalid UTF-8.
        let undeclared = Array("class A:\n    '''caf".utf8) + [0xE9] + Array("'''\n".utf8)
        #expect(throws: PythonSyntaxError.self) { try PythonScanner.scan(undeclared).get() }
    }

    @Test func otherCodingDeclarations() throws {
        #expect(try Self.scan("# coding=utf-8\nimport os\n").imports.count == 1)
        #expect(try Self.scan("# vim: set fileencoding=UTF_8 :\nimport os\n").imports.count == 1)
        // A declaration after a code line is just a comment.
        #expect(try Self.scan("import os\n\n# coding: koi8-r\n").imports.count == 1)
        // Pure ASCII reads the same in any declared encoding.
        #expect(try Self.scan("# coding: cp1252\nimport os\n").imports.count == 1)
        guard case .failure(let error) = PythonScanner.scan(Array("# coding: koi8-r\nimport os\n# ".utf8) + [0xC1]) else {
            Issue.record("expected an unsupported-encoding error")
            return
        }
        #expect(error.line == 1)
        #expect(error.message.contains("koi8-r"))
    }

    @Test func syntaxErrorsAreReportedWithLine() {
        guard case .failure(let error) = PythonScanner.scan(Array("import os\nclass A:\n    '''never closed\n".utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("line 3: unterminated triple-quoted string literal"))
    }

    /// Cases and lines checked against CPython 3.11's `ast.parse`.
    @Test(arguments: [
        ("if x:\n", 1, "expected an indented block"),
        ("if x:\ny = 1\n", 2, "expected an indented block"),
        ("if x:\n# c\n\ny = 1\n", 4, "expected an indented block"),
        ("class A:\n    def f(self):\n    pass\n", 3, "expected an indented block"),
        ("class A:\n    def f(self):\n", 2, "expected an indented block"),
        ("if x:", 1, "expected an indented block"),
        ("  x = 1\n", 1, "unexpected indent"),
        ("x = 1\n    y = 2\n", 2, "unexpected indent"),
        ("class A:\n    x = 1\n        y = 2\n", 3, "unexpected indent"),
    ])
    func indentationErrors(source: String, line: Int, message: String) {
        guard case .failure(let error) = PythonScanner.scan(Array(source.utf8)) else {
            Issue.record("expected \(message) for \(source.debugDescription)")
            return
        }
        #expect(error.line == line)
        #expect(error.message.hasPrefix(message))
    }

    @Test func malformedStatementsAreSkippedNotFatal() throws {
        let module = try Self.scan("class\nclass (x)\nclass A(\n B\n) x\nfrom import y\nimport\nfrom . import\nclass Ok: pass\n")
        #expect(module.classes.map(\.name) == ["Ok"])
        #expect(module.imports.isEmpty)
    }
}
