import Testing
@testable import QCoordRun

@Suite struct RunConfigurationTests {
    @Test func forwardsOnlyTheSeedGatesPlusExplicitEnv() {
        let env = RunConfiguration.testEnvironment(
            from: ["SPEED": "slow", "AVOCADO_ALLOW_UNTRUSTED_CODE": "1", "HOME": "/root", "QEMU_TEST_FLAKY_TESTS": "1",
                   "AVOCADO_TIMEOUT_EXPECTED": "1", "AVOCADO_ALLOW_LARGE_STORAGE": "1", "PATH": "/bin"],
            extra: ["SPEED": "thorough", "FOO": "bar"])
        #expect(env == ["SPEED": "thorough", "AVOCADO_ALLOW_UNTRUSTED_CODE": "1", "QEMU_TEST_FLAKY_TESTS": "1",
                        "AVOCADO_TIMEOUT_EXPECTED": "1", "AVOCADO_ALLOW_LARGE_STORAGE": "1", "FOO": "bar"])
    }
}
