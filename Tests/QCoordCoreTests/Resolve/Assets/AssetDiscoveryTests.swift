import Testing
@testable import QCoordCore

/// Static asset discovery (issue 17) on in-memory trees: Avocado `fetch_asset` calls (literals,
/// variables, constants, concatenation, formatting, helpers, what stays unknown) and QEMU
/// tests/functional `Asset` attributes (class, bases, module, aliases, sha512 by length).
@Suite struct AssetDiscoveryTests {
    static let sha1 = "0123456789abcdef0123456789abcdef01234567"
    static let sha256 = String(repeating: "a1", count: 32)
    static let sha512 = String(repeating: "b2", count: 64)

    static func assets(_ p: Project, _ reference: String) -> [String: [AssetRef]] {
        var out: [String: [AssetRef]] = [:]
        for test in p.resolve([reference]).tests { out[String(test.name.split(separator: ":").last!)] = test.assets ?? [] }
        return out
    }

    static func avocado(_ body: String) -> Project {
        var p = Project()
        p.add("tests/base.py", """
            from avocado import Test

            BASE_URL = 'https://example.org/base/'

            class Base(Test):
                FIRMWARE = 'https://example.org/fw.bin'

                def fetch_firmware(self):
                    return self.fetch_asset(self.FIRMWARE, asset_hash='\(sha1)')

                def boot(self, kernel_url):
                    return self.fetch_asset(kernel_url)

            """)
        p.add("tests/t.py", body)
        return p
    }

    @Test("Avocado: literals, adjacent literals, + of literals, local variables, class attributes, module constants")
    func avocadoLiterals() throws {
        let p = Self.avocado("""
            from base import Base

            BASE_URL = 'https://example.org/base/'
            KERNEL_URL = ('https://example.org/'
                          'vmlinuz')
            KERNEL_HASH = '\(Self.sha1)'

            class T(Base):
                INITRD = 'https://example.org/' + 'initrd'

                def test_literal(self):
                    self.fetch_asset('https://example.org/a', asset_hash='\(Self.sha1)')

                def test_variables(self):
                    url = ('https://example.org/'
                           'b')
                    digest = '\(Self.sha256)'
                    self.fetch_asset(url, asset_hash=digest, algorithm='sha256')

                def test_constants(self):
                    path = self.fetch_asset(KERNEL_URL, asset_hash=KERNEL_HASH)
                    self.fetch_asset(self.INITRD, '\(Self.sha1)')

                def test_name_and_locations(self):
                    self.fetch_asset('disk.img', locations=['https://a.example/disk.img', BASE_URL + 'disk.img'])

                def test_semicolon(self):
                    h = '\(Self.sha1)';
                    self.fetch_asset('https://example.org/c', asset_hash=h)

            """)
        let a = Self.assets(p, "tests/t.py")
        #expect(a["T.test_literal"] == [AssetRef(url: "https://example.org/a", hash: Self.sha1, algorithm: .sha1)])
        #expect(a["T.test_variables"] == [AssetRef(url: "https://example.org/b", hash: Self.sha256, algorithm: .sha256)])
        #expect(a["T.test_constants"] == [AssetRef(url: "https://example.org/vmlinuz", hash: Self.sha1, algorithm: .sha1),
                                          AssetRef(url: "https://example.org/initrd", hash: Self.sha1, algorithm: .sha1)])
        let named = try #require(a["T.test_name_and_locations"]?.first)
        #expect(named == AssetRef(name: "disk.img", locations: ["https://a.example/disk.img", "https://example.org/base/disk.img"]))
        #expect(a["T.test_semicolon"]?.first?.url == "https://example.org/c")
        #expect(a["T.test_semicolon"]?.first?.hash == Self.sha1)
        #expect(a.values.joined().allSatisfy { $0.unknown == nil })
    }

    @Test("Avocado: helpers called as self.x() are followed, in the class and its bases; parameters stay unknown")
    func avocadoHelpers() throws {
        let p = Self.avocado("""
            from base import Base

            class T(Base):
                def do_test(self, day):
                    url = 'https://example.org/day%s.tar.xz' % day
                    self.fetch_asset(url)

                def prepare(self):
                    self.fetch_asset('https://example.org/helper', asset_hash='\(Self.sha1)')
                    self.fetch_firmware()

                def test_helpers(self):
                    self.prepare()

                def test_parameter(self):
                    self.do_test('01')

                def test_base_parameter(self):
                    self.boot('https://example.org/k')

            """)
        let a = Self.assets(p, "tests/t.py")
        #expect(a["T.test_helpers"]?.map(\.url) == ["https://example.org/helper", "https://example.org/fw.bin"])
        #expect(a["T.test_parameter"]?.first?.url == nil)
        #expect(a["T.test_parameter"]?.first?.unknown == "url comes from day, a parameter of do_test()")
        #expect(a["T.test_base_parameter"]?.first?.unknown == "url comes from kernel_url, a parameter of boot()")
    }

    @Test("Avocado: computed, reassigned, instance state, imported, unsupported algorithm: unknown with the reason")
    func avocadoUnknown() throws {
        let p = Self.avocado("""
            import os
            from base import Base
            from elsewhere import REMOTE

            VERSION = '5.10'

            class T(Base):
                def setUp(self):
                    self.image = 'https://example.org/img'

                def test_computed(self):
                    self.fetch_asset('https://example.org/linux-%s' % os.uname().release)

                def test_percent(self):
                    self.fetch_asset('https://example.org/linux-%s.tar' % VERSION)

                def test_reassigned(self):
                    url = 'https://example.org/a'
                    if os.getenv('X'):
                        url = 'https://example.org/b'
                    self.fetch_asset(url)

                def test_instance(self):
                    self.fetch_asset(self.image)

                def test_imported(self):
                    self.fetch_asset(REMOTE)

                def test_md5(self):
                    self.fetch_asset('https://example.org/m', asset_hash='abc', algorithm='md5')

            """)
        let a = Self.assets(p, "tests/t.py")
        #expect(a["T.test_computed"]?.first?.unknown == "url is computed: 'https://example.org/linux-%s' % os.uname().release")
        #expect(a["T.test_percent"] == [AssetRef(url: "https://example.org/linux-5.10.tar")])
        #expect(a["T.test_reassigned"]?.first?.unknown == "url comes from url, assigned more than once in test_reassigned()")
        #expect(a["T.test_instance"]?.first?.unknown == "url comes from self.image, set at run time in T")
        #expect(a["T.test_imported"]?.first?.unknown?.hasPrefix("url comes from REMOTE, imported from another module") == true)
        let md5 = try #require(a["T.test_md5"]?.first)
        #expect(md5.url == "https://example.org/m" && md5.hash == "abc" && md5.algorithm == nil)
        #expect(md5.unknown == "algorithm md5 is not one qcoord verifies (sha1, sha256, sha512)")
        #expect(!md5.isFetchable)
    }

    static func functional() -> Project {
        var p = Project()
        let root = "qemu/tests/functional"
        FunctionalDiscoveryTests.addQemuTest(&p, root: root)
        p.add("\(root)/meson.build", "tests_x86_64_system_thorough = [\n  'x86_64_a',\n]\n")
        p.add("\(root)/common.py", """
            from qemu_test import QemuSystemTest, Asset

            class Common(QemuSystemTest):
                ASSET_BIOS = Asset('https://example.org/bios', '\(sha256)')
                ASSET_SHADOWED = Asset('https://example.org/old', '\(sha256)')

            """)
        p.add("\(root)/test_x86_64_a.py", """
            from qemu_test import Asset
            from common import Common

            BASE = 'https://example.org/'
            ASSET_MODULE = Asset(BASE + 'module', '\(sha256)')
            ASSET_UNUSED = Asset(BASE + 'unused', '\(sha256)')

            class A(Common):
                VERSION = '6.1'
                ASSET_KERNEL = Asset(
                    ('https://example.org/'
                     'kernel'),
                    '\(sha512)')
                ASSET_SHADOWED = Asset(f'{BASE}new-{VERSION}', '\(sha256)')
                ASSET_ALIAS = Common.ASSET_BIOS
                ASSET_FORMAT = Asset('https://example.org/%s/x' % VERSION, '\(sha256)')

                def test_a(self):
                    self.archive_extract(ASSET_MODULE)

            """)
        return p
    }

    @Test("FUNCTIONAL: Assets of the class, its bases, aliases and module Assets it names; sha512 by length")
    func functionalAssets() throws {
        let a = Self.assets(Self.functional(), "qemu/tests/functional/test_x86_64_a.py")
        let refs = try #require(a["A.test_a"])
        #expect(refs.map(\.url) == ["https://example.org/kernel", "https://example.org/new-6.1", "https://example.org/bios",
                                    "https://example.org/6.1/x", "https://example.org/module"])
        #expect(refs.first?.algorithm == .sha512)
        #expect(refs.dropFirst().allSatisfy { $0.algorithm == .sha256 && $0.hash == Self.sha256 })
        #expect(refs.allSatisfy { $0.unknown == nil && $0.isFetchable })
    }

    @Test("Catalog: one entry per content key, the tests that use it, other URLs as locations; unknown uses apart")
    func catalog() {
        let one = AssetRef(url: "https://a/x", hash: Self.sha1, algorithm: .sha1)
        let mirror = AssetRef(url: "https://b/x", hash: Self.sha1.uppercased(), algorithm: .sha1)
        let plain = AssetRef(url: "https://a/y")
        let unknown = AssetRef(unknown: "url is computed: f()")
        let catalog = AssetCatalog(tests: [
            TestCase(kind: .instrumented, name: "t1", uri: "t.py", assets: [one, plain]),
            TestCase(kind: .instrumented, name: "t2", uri: "t.py", assets: [mirror, unknown]),
            TestCase(kind: .instrumented, name: "t3", uri: "t.py"),
        ])
        #expect(catalog.assets.map(\.tests) == [["t1", "t2"], ["t1"]])
        #expect(catalog.assets[0].asset.url == "https://a/x")
        #expect(catalog.assets[0].asset.locations == ["https://b/x"])
        #expect(catalog.unknown == [AssetCatalog.UnknownUse(test: "t2", reason: "url is computed: f()")])
        #expect(catalog.testCount == 2)
    }
}
