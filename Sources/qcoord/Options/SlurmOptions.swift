import ArgumentParser
import QCoordCore
import QCoordRun

/// `qcoord run --slurm …`: the hosts are nodes of a Slurm cluster (docs/slurm.md). The options
/// override an inventory's `slurm:` section; an inventory with that section needs no `--slurm`.
struct SlurmOptions: ParsableArguments {
    @Flag(help: "Run on nodes of a Slurm cluster: one allocation for the job, the agent as a job step on each node (docs/slurm.md).")
    var slurm = false

    @Option(help: ArgumentHelp("With Slurm: the partition to allocate from (default: the cluster's default).", valueName: "P"))
    var partition: String?

    @Option(help: ArgumentHelp("With Slurm: the account to charge.", valueName: "A"))
    var account: String?

    @Option(help: ArgumentHelp("With Slurm: use at most N nodes (default: every usable node that has a wanted target).", valueName: "N"))
    var slurmNodes: Int?

    @Option(help: ArgumentHelp("With Slurm: the allocation's time limit in minutes; the job stops (INTERRUPTED, exit 8) before it.",
                               valueName: "MIN"))
    var time: Int?

    func validate() throws {
        if let slurmNodes, slurmNodes < 1 { throw ValidationError("'--slurm-nodes' must be at least 1") }
        if let time, time < 1 { throw ValidationError("'--time' must be at least 1 minute") }
    }

    /// Said when Slurm options come without Slurm (no `--slurm`, no inventory `slurm:`).
    var strayOptionsProblem: String? {
        partition != nil || account != nil || slurmNodes != nil || time != nil
            ? "'--partition', '--account', '--slurm-nodes' and '--time' go with '--slurm' (or an inventory's 'slurm:')" : nil
    }

    /// The job's Slurm pool: `--slurm` or an inventory's `slurm:` section, the options over the
    /// section's values; nil: no Slurm.
    func job(inventory: SlurmSettings?, arch: [String], maxTotal: Int?, idleLimit: Double) -> SlurmJob? {
        guard slurm || inventory != nil else { return nil }
        let given = SlurmSettings(partition: partition, account: account, nodes: slurmNodes, timeMinutes: time)
        let targets = arch.flatMap { $0.split(separator: ",") }.map { ArchName.normalize(String($0)) }.filter { !$0.isEmpty }
        return SlurmJob(settings: (inventory ?? SlurmSettings()).overridden(by: given), targets: targets.isEmpty ? nil : targets,
                        maxTotal: maxTotal, idleLimit: max(idleLimit, 10))
    }

    /// For jobdata/args.json.
    func argsRecord() -> [String: String] {
        var args: [String: String] = [:]
        if slurm { args["slurm"] = "true" }
        if let partition { args["partition"] = partition }
        if let account { args["account"] = account }
        if let slurmNodes { args["slurm_nodes"] = String(slurmNodes) }
        if let time { args["time"] = String(time) }
        return args
    }
}
