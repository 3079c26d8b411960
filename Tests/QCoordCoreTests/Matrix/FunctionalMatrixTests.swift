import Foundation
import Testing
@testable import QCoordCore

private func meson(_ target: String, _ speed: FunctionalSpeed = .quick, _ name: String = "version", timeout: Int = 90,
                   mode: FunctionalMode = .system) -> FunctionalMesonTest {
    FunctionalMesonTest(target: target, mode: mode, speed: speed, name: name, file: "test_\(name).py", timeout: timeout)
}

private func functional(_ m: [FunctionalMesonTest], uri: String = "tests/functional/test_version.py") -> TestCase {
    TestCase(kind: .functional, name: "\(uri):Version.test_qmp", uri: uri,
             functional: FunctionalTest(unittestID: "test_version.Version.test_qmp", meson: m))
}

@Suite struct FunctionalMatrixTests {
    @Test func oneCopyPerMesonTargetNamedLikeMatrixCopies() {
        let out = FunctionalMatrix().expand([functional([meson("x86_64"), meson("aarch64"), meson("x86_64", .thorough)])])
        #expect(out.map(\.name) == ["tests/functional/test_version.py:Version.test_qmp;arch=x86_64",
                                    "tests/functional/test_version.py:Version.test_qmp;arch=aarch64"])
        #expect(out.map(\.matrixArch) == ["x86_64", "aarch64"])
        // Each copy keeps only its own target's meson tests.
        #expect(out[0].functional?.meson.count == 2)
        #expect(out[1].functional?.meson.map(\.target) == ["aarch64"])
        #expect(out[0].baseName == "tests/functional/test_version.py:Version.test_qmp")
    }

    @Test func archSelectsTargetsAndNeverAddsOnesTheFileLacks() {
        let t = functional([meson("x86_64"), meson("aarch64")])
        #expect(FunctionalMatrix(arches: ["aarch64", "ppc64"]).expand([t]).map(\.matrixArch) == ["aarch64"])
        #expect(FunctionalMatrix(arches: ["arm64"]).expand([t]).map(\.matrixArch) == ["aarch64"])
        #expect(FunctionalMatrix(arches: ["s390x"]).expand([t]).isEmpty)
    }

    @Test func suiteKeepsOnlyItsMesonTestsAndDropsTestsInNone() {
        let t = functional([meson("x86_64", .quick, timeout: 90), meson("ppc64", .thorough, timeout: 300)])
        let quick = FunctionalMatrix(speeds: [.quick]).expand([t])
        #expect(quick.map(\.matrixArch) == ["x86_64"])
        let thorough = FunctionalMatrix(speeds: [.thorough]).expand([t])
        #expect(thorough.map(\.matrixArch) == ["ppc64"])
        #expect(FunctionalMatrix.mesonTimeout(thorough[0]) == 300)
        #expect(FunctionalMatrix(speeds: [.thorough]).expand([functional([meson("x86_64")])]).isEmpty)
    }

    @Test func unnamedFilesRunAsTheirFolderTargetElseArchNeutral() {
        let perTarget = functional([], uri: "q/tests/functional/aarch64/test_new.py")
        #expect(FunctionalMatrix().expand([perTarget]).map(\.matrixArch) == ["aarch64"])
        let generic = functional([], uri: "q/tests/functional/generic/test_new.py")
        #expect(FunctionalMatrix().expand([generic]).map(\.matrixArch) == [nil])
        #expect(FunctionalMatrix(arches: ["x86_64", "s390x"]).expand([generic]).map(\.matrixArch) == ["x86_64", "s390x"])
        // With --suite, a file no meson suite names is not in the suite.
        #expect(FunctionalMatrix(speeds: [.quick]).expand([perTarget]).isEmpty)
    }

    @Test func otherKindsPassThroughAndArchMatrixLeavesFunctionalAlone() {
        let plain = TestCase(kind: .pyUnittest, name: "t.py:T.test", uri: "t.py")
        let f = functional([meson("x86_64")])
        #expect(FunctionalMatrix(arches: ["x86_64"]).expand([plain]) == [plain])
        let archCopies = ArchMatrix(arches: ["x86_64", "aarch64"]).expand([f, plain])
        #expect(archCopies.first == f)
        #expect(archCopies.count == 3)
    }

    @Test func keepRunnableDropsTargetsNoHostHasAndCountsThem() {
        let copies = FunctionalMatrix().expand([functional([meson("x86_64"), meson("aarch64"), meson("s390x")])])
        let plain = TestCase(kind: .simple, name: "a.sh", uri: "a.sh")
        let (kept, dropped) = FunctionalMatrix.keepRunnable(copies + [plain], hostTargets: ["x86_64", "ppc"])
        #expect(kept.map(\.name) == [copies[0].name, "a.sh"])
        #expect(dropped == ["aarch64": 1, "s390x": 1])
    }

    @Test func suitesParseAndUnknownOnesSayWhatToUse() throws {
        #expect(try FunctionalMatrix.parseSuites([]) == nil)
        #expect(try FunctionalMatrix.parseSuites(["quick,thorough"]) == [.quick, .thorough])
        #expect(throws: FunctionalMatrix.UnknownSuite.self) { try FunctionalMatrix.parseSuites(["slow"]) }
        do {
            _ = try FunctionalMatrix.parseSuites(["slow"])
        } catch {
            #expect(error.description.contains("use quick or thorough"))
        }
    }
}

extension FunctionalMatrixTests {
    @Test func aGenericTestRunsForAnArchTargetWithoutListsOfItsOwn() {
        var generic = meson("x86_64")
        generic.generic = true
        var own = meson("aarch64", .quick, "virt")
        own.generic = false
        let t = functional([generic])
        let out = FunctionalMatrix(arches: ["x86_64", "tricore"]).expand([t])
        #expect(out.map(\.matrixArch) == ["x86_64", "tricore"])
        #expect(out[1].functional?.meson.map(\.mesonName) == ["func-tricore-version"])
        #expect(out[1].functional?.meson.first?.timeout == 90)
        // Not generic: never for a target its meson.build does not name.
        #expect(FunctionalMatrix(arches: ["tricore"]).expand([functional([own])]).isEmpty)
    }

    @Test func mesonMarksGenericEntriesAndOldRecordsDecode() throws {
        let model = try MesonSuites.model(files: ["meson.build": """
            tests_generic_system = [
              'version',
            ]
            tests_x86_64_system_quick = [
              'vnc',
            ]
            """], knownPaths: ["test_version.py", "test_vnc.py"]).get()
        #expect(model.tests.map { "\($0.mesonName) \($0.generic)" } == ["func-x86_64-vnc false", "func-x86_64-version true"])
        let old = #"{"target":"x86_64","mode":"system","speed":"quick","name":"vnc","file":"test_vnc.py","timeout":90}"#
        let decoded = try JSONDecoder().decode(FunctionalMesonTest.self, from: Data(old.utf8))
        #expect(decoded.generic == false)
    }
}
