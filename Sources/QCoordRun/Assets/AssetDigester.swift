import Crypto
import QCoordCore

/// A digest of the declared algorithm fed as bytes arrive (swift-crypto; SHA-1 only because
/// Avocado's `fetch_asset` defaults to it: it checks that the bytes are the declared ones).
struct AssetDigester {
    private enum Inner {
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha512(SHA512)
    }

    private var inner: Inner

    init(_ algorithm: AssetRef.Algorithm) {
        switch algorithm {
        case .sha1: inner = .sha1(Insecure.SHA1())
        case .sha256: inner = .sha256(SHA256())
        case .sha512: inner = .sha512(SHA512())
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch inner {
        case .sha1(var h): h.update(bufferPointer: bytes); inner = .sha1(h)
        case .sha256(var h): h.update(bufferPointer: bytes); inner = .sha256(h)
        case .sha512(var h): h.update(bufferPointer: bytes); inner = .sha512(h)
        }
    }

    func finalizeHex() -> String {
        switch inner {
        case .sha1(let h): Self.hex(h.finalize())
        case .sha256(let h): Self.hex(h.finalize())
        case .sha512(let h): Self.hex(h.finalize())
        }
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
