/// Python's hard keywords, recognised from a name token's bytes without allocating.
enum PythonKeyword: UInt8 {
    case falseLiteral, noneLiteral, trueLiteral, and, `as`, assert, async, await, `break`, `class`, `continue`, `def`, del, elif, `else`, except, finally, `for`, from, global, `if`, `import`, `in`, `is`, lambda, nonlocal, not, or, pass, raise, `return`, `try`, `while`, with, yield

    /// Classifies `source[start..<end]`; nil for ordinary names. Each keyword is compared as
    /// its bytes packed little-endian into a UInt64 (all keywords are at most 8 bytes).
    static func classify(_ source: UnsafePointer<UInt8>, start: Int, end: Int) -> PythonKeyword? {
        let length = end - start
        guard length >= 2 && length <= 8 else { return nil }
        var packed: UInt64 = 0
        var i = 0
        while i < length {
            packed |= UInt64(source[start + i]) << UInt64(8 * i)
            i += 1
        }
        switch packed {
        case 0x65736C6146: return .falseLiteral // False
        case 0x656E6F4E: return .noneLiteral // None
        case 0x65757254: return .trueLiteral // True
        case 0x646E61: return .and // and
        case 0x7361: return .as // as
        case 0x747265737361: return .assert // assert
        case 0x636E797361: return .async // async
        case 0x7469617761: return .await // await
        case 0x6B61657262: return .break // break
        case 0x7373616C63: return .class // class
        case 0x65756E69746E6F63: return .continue // continue
        case 0x666564: return .def // def
        case 0x6C6564: return .del // del
        case 0x66696C65: return .elif // elif
        case 0x65736C65: return .else // else
        case 0x747065637865: return .except // except
        case 0x796C6C616E6966: return .finally // finally
        case 0x726F66: return .for // for
        case 0x6D6F7266: return .from // from
        case 0x6C61626F6C67: return .global // global
        case 0x6669: return .if // if
        case 0x74726F706D69: return .import // import
        case 0x6E69: return .in // in
        case 0x7369: return .is // is
        case 0x6164626D616C: return .lambda // lambda
        case 0x6C61636F6C6E6F6E: return .nonlocal // nonlocal
        case 0x746F6E: return .not // not
        case 0x726F: return .or // or
        case 0x73736170: return .pass // pass
        case 0x6573696172: return .raise // raise
        case 0x6E7275746572: return .return // return
        case 0x797274: return .try // try
        case 0x656C696877: return .while // while
        case 0x68746977: return .with // with
        case 0x646C656979: return .yield // yield
        default: return nil
        }
    }
}
