import Foundation
import Testing
@testable import QCoordRun

/// Tree sync names content by SHA-256 hex: the digests must stay exactly those of the
/// hand-written implementation it replaced (hosts' caches hold blobs and trees under them).
struct ContentDigestTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(ContentDigest.hex(Array(input.utf8)) == digest)
        #expect(ContentDigest.hex(Data(input.utf8)) == digest)
    }

    @Test func incrementalEqualsOneShotAcrossBlockBoundaries() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var hasher = ContentDigest.Hasher()
        for chunk in stride(from: 0, to: data.count, by: 37) { hasher.update(data[chunk..<min(chunk + 37, data.count)]) }
        #expect(hasher.finalizeHex() == ContentDigest.hex(data))
        // 1000 × "a", checked against Python hashlib.
        #expect(ContentDigest.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// A tree id made by the old implementation (commit before swift-crypto): the same files
    /// must keep the same id, or every host would re-sync its trees.
    @Test func treeIDIsUnchanged() {
        let manifest = TreeManifest(entries: [
            .init(path: "a.py", size: 11, executable: false, digest: ContentDigest.hex(Array("print('a')\n".utf8))),
            .init(path: "bin/run.sh", size: 3, executable: true, digest: ContentDigest.hex(Array("ok\n".utf8))),
        ])
        #expect(manifest.treeID == "3f47c29af756fef54008af502429c2e0b5fe354c30c10c3b688a6df551c8830b")
    }
}
