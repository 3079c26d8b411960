import Foundation
import QCoordCore
import QCoordRun

/// The table of `qcoord hosts`: one row per host, then one line per unreachable host.
enum HostsTable {
    static let header = ["NAME", "ADDRESS", "ARCH", "CPUS", "KVM", "PYTHON", "AVOCADO", "QEMU", "RTT", "CONNECT", "READY"]

    static func render(_ results: [HostProbeResult]) -> String {
        var rows = [header]
        var problems: [String] = []
        for result in results {
            let host = result.host
            let address = host.port.map { host.address.contains(":") ? "[\(host.address)]:\($0)" : "\(host.address):\($0)" } ?? host.address
            switch result.outcome {
            case .success(let caps):
                let qemu = caps.qemu.keys.sorted().map { "\($0) \(caps.qemu[$0].map { shortVersion($0.version) } ?? "")" }.joined(separator: ", ")
                rows.append([host.name, address, caps.arch, String(caps.cpus), caps.kvm ? "yes" : "no", caps.python,
                             caps.avocado ?? "-", qemu.isEmpty ? "-" : qemu, result.roundTrip.map(milliseconds) ?? "-",
                             result.connectTime.map(milliseconds) ?? "-", result.readyTime.map(milliseconds) ?? "-"])
            case .failure(let error):
                rows.append([host.name, address, "-", "-", "-", "-", "-", "-", "unreachable", "-", "-"])
                problems.append("\(error)")
            }
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            let cells = row.indices.map { i in i == row.count - 1 ? row[i] : row[i].padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            text += cells.joined(separator: "  ") + "\n"
        }
        if !problems.isEmpty { text += "\n" + problems.joined(separator: "\n") + "\n" }
        return text
    }

    /// "7.2.22 (Debian 1:7.2+dfsg-7…)" → "7.2.22": the table stays readable.
    static func shortVersion(_ version: String) -> String {
        String(version.split(separator: " ").first ?? Substring(version))
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (s, atto) = duration.components
        return String(format: "%.1f ms", Double(s) * 1000 + Double(atto) / 1e15)
    }
}
