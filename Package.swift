// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "qcoord",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "qcoord", targets: ["qcoord"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Asset fetching on the coordinator (issue 17; Sources/QCoordRun/Assets).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System library: the only C dependency. Debian: libssh-dev.
        .systemLibrary(name: "CLibSSH", pkgConfig: "libssh", providers: [.apt(["libssh-dev"])]),

        // PURE: no FileManager, no Process, no sockets, no clock, no print.
        // Its arch alias table is generated from agents/arch_aliases.json (shared with the agent).
        .target(name: "QCoordCore", plugins: ["EmbedArchTable"]),

        // The only importer of CLibSSH.
        .target(name: "QCoordSSH", dependencies: ["CLibSSH", "QCoordCore"]),

        // Pure renderers of the job report plus one writer.
        .target(name: "QCoordReport", dependencies: ["QCoordCore"]),

        // I/O: agent links, coordinator, journal, file system walking, tree sync.
        .target(
            name: "QCoordRun",
            dependencies: ["QCoordCore", "QCoordSSH", "QCoordReport", .product(name: "Yams", package: "Yams"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           // SHA-256 of tree sync (content-addressed blobs and tree ids).
                           .product(name: "Crypto", package: "swift-crypto"),
                           // HTTP downloads of test assets (Assets/AssetFetcher.swift).
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            plugins: ["EmbedAgent"]
        ),

        // Build tool that turns agents/*.py into Swift string literals (the agent with the
        // arch table substituted) and agents/arch_aliases.json into QCoordCore's table.
        .executableTarget(name: "AgentEmbedder"),
        .plugin(name: "EmbedAgent", capability: .buildTool(), dependencies: ["AgentEmbedder"]),
        .plugin(name: "EmbedArchTable", capability: .buildTool(), dependencies: ["AgentEmbedder"]),

        .executableTarget(
            name: "qcoord",
            dependencies: [
                "QCoordCore", "QCoordRun", "QCoordReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks (mk/bench.mk): bench/, never in the qcoord binary. QCoordBench holds what
        // they simulate (the Scheduler in simulated time, in-process agents), tested by QCoordBenchTests.
        .target(name: "QCoordBench", dependencies: ["QCoordCore", "QCoordRun"], path: "bench/Sources/QCoordBench"),
        .executableTarget(name: "qcoord-bench", dependencies: ["QCoordBench", "QCoordCore", "QCoordRun", "QCoordReport"],
                          path: "bench/Sources/qcoord-bench"),

        .testTarget(name: "QCoordCoreTests", dependencies: ["QCoordCore"]),
        .testTarget(name: "QCoordReportTests", dependencies: ["QCoordReport", "QCoordCore"]),
        .testTarget(name: "QCoordSSHTests", dependencies: ["QCoordSSH"]),
        .testTarget(name: "QCoordRunTests", dependencies: ["QCoordRun", "QCoordCore"]),
        .testTarget(name: "QCoordBenchTests", dependencies: ["QCoordBench", "QCoordCore"]),
        .testTarget(name: "QCoordIntegrationTests", dependencies: ["QCoordRun", "QCoordCore", "QCoordReport"]),
    ],
    swiftLanguageModes: [.v6]
)
