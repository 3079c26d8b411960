import ArgumentParser

@main
struct QCoord: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qcoord",
        abstract: "Run QEMU-style Avocado tests on many hosts at once and merge one job report.",
        version: "0.1.0",
        subcommands: [Run.self]
    )
}
