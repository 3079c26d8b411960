import Foundation

// qcoord-bench: the Swift benchmarks behind mk/bench.mk (not part of the qcoord binary).
// Each prints its figures; a wrong result exits non-zero.
let usage = """
    usage: qcoord-bench scale [--tests N] [--hosts N] [--slots N] [--dir D] [--previous-cpu S] [--previous-mib M]
           qcoord-bench schedule [--tests N] [--seed S]
           qcoord-bench hash TREE [--repeat N]

    """

var standardError = FileHandle.standardError
do {
    var arguments = Array(CommandLine.arguments.dropFirst())
    guard !arguments.isEmpty else { throw BenchArguments.Failure("no command given") }
    let command = arguments.removeFirst()
    switch command {
    case "scale":
        let options = try BenchArguments(arguments, options: ["tests", "hosts", "slots", "dir", "previous-cpu", "previous-mib"])
        try await ScaleBench(tests: try options.int("tests") ?? 20_000, hosts: try options.int("hosts") ?? 200,
                             slots: try options.int("slots") ?? 4, dir: options["dir"],
                             previousCPU: try options.double("previous-cpu"),
                             previousMiB: try options.double("previous-mib")).run()
    case "schedule":
        let options = try BenchArguments(arguments, options: ["tests", "seed"])
        ScheduleBench(tests: try options.int("tests") ?? 300, seed: UInt64(try options.int("seed") ?? 2026)).run()
    case "hash":
        let options = try BenchArguments(arguments, options: ["repeat"])
        guard options.positional.count == 1 else { throw BenchArguments.Failure("hash takes one directory") }
        try HashBench(tree: options.positional[0], repeats: try options.int("repeat") ?? 3).run()
    case "-h", "--help", "help":
        print(usage, terminator: "")
    default:
        throw BenchArguments.Failure("unknown command '\(command)'")
    }
} catch let failure as BenchArguments.Failure {
    print("qcoord-bench: \(failure.message)\n\(usage)", terminator: "", to: &standardError)
    exit(2)
} catch {
    print("qcoord-bench: \(error)", to: &standardError)
    exit(1)
}

/// A benchmark whose result is wrong (its figures would mean nothing).
struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
