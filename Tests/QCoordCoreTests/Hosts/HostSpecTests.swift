import Testing
import QCoordCore

struct HostSpecTests {
    @Test(arguments: [
        ("lab1", HostSpec(host: "lab1")),
        ("root@10.0.0.7", HostSpec(user: "root", host: "10.0.0.7")),
        ("builder:2222", HostSpec(host: "builder", port: 2222)),
        ("ci@builder:22", HostSpec(user: "ci", host: "builder", port: 22)),
        ("[fd00::5]:2200", HostSpec(host: "fd00::5", port: 2200)),
        ("me@[::1]", HostSpec(user: "me", host: "::1")),
        ("  spaced  ", HostSpec(host: "spaced")),
    ])
    func parsesOneHost(text: String, expected: HostSpec) throws {
        #expect(try HostSpec.parse(text) == expected)
    }

    @Test(arguments: [
        ("", "empty host in --hosts"),
        ("h:0", "'h:0': port must be a number from 1 to 65535, not '0'"),
        ("h:ssh", "'h:ssh': port must be a number from 1 to 65535, not 'ssh'"),
        ("h:70000", "'h:70000': port must be a number from 1 to 65535, not '70000'"),
        ("fd00::5", "'fd00::5': an IPv6 address must be written in brackets, e.g. [fd00::5]:22"),
        ("[fd00::5", "'[fd00::5': missing ']' after an IPv6 address"),
        ("@h", "'@h': bad user name before '@'"),
        ("u@", "'u@': missing host name"),
        ("u@:22", "'u@:22': missing host name"),
    ])
    func rejectsWithTheReason(text: String, message: String) {
        #expect(throws: HostSpecError(message)) { try HostSpec.parse(text) }
    }

    @Test func parsesAListAndRefusesDuplicates() throws {
        let specs = try HostSpec.parseList("a,root@b:2222,[::1]:22")
        #expect(specs == [HostSpec(host: "a"), HostSpec(user: "root", host: "b", port: 2222), HostSpec(host: "::1", port: 22)])
        #expect(throws: HostSpecError("'a' appears twice in --hosts")) { try HostSpec.parseList("a,u@a") }
        #expect(throws: HostSpecError("empty host in --hosts")) { try HostSpec.parseList("a,,b") }
    }

    @Test func commandLineHostsBecomeInventoryHostsNamedAsWritten() throws {
        let inventory = Inventory(specs: try HostSpec.parseList("root@10.0.0.7,b:2222,[::1]:2200"))
        #expect(inventory.hosts.map(\.name) == ["10.0.0.7", "b:2222", "[::1]:2200"])
        #expect(inventory.hosts[0].user == "root")
        #expect(inventory.hosts[0].port == nil)
        #expect(inventory.hosts[1].address == "b")
        #expect(inventory.hosts[1].qemuPathSearch)
    }

    @Test(arguments: [("ppc64le", "ppc64"), ("armv7l", "arm"), ("i686", "i386"), ("amd64", "x86_64"), ("arm64", "aarch64"), ("riscv64", "riscv64")])
    func normalizesArchNames(raw: String, normalized: String) {
        #expect(ArchName.normalize(raw) == normalized)
    }
}
