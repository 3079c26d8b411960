import QCoordRun

/// The output of `qcoord deploy`: per host, one line per step, then a summary and the
/// inventory lines that use what was deployed.
enum DeployReportText {
    static func render(_ reports: [HostDeployReport], avocado: String?) -> String {
        var text = ""
        for report in reports {
            let host = report.host
            text += "\(host.name) (\(host.user.map { $0 + "@" } ?? "")\(host.address)\(host.port.map { ":\($0)" } ?? "")):\n"
            let width = report.steps.map(\.name.count).max() ?? 0
            for step in report.steps {
                text += "  \(step.changed ? "+" : " ") \(step.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(step.detail)\n"
            }
            if let error = report.error { text += "  ! \(error)\n" }
        }
        let failed = reports.filter { $0.error != nil }
        let changed = reports.filter { $0.error == nil && $0.changed }
        let unchanged = reports.count - failed.count - changed.count
        text += "\ndeploy: \(reports.count) host\(reports.count == 1 ? "" : "s"): \(changed.count) changed, "
            + "\(unchanged) already up to date, \(failed.count) failed"
            + (changed.isEmpty && failed.isEmpty ? " (nothing to do)" : "") + "\n"
        let pythons = Set(reports.filter { $0.error == nil }.compactMap(\.python))
        if avocado != nil, let python = pythons.first, pythons.count == 1 {
            text += "\nIn the inventory (docs/inventory.md), so jobs use this Avocado:\n"
                + "  defaults:\n    python: \(python)\n"
        }
        return text
    }
}
