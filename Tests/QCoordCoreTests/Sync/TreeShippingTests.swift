import Testing
import QCoordCore

/// Which files of a test tree go to hosts (docs/tree-sync.md): pure, fed the first bytes.
struct TreeShippingTests {
    func decide(_ path: String, _ content: String = "print('hi')\n", rules: IgnoreRules = IgnoreRules()) -> TreeShipping.Decision {
        TreeShipping.decide(path, ignore: rules, head: { Array(content.utf8) })
    }

    @Test func ordinaryFilesShip() {
        #expect(decide("tests/a.py") == .ship)
        #expect(decide("data/id_card.json") == .ship, "id_ names that are not key types ship")
        #expect(decide("keys/id_ed25519.pub") == .ship, "public keys ship")
        #expect(decide("src/env.py") == .ship)
    }

    @Test func keyMaterialByNameNeverShips() {
        for path in ["deploy/testbed/keys/id_ed25519", "id_rsa", "a/id_ecdsa_sk", "x/.ssh/config", "cert.pem", "tls/server.key",
                     "known_hosts", "h1/ssh_host_ed25519_key", ".netrc", "sub/.env"] {
            guard case .secret = decide(path) else {
                Issue.record("\(path) would ship")
                continue
            }
        }
        #expect(TreeShipping.secretName("deploy/testbed/keys/id_ed25519") == "a private key name")
    }

    @Test func keyMaterialByContentNeverShips() {
        #expect(decide("notes.txt", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n") == .secret("looks like a private key"))
        #expect(decide("x.cfg", "junk\n-----BEGIN RSA PRIVATE KEY-----\n") == .secret("looks like a private key"))
        #expect(decide("x.cfg", "-----BEGIN PUBLIC KEY-----\n") == .ship)
        // Only the first 4 KiB are looked at.
        let late = String(repeating: "x", count: 4096) + "-----BEGIN PRIVATE KEY-----"
        #expect(decide("big.txt", late) == .ship)
        // Indented (a YAML block), with CRLF, encrypted: still a key.
        #expect(decide("vars.yaml", "key: |\n  -----BEGIN ENCRYPTED PRIVATE KEY-----\r\n  MIIF\n") == .secret("looks like a private key"))
        #expect(decide("k", "-----BEGIN EC PRIVATE KEY-----") == .secret("looks like a private key"))
    }

    @Test func filesThatOnlyMentionTheMarkerShip() {
        // qcoord's own sources and docs quote it: they are not keys (they were held back before).
        #expect(decide("TreeShipping.swift", "    static let privateKeyEnd = Array(\"PRIVATE KEY-----\".utf8)\n") == .ship)
        #expect(decide("t.swift", "let key = \"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Bl\"\n") == .ship)
        #expect(decide("tree-sync.md", "any file with a `-----BEGIN … PRIVATE KEY-----` line is held back\n") == .ship)
        #expect(decide("x", "-----BEGIN PUBLIC KEY-----\n") == .ship)
    }

    @Test func ignoredFilesAreNotReadNorReported() {
        var read = false
        let decision = TreeShipping.decide("build/id_rsa", ignore: TreeShipping.outsideGitRules, head: { read = true; return [] })
        #expect(decision == .ignored)
        #expect(!read)
        #expect(decide(".git/config") == .ignored)
    }

    @Test func outsideGitBuildAndCacheOutputIsLeftOut() {
        let rules = TreeShipping.outsideGitRules
        #expect(decide("build/out.txt", rules: rules) == .ignored)
        #expect(decide("build-x86/qemu", rules: rules) == .ignored)
        #expect(decide(".build/debug/x", rules: rules) == .ignored)
        #expect(decide(".hidden/a.py", rules: rules) == .ignored)
        #expect(decide("pkg/__pycache__/m.cpython-311.pyc", rules: rules) == .ignored)
        #expect(decide("m.pyc", rules: rules) == .ignored)
        #expect(decide("obj/x.o", rules: rules) == .ignored)
        #expect(decide("builder.py", rules: rules) == .ship, "a file named build* is not a build dir")
        #expect(decide(".gitignore", rules: rules) == .ship, "hidden files, not directories")
        #expect(decide("tests/a.py", rules: rules) == .ship)
    }

    @Test func byteSizes() {
        #expect(ByteSize.parse("300") == 300)
        #expect(ByteSize.parse("64K") == 64 * 1024)
        #expect(ByteSize.parse("256M") == 256 << 20)
        #expect(ByteSize.parse("1GiB") == 1 << 30)
        #expect(ByteSize.parse("1.5g") == 3 << 29)
        #expect(ByteSize.parse("2 MB") == 2 << 20)
        #expect(ByteSize.parse("") == nil)
        #expect(ByteSize.parse("-1") == nil)
        #expect(ByteSize.parse("12X") == nil)
        #expect(ByteSize.format(12) == "12 B")
        #expect(ByteSize.format(65 << 20) == "65.0 MiB")
    }
}
