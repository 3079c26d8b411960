import Testing
import QCoordCore
@testable import QCoordRun

private let map = SSHAgentLink.PathMap(local: "/home/me/repo/tests", remote: "/root/.cache/qcoord/trees/abc")

@Test func aRelativeUriUnderTheTreeMovesWithItsName() {
    let task = CoordinatorMessage.RunTask(taskID: "1", kind: .instrumented, name: "tests/a.py:A.test_x", uri: "tests/a.py",
                                          workdir: "/home/me/repo")
    let out = map.apply(to: task)
    #expect(out.uri == "/root/.cache/qcoord/trees/abc/a.py")
    #expect(out.name == "/root/.cache/qcoord/trees/abc/a.py:A.test_x")
    // The workdir is outside the tree: the host's copy of the tree is the workdir there.
    #expect(out.workdir == "/root/.cache/qcoord/trees/abc")
}

@Test func absolutePathsUnderTheTreeAndOutsideIt() {
    let inside = map.apply(to: .init(taskID: "1", kind: .simple, name: "/home/me/repo/tests/s.sh", uri: "/home/me/repo/tests/s.sh",
                                     workdir: "/home/me/repo/tests/sub"))
    #expect(inside.uri == "/root/.cache/qcoord/trees/abc/s.sh" && inside.name == inside.uri)
    #expect(inside.workdir == "/root/.cache/qcoord/trees/abc/sub")
    let system = map.apply(to: .init(taskID: "2", kind: .simple, name: "/bin/true", uri: "/bin/true", workdir: "/home/me/repo/tests"))
    #expect(system.uri == "/bin/true" && system.name == "/bin/true")
}
