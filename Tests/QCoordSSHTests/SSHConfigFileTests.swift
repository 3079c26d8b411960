import Testing
@testable import QCoordSSH

struct SSHConfigFileTests {
    let config = SSHConfigFile(text: """
        # global
        IdentityFile ~/.ssh/global_key
        Host lab-* !lab-bad
            IdentityFile %d/.ssh/lab_key
            User = tester
        Host lab-bad
            IdentityFile "/keys/bad key"
        Match host foo
            IdentityFile /never
        Host *
            IdentityFile none
        """)

    @Test func collectsIdentityFilesOfEveryMatchingBlockInOrder() {
        #expect(config.identityFiles(forHost: "lab-1", home: "/h") == ["/h/.ssh/global_key", "/h/.ssh/lab_key"])
        #expect(config.identityFiles(forHost: "lab-bad", home: "/h") == ["/h/.ssh/global_key", "/keys/bad key"])
        #expect(config.identityFiles(forHost: "other", home: "/h") == ["/h/.ssh/global_key"])
    }

    @Test func keysAreCaseInsensitiveAndAcceptEquals() {
        #expect(config.values("user", forHost: "LAB-2") == ["tester"])
    }

    @Test(arguments: [("a*", "abc", true), ("a?c", "abc", true), ("a?c", "abbc", false), ("*", "", true), ("x", "y", false)])
    func globMatches(pattern: String, text: String, expected: Bool) {
        #expect(SSHConfigFile.glob(pattern, text) == expected)
    }
}
