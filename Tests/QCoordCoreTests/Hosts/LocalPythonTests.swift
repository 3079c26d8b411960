import Testing
@testable import QCoordCore

@Suite struct LocalPythonTests {
    let cache = "/home/u/.cache"

    @Test func pythonOptionIsTheOnlyCandidate() {
        let c = LocalPython.candidates(option: "/v/bin/python", virtualEnv: "/venv", cacheHome: cache, deployedVersions: ["113.0"])
        #expect(c == [.init(python: "/v/bin/python", source: .option)])
        #expect(LocalPython.choose(c) { _ in false }.python == "/v/bin/python")
    }

    @Test func orderIsVirtualEnvDeployedNewestFirstThenPython3() {
        let c = LocalPython.candidates(option: nil, virtualEnv: "/venv/", cacheHome: cache, deployedVersions: ["88.1", "113.0", "104"])
        #expect(c.map(\.python) == ["/venv/bin/python", "/home/u/.cache/qcoord/venv-avocado-113.0/bin/python",
                                    "/home/u/.cache/qcoord/venv-avocado-104/bin/python",
                                    "/home/u/.cache/qcoord/venv-avocado-88.1/bin/python", "python3"])
        #expect(c.map(\.source) == [.virtualEnv, .deployed, .deployed, .deployed, .path])
    }

    @Test func firstWithAvocadoWins() {
        let c = LocalPython.candidates(option: nil, virtualEnv: "/venv", cacheHome: cache, deployedVersions: ["113.0"])
        let deployed = "/home/u/.cache/qcoord/venv-avocado-113.0/bin/python"
        #expect(LocalPython.choose(c) { $0 == deployed }.source == .deployed)
        #expect(LocalPython.choose(c) { _ in true }.source == .virtualEnv)
    }

    @Test func noneWithAvocadoFallsBackToPython3WithoutProbingIt() {
        let c = LocalPython.candidates(option: nil, virtualEnv: "", cacheHome: cache, deployedVersions: [])
        var probed: [String] = []
        let chosen = LocalPython.choose(c) { probed.append($0); return false }
        #expect(chosen == .init(python: "python3", source: .path))
        #expect(probed.isEmpty)
    }

    @Test func theDeployedVenvIsWhereDeployLocalPutsIt() {
        #expect(LocalPython.deployedVenv(cacheHome: cache, avocado: "113.0") == "/home/u/.cache/qcoord/venv-avocado-113.0")
        #expect(LocalPython.installHint == "qcoord deploy --local --with-avocado 113.0")
    }
}
