import ArgumentParser

// TEMPORARY (branch afetch): a minimal `qcoord assets` group so `qcoord assets fetch` can be
// run before the discovery branch's Sources/qcoord/Subcommands/Assets.swift lands. When merging:
// delete this file and add `AssetsFetch.self` to that group's subcommands.
extension QCoord {
    struct Assets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The assets (kernels, disk images) tests download.",
            subcommands: [AssetsFetch.self])
    }
}
