/// Host `uname -m` names and QEMU target names differ; this maps both to QEMU's.
public enum ArchName {
    public static func normalize(_ name: String) -> String {
        switch name.lowercased() {
        case "x86_64", "amd64", "x64": "x86_64"
        case "i386", "i486", "i586", "i686", "x86": "i386"
        case "aarch64", "arm64", "aarch64_be", "arm64be": "aarch64"
        case "armv7l", "armv7", "armv6l", "armv8l", "arm", "armhf", "armel": "arm"
        case "ppc64le", "ppc64", "powerpc64", "powerpc64le": "ppc64"
        case "ppc", "powerpc": "ppc"
        default: name.lowercased()
        }
    }
}
