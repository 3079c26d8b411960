import Foundation
import Testing

/// `-p machine=virt` with several arches in `--arch` warns that it applies to all of them; the
/// per-arch form `-p aarch64:machine=virt` does not (docs/scheduling.md).
@Suite struct ArchParameterWarningTests {
    @Test func plainMachineWithTwoArchesWarnsPerArchFormDoesNot() throws {
        let h = try RunHarness()
        defer { h.cleanup() }
        let python = RunHarness.venv("113") + "/bin/python"
        let plain = try h.run(["--dry-run", "--python", python, "--arch", "x86_64,aarch64", "-p", "machine=virt", "Tests/Fixtures/run/tests/pass.sh"])
        #expect(plain.stderr.contains("warning: '-p machine=virt' applies to every arch of '--arch x86_64,aarch64'; for one arch write '-p aarch64:machine=virt'"),
                "\(plain.stderr)")
        let perArch = try h.run(["--dry-run", "--python", python, "--arch", "x86_64,aarch64", "-p", "aarch64:machine=virt", "Tests/Fixtures/run/tests/pass.sh"])
        #expect(!perArch.stderr.contains("warning:"), "\(perArch.stderr)")
        #expect(perArch.stdout.contains("pass.sh;arch=aarch64"), "\(perArch.stdout)")
        let oneArch = try h.run(["--dry-run", "--python", python, "--arch", "aarch64", "-p", "machine=virt", "Tests/Fixtures/run/tests/pass.sh"])
        #expect(!oneArch.stderr.contains("warning:"), "\(oneArch.stderr)")
    }
}
