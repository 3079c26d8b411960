import Testing
@testable import QCoordCore

/// Token-level behaviour: every string form, layout tokens, and every error kind with its line.
@Suite struct PythonTokenizerTests {
    typealias Kind = PythonToken.Kind

    static func tokens(_ source: String, trivia: Bool = true) throws -> [(Kind, String)] {
        let bytes = Array(source.utf8)
        let tokens = try PythonTokenizer.tokenize(bytes, includeTrivia: trivia).get()
        return tokens.map { ($0.kind, $0.text(in: bytes)) }
    }

    static func kinds(_ source: String, trivia: Bool = true) throws -> [Kind] {
        try tokens(source, trivia: trivia).map(\.0)
    }

    /// Texts of the non-layout tokens.
    static func texts(_ source: String) throws -> [String] {
        try tokens(source, trivia: false)
            .filter { [.name, .number, .string, .op].contains($0.0) }
            .map(\.1)
    }

    static func error(_ bytes: [UInt8]) -> PythonSyntaxError? {
        if case .failure(let error) = PythonTokenizer.tokenize(bytes) { return error }
        return nil
    }

    static func error(_ source: String) -> PythonSyntaxError? {
        error(Array(source.utf8))
    }

    // MARK: - Layout

    @Test func simpleStatementLayout() throws {
        #expect(try Self.kinds("x = 1\n") == [.name, .op, .number, .newline, .endMarker])
    }

    @Test func missingFinalNewlineStillEndsTheLine() throws {
        #expect(try Self.kinds("x") == [.name, .newline, .endMarker])
        #expect(try Self.kinds("") == [.endMarker])
    }

    @Test func indentAndDedent() throws {
        let kinds = try Self.kinds("if x:\n    y\n    if z:\n        w\nv\n")
        #expect(kinds == [
            .name, .name, .op, .newline,
            .indent, .name, .newline,
            .name, .name, .op, .newline,
            .indent, .name, .newline,
            .dedent, .dedent, .name, .newline, .endMarker,
        ])
    }

    @Test func dedentsAtEndOfFile() throws {
        #expect(try Self.kinds("if x:\n  if y:\n    z") == [
            .name, .name, .op, .newline, .indent, .name, .name, .op, .newline, .indent, .name, .newline,
            .dedent, .dedent, .endMarker,
        ])
    }

    @Test func commentsAndBlankLinesAreTrivia() throws {
        let tokens = try Self.tokens("# head\n\nx = 1  # tail\n    # indented comment\ny\n")
        #expect(tokens.map(\.0) == [
            .comment, .nl, .nl,
            .name, .op, .number, .comment, .newline,
            .comment, .nl,
            .name, .newline, .endMarker,
        ])
        #expect(tokens[0].1 == "# head")
        #expect(tokens[6].1 == "# tail")
        #expect(try Self.kinds("# head\n\nx = 1  # tail\n", trivia: false) == [.name, .op, .number, .newline, .endMarker])
    }

    @Test func backslashContinuationJoinsLines() throws {
        let tokens = try PythonTokenizer.tokenize(Array("x = 1 + \\\n    2\ny\n".utf8), includeTrivia: false).get()
        #expect(tokens.map(\.kind) == [.name, .op, .number, .op, .number, .newline, .name, .newline, .endMarker])
        #expect(tokens[4].line == 2)
        #expect(tokens[6].line == 3)
    }

    @Test func bracketsJoinLinesImplicitly() throws {
        let kinds = try Self.kinds("x = (1,\n  [2,\n{3: 4}])\n", trivia: true)
        #expect(kinds.filter { $0 == .newline }.count == 1)
        #expect(kinds.filter { $0 == .nl }.count == 2)
        #expect(!kinds.contains(.indent))
    }

    @Test func crlfAndLoneCRAreLineBreaks() throws {
        let tokens = try PythonTokenizer.tokenize(Array("a\r\nif b:\r\n    c\rd\n".utf8), includeTrivia: false).get()
        #expect(tokens.map(\.kind) == [
            .name, .newline, .name, .name, .op, .newline, .indent, .name, .newline, .dedent, .name, .newline, .endMarker,
        ])
        #expect(tokens.first { $0.kind == .dedent }?.line == 4)
    }

    @Test func tabsIndentToMultiplesOfEight() throws {
        // A tab then four spaces is column 12 in both lines, counted consistently.
        #expect(try Self.kinds("if x:\n\t    a\n\t    b\n").contains(.indent))
        // One tab equals eight spaces for dedent matching only when used consistently.
        #expect(Self.error("if x:\n\ta\n        b\n")?.line == 3)
        #expect(Self.error("if x:\n\ta\n        b\n")?.message == "inconsistent use of tabs and spaces in indentation")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("import os\n".utf8)
        let tokens = try PythonTokenizer.tokenize(bytes).get()
        #expect(tokens.map { $0.text(in: bytes) }.prefix(2) == ["import", "os"])
        #expect(tokens[0].line == 1)
    }

    @Test func nonASCIINames() throws {
        #expect(try Self.texts("größe = 1; 名前 = größe\n") == ["größe", "=", "1", ";", "名前", "=", "größe"])
    }

    @Test func numbers() throws {
        #expect(try Self.texts("1_000 0xFF 0o17 0b1010 1e-3 1.5E+10 3j .5 5. 1_0.0_1e1_0J 0x_ff_ff")
            == ["1_000", "0xFF", "0o17", "0b1010", "1e-3", "1.5E+10", "3j", ".5", "5.", "1_0.0_1e1_0J", "0x_ff_ff"])
        #expect(try Self.texts("x.y 1 .real") == ["x", ".", "y", "1", ".", "real"])
    }

    @Test func operators() throws {
        #expect(try Self.texts("a **= b //= c >>= d <<= e ... f != g -> h := i == j <= k >= l @ m @= n ** o // p")
            == ["a", "**=", "b", "//=", "c", ">>=", "d", "<<=", "e", "...", "f", "!=", "g", "->", "h", ":=", "i",
                "==", "j", "<=", "k", ">=", "l", "@", "m", "@=", "n", "**", "o", "//", "p"])
    }

    @Test func decoratorsAndAsyncDef() throws {
        #expect(try Self.texts("@skipIf(a, 'b')\nasync def f(): pass\n")
            == ["@", "skipIf", "(", "a", ",", "'b'", ")", "async", "def", "f", "(", ")", ":", "pass"])
    }

    // MARK: - Strings

    @Test(arguments: [
        #"'single'"#, #""double""#, "'''triple\n'single'\n'''", #""""triple "double" """"#,
        #"r'raw \d'"#, #"R"RAW""#, #"b'bytes'"#, #"B"BYTES""#, #"u'unicode'"#, #"U"UNICODE""#,
        #"rb'x'"#, #"Rb'x'"#, #"bR"x""#, #"BR'x'"#, #"br'x'"#, #"rB"x""#,
        #"f'{x}'"#, #"F"{x}""#, #"fr'{x}\d'"#, #"Rf"{x}""#, #"rF'{x}'"#, #"FR"{x}""#,
        #"'it\'s'"#, #""say \"hi\"""#, #"r'\''"#, #"r"\"""#, #"'back\\'"#,
        "'''a\\\nb'''", "'line \\\ncontinued'", #"b'\x00\xff'"#, "\"\"\"\"\"\"", "''",
    ])
    func everyStringFormIsOneToken(literal: String) throws {
        let tokens = try Self.tokens("x = \(literal)\n", trivia: false)
        #expect(tokens.map(\.0) == [.name, .op, .string, .newline, .endMarker])
        #expect(tokens[2].1 == literal)
    }

    @Test(arguments: [
        #"f"{x['a']}""#, #"f"{'}'}""#, #"f'{"{"}'"#, #"f"{{literal}}""#, #"f"{a:{b}.{c}}""#,
        #"f"{x!r:>10}""#, #"f"{ {'k': 1}['k'] }""#, #"f"{x if y else'z'}""#, #"f"{'nested' + f'{inner}'}""#,
        #"f"{x["a"]}""#, #"f"{f"{x}"}""#, "f'''multi\n{value\n + 1} line'''", #"f"{x:abc'def}""#,
        #"rf"\{x}""#,
    ])
    func fStringsAreOneTokenWithNestedQuotesAndBraces(literal: String) throws {
        let tokens = try Self.tokens("y = \(literal) + 1\n", trivia: false)
        #expect(tokens.map(\.0) == [.name, .op, .string, .op, .number, .newline, .endMarker])
        #expect(tokens[2].1 == literal)
    }

    @Test func adjacentStringsAreSeparateTokens() throws {
        #expect(try Self.texts(#"'a' "b" r'c'"#) == [#"'a'"#, #""b""#, #"r'c'"#])
    }

    @Test func prefixLikeNamesBeforeStringsStayNames() throws {
        #expect(try Self.texts(#"rbx = bu'x'"#).count == 4) // `bu` is not a prefix: name then string
        #expect(try Self.texts(#"ur'x'"#) == ["ur", "'x'"])
    }

    @Test func multiLineStringKeepsStartLine() throws {
        let tokens = try PythonTokenizer.tokenize(Array("a = '''1\n2\n3'''\nb\n".utf8), includeTrivia: false).get()
        #expect(tokens[2].line == 1)
        #expect(tokens[4].line == 4)
    }

    // MARK: - Errors

    @Test func unterminatedSingleLineString() {
        let error = Self.error("x = 1\ny = 'abc\nz = 2\n")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("unterminated string literal") == true)
    }

    @Test func unterminatedTripleQuotedString() {
        let error = Self.error("x = 1\ny = '''abc\n\nmore\n")
        #expect(error?.line == 2)
        #expect(error?.message == "unterminated triple-quoted string literal (detected at line 5)")
    }

    @Test func unterminatedFString() {
        #expect(Self.error("x = 1\ny = f'{x\n")?.line == 2)
        #expect(Self.error("x = 1\ny = f'''{x\n")?.line == 2)
        #expect(Self.error("y = f\"{x:\n")?.line == 1)
    }

    @Test func unclosedBracketReportsItsOpeningLine() {
        let error = Self.error("x = (1,\n2\n")
        #expect(error?.line == 1)
        #expect(error?.message.hasPrefix("'(' was never closed") == true)
    }

    @Test func unmatchedClosingBracket() {
        let error = Self.error("x = 1\ny = 1)\n")
        #expect(error?.line == 2)
        #expect(error?.message == "unmatched ')'")
    }

    @Test func mismatchedBrackets() {
        let error = Self.error("x = (1,\n2]\n")
        #expect(error?.line == 2)
        #expect(error?.message == "closing parenthesis ']' does not match opening parenthesis '(' on line 1")
        #expect(Self.error("x = {1)\n")?.message == "closing parenthesis ')' does not match opening parenthesis '{'")
    }

    @Test func unindentNotMatchingAnyOuterLevel() {
        let error = Self.error("class A:\n  def f(self):\n      pass\n   def g(self): pass\n")
        #expect(error?.line == 4)
        #expect(error?.message == "unindent does not match any outer indentation level")
    }

    @Test func invalidUTF8() {
        let error = Self.error(Array("x = 1\n# ".utf8) + [0xFF] + Array("\n".utf8))
        #expect(error?.line == 2)
        #expect(error?.message.contains("UTF-8") == true)
        // Truncated multi-byte sequence at the very end, and an overlong encoding.
        #expect(Self.error(Array(Array("x = 'é".utf8).dropLast()))?.line == 1)
        #expect(Self.error(Array("a\nb\n".utf8) + [0xC0, 0xAF])?.line == 3)
        #expect(Self.error(Array("s = '".utf8) + [0xED, 0xA0, 0x80] + Array("'\n".utf8)) != nil) // surrogate
    }

    @Test func eofInMultiLineStatement() {
        #expect(Self.error("x = 1 + \\\n")?.line == 1)
        #expect(Self.error("x = 1 + \\")?.line == 1)
        #expect(Self.error("x = [1,\n 2,\n")?.line == 1)
    }

    @Test func otherInvalidInput() {
        #expect(Self.error("x = 1\ny = $\n")?.line == 2)
        #expect(Self.error("x = !y\n")?.line == 1)
        #expect(Self.error("x = 1 \\ y\n")?.message == "unexpected character after line continuation character")
        #expect(Self.error(Array("x = 1\ny".utf8) + [0] + Array(" = 2\n".utf8))?.line == 2)
    }

    @Test func charactersNotAllowedInIdentifiers() {
        #expect(Self.error("€ = 2\n") == PythonSyntaxError(line: 1, message: "invalid character '€' (U+20AC)"))
        #expect(Self.error("x = 1\ny\u{A0}= 2\n") == PythonSyntaxError(line: 2, message: "invalid non-printable character U+00A0"))
        #expect(Self.error("a = “b”\n")?.message == "invalid character '“' (U+201C)")
        #expect(Self.error("_ñ = x\u{301}\n") == nil) // combining mark continues a name
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let error = Self.error("x = " + String(repeating: "(", count: 100_000) + "\n")
        #expect(error?.line == 1)
        #expect(error?.message == "too many nested parentheses")
        let fstring = "x = " + String(repeating: "f'{", count: 5_000) + "\n"
        #expect(Self.error(fstring) != nil)
        var deepIndent = ""
        for level in 0..<150 { deepIndent += String(repeating: " ", count: level) + "if x:\n" }
        #expect(Self.error(deepIndent)?.message == "too many levels of indentation")
    }

    @Test func errorIsSticky() {
        var tokenizer = PythonTokenizer(Array("x = )\n".utf8))
        var results: [Result<PythonToken, PythonSyntaxError>] = []
        for _ in 0..<6 { results.append(tokenizer.next()) }
        let errors = results.compactMap { result -> PythonSyntaxError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        #expect(errors.count == 4)
        #expect(Set(errors).count == 1)
    }

    @Test func endMarkerRepeats() {
        var tokenizer = PythonTokenizer("x\n".utf8)
        var kinds: [Kind] = []
        for _ in 0..<5 {
            if case .success(let token) = tokenizer.next() { kinds.append(token.kind) }
        }
        #expect(kinds == [.name, .newline, .endMarker, .endMarker, .endMarker])
    }
}
