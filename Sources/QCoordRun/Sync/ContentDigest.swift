import Crypto
import Foundation

/// SHA-256 as lowercase hex: the name tree sync gives file contents (blobs) and whole trees.
/// swift-crypto's (BoringSSL on Linux, CryptoKit on Apple systems); it names content, it does
/// not authenticate anything (SSH does that).
public enum ContentDigest {
    /// The hex digest of `bytes`.
    public static func hex(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// A digest fed piece by piece (a tree id is the digest of its entries' lines).
    public struct Hasher {
        private var sha = SHA256()
        public init() {}
        public mutating func update(_ bytes: some DataProtocol) { sha.update(data: bytes) }
        public func finalizeHex() -> String { ContentDigest.hex(sha.finalize()) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ digest: SHA256.Digest) -> String {
        var text = [UInt8]()
        text.reserveCapacity(2 * SHA256.byteCount)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
