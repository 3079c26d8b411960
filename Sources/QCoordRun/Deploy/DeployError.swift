/// Why `qcoord deploy` could not prepare a host, worded so the user knows what to do.
public enum DeployError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No interpreter at the configured python path on the host.
    case noPython(host: String, python: String)
    case pythonTooOld(host: String, python: String, version: String)
    /// The local `pip download` failed.
    case wheels(String)
    case install(host: String, reason: String)
    /// pycotap (for QEMU's tests/functional) could not be fetched or installed.
    case pycotap(host: String, reason: String)
    case ssh(host: String, reason: String)
    case helper(host: String, reason: String)

    public var description: String {
        switch self {
        case .noPython(let host, let python):
            "host \(host): no '\(python)' there; install Python 3.8 or newer (Debian/Ubuntu: apt-get install python3, "
                + "Fedora/RHEL: dnf install python3) or set 'python:' for the host in the inventory"
        case .pythonTooOld(let host, let python, let version):
            "host \(host): '\(python)' is Python \(version), qcoord needs 3.8 or newer; install a newer python3 "
                + "and set 'python:' for the host in the inventory"
        case .wheels(let reason):
            "cannot fetch the Avocado wheels on this machine: \(reason)"
        case .install(let host, let reason):
            "host \(host): installing Avocado failed: \(reason)"
        case .pycotap(let host, let reason):
            "host \(host): installing pycotap (which QEMU's tests/functional need) failed: \(reason)"
        case .ssh(_, let reason):
            reason
        case .helper(let host, let reason):
            "host \(host): the deploy helper failed: \(reason)"
        }
    }
}
