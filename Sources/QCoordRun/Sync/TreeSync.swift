import Foundation
import QCoordCore
import QCoordSSH

/// What one sync did.
public struct TreeSyncReport: Sendable {
    /// Absolute path of the tree on the host: the tests' workdir.
    public var remoteDirectory: String
    /// File bytes uploaded (0 when the host had everything).
    public var bytesSent: Int
    public var filesSent: Int
    /// The host already had this exact tree.
    public var wasComplete: Bool
}

/// Puts a test tree on a host, content-addressed, sending only file contents the host lacks.
///
/// Contents go to `~/.cache/qcoord/blobs/SHA256` (SFTP, written atomically); a tree is then
/// assembled from them into `~/.cache/qcoord/trees/TREEID` by a small script on the host:
/// hard links (copies for executables, whose mode must not leak into the shared blob) in a
/// temporary directory, a completion marker, one rename. Hosts sharing an NFS home may do
/// this at the same moment: the loser of the rename drops its copy.
public enum TreeSync {
    static let cache = ".cache/qcoord"

    /// What a host lacks of a tree: the file contents its cache does not hold.
    public struct Missing: Sendable, Equatable {
        /// One entry per missing content (the first file holding it).
        public var entries: [TreeManifest.Entry]
        /// The host already has this exact tree assembled.
        public var complete: Bool
        public var files: Int { entries.count }
        public var bytes: Int { entries.reduce(0) { $0 + $1.size } }
    }

    /// What `sync` would send to the host: asks its cache, changes nothing there (`--dry-run`).
    public static func missing(_ manifest: TreeManifest, session: SSHSession) async throws -> Missing {
        let sftp = try await session.sftp()
        return try await missing(manifest, sftp: sftp)
    }

    static func missing(_ manifest: TreeManifest, sftp: SFTPClient) async throws -> Missing {
        if try await sftp.stat("\(cache)/trees/\(manifest.treeID)/.qcoord-complete") != nil {
            return Missing(entries: [], complete: true)
        }
        let present: Set<String> = try await sftp.stat("\(cache)/blobs")?.isDirectory == true
            ? Set(try await sftp.list("\(cache)/blobs")) : []
        var seen = Set<String>()
        let entries = manifest.entries.filter { !present.contains($0.digest) && seen.insert($0.digest).inserted }
        return Missing(entries: entries, complete: false)
    }

    /// Sends what the host lacks, then assembles the tree there. `progress` is told the files
    /// and bytes sent so far, after each file, out of `Missing`'s totals.
    public static func sync(_ manifest: TreeManifest, root: String, session: SSHSession, python: String = "python3",
                            progress: (@Sendable (_ sent: (files: Int, bytes: Int), _ of: (files: Int, bytes: Int)) -> Void)? = nil)
        async throws -> TreeSyncReport {
        let sftp = try await session.sftp()
        let home = try await sftp.canonicalPath(".")
        let remoteDirectory = "\(home)/\(cache)/trees/\(manifest.treeID)"
        let missing = try await missing(manifest, sftp: sftp)
        if missing.complete {
            return TreeSyncReport(remoteDirectory: remoteDirectory, bytesSent: 0, filesSent: 0, wasComplete: true)
        }
        // The cache is its owner's only (0700; the assemble script tightens an older one).
        try await sftp.makeDirectories("\(cache)/blobs", mode: 0o700)
        let total = (files: missing.files, bytes: missing.bytes)
        var bytes = 0
        var files = 0
        progress?((0, 0), total)
        for entry in missing.entries {
            guard let data = FileManager.default.contents(atPath: root + "/" + entry.path) else {
                throw TreeSyncError("cannot read \(root)/\(entry.path)")
            }
            guard ContentDigest.hex(data) == entry.digest else {
                throw TreeSyncError("\(root)/\(entry.path) changed while the job was starting; run again")
            }
            try await sftp.writeAtomically("\(cache)/blobs/\(entry.digest)", Array(data), mode: 0o600)
            bytes += data.count
            files += 1
            progress?((files, bytes), total)
        }
        let list = manifest.entries.map { ["path": $0.path, "digest": $0.digest, "x": $0.executable ? "1" : ""] }
        let input = try JSONSerialization.data(withJSONObject: ["id": manifest.treeID, "entries": list])
        let result = try await session.exec("\(python) -c '\(assembleScript)'", stdin: Array(input), timeout: .seconds(120))
        guard result.exitStatus == 0 else {
            throw TreeSyncError("host \(session.label): assembling the test tree failed (exit \(result.exitStatus)): \(result.stderrText)")
        }
        return TreeSyncReport(remoteDirectory: remoteDirectory, bytesSent: bytes, filesSent: files, wasComplete: false)
    }

    /// Python ≥ 3.8, no single quotes (it travels inside '…').
    static let assembleScript = """
        import json, os, shutil, sys, tempfile
        m = json.load(sys.stdin)

        """ + assembleBody

    /// Assembles the tree `m` (`{"id", "entries": [{"path", "digest", "x"}]}`) from the blobs
    /// (shared with the Slurm nodes' sync, SlurmTreeSync, which stores the blobs itself).
    static let assembleBody = """
        base = os.path.expanduser("~/.cache/qcoord")
        trees = os.path.join(base, "trees")
        if os.stat(base).st_mode & 0o077:
            os.chmod(base, 0o700)
        final = os.path.join(trees, m["id"])
        if os.path.exists(os.path.join(final, ".qcoord-complete")):
            sys.exit(0)
        os.makedirs(trees, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".tmp-" + m["id"][:16] + "-", dir=trees)
        for e in m["entries"]:
            dst = os.path.join(tmp, e["path"])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            src = os.path.join(base, "blobs", e["digest"])
            if e["x"]:
                shutil.copyfile(src, dst)
                os.chmod(dst, 0o700)
            else:
                try:
                    os.link(src, dst)
                except OSError:
                    shutil.copyfile(src, dst)
        open(os.path.join(tmp, ".qcoord-complete"), "w").close()
        try:
            os.rename(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not os.path.exists(os.path.join(final, ".qcoord-complete")):
                raise
        """
}
