import Foundation
import QCoordCore

/// The test tree to a Slurm node through Slurm itself (no SFTP there): two short job steps of
/// the job's allocation, the same content-addressed cache as SSH hosts (`~/.cache/qcoord/blobs`,
/// then `trees/TREEID`, assembled by TreeSync's own script). The first step asks what the node
/// lacks; the second (only when something lacks) gets those contents on its stdin, stores them
/// atomically and assembles the tree.
enum SlurmTreeSync {
    /// stdin: `{"id", "digests"}`; stdout: `{"home", "complete", "missing": [digest…]}`.
    static let askScript = """
        import json, os, sys
        m = json.load(sys.stdin)
        base = os.path.expanduser("~/.cache/qcoord")
        done = os.path.exists(os.path.join(base, "trees", m["id"], ".qcoord-complete"))
        blobs = os.path.join(base, "blobs")
        have = set(os.listdir(blobs)) if os.path.isdir(blobs) else set()
        missing = [] if done else [d for d in m["digests"] if d not in have]
        json.dump({"home": os.path.expanduser("~"), "complete": done, "missing": missing}, sys.stdout)
        """

    /// stdin: one JSON line `{"id", "entries", "blobs": [{"digest", "size"}…]}`, then the blobs'
    /// bytes in that order. Each blob is written to a temporary file and renamed into place.
    static let storeScript = """
        import json, os, shutil, sys, tempfile
        inp = sys.stdin.buffer
        m = json.loads(inp.readline())
        base = os.path.expanduser("~/.cache/qcoord")
        blobs = os.path.join(base, "blobs")
        os.makedirs(blobs, mode=0o700, exist_ok=True)
        for b in m["blobs"]:
            data = inp.read(b["size"])
            if len(data) != b["size"]:
                sys.exit("short input for blob " + b["digest"])
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=blobs)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o600)
            os.rename(tmp, os.path.join(blobs, b["digest"]))

        """ + TreeSync.assembleBody

    struct Answer: Decodable {
        var home: String
        var complete: Bool
        var missing: [String]
    }

    static func srunWords(node: String, jobID: String, settings: SlurmSettings, script: String) -> [String] {
        ["--jobid=\(jobID)", "--nodelist=\(node)", "--nodes=1", "--ntasks=1", "--overlap", "--quiet",
         "--job-name=qcoord-sync"] + settings.srunArgs + [settings.python ?? "python3", "-c", script]
    }

    /// Puts `manifest`'s tree (files under `root`) into the node's cache; where it is there.
    static func sync(_ manifest: TreeManifest, root: String, node: String, jobID: String, settings: SlurmSettings,
                     cluster: SlurmCluster) async throws -> TreeSyncReport {
        var digests: [String] = []
        var seen = Set<String>()
        for e in manifest.entries where seen.insert(e.digest).inserted { digests.append(e.digest) }
        let question = try JSONSerialization.data(withJSONObject: ["id": manifest.treeID, "digests": digests])
        let asked = try await cluster.run("srun", srunWords(node: node, jobID: jobID, settings: settings, script: askScript),
                                          stdin: Array(question), timeout: 120)
        guard asked.status == 0, let answer = try? JSONDecoder().decode(Answer.self, from: Data(asked.stdout.utf8)) else {
            throw TreeSyncError("node \(node): cannot ask its tree cache (exit \(asked.status)): "
                                + SlurmCluster.firstLine(asked.stderr, or: asked.stdout))
        }
        let remoteDirectory = "\(answer.home)/\(TreeSync.cache)/trees/\(manifest.treeID)"
        if answer.complete {
            return TreeSyncReport(remoteDirectory: remoteDirectory, bytesSent: 0, filesSent: 0, wasComplete: true)
        }
        let missing = Set(answer.missing)
        var blobs: [[String: Any]] = []
        var payload: [UInt8] = []
        var sentDigests = Set<String>()
        for entry in manifest.entries where missing.contains(entry.digest) && sentDigests.insert(entry.digest).inserted {
            guard let data = FileManager.default.contents(atPath: root + "/" + entry.path) else {
                throw TreeSyncError("cannot read \(root)/\(entry.path)")
            }
            guard ContentDigest.hex(data) == entry.digest else {
                throw TreeSyncError("\(root)/\(entry.path) changed while the job was starting; run again")
            }
            blobs.append(["digest": entry.digest, "size": data.count])
            payload += data
        }
        let list = manifest.entries.map { ["path": $0.path, "digest": $0.digest, "x": $0.executable ? "1" : ""] }
        let header = try JSONSerialization.data(withJSONObject: ["id": manifest.treeID, "entries": list, "blobs": blobs])
        let stored = try await cluster.run("srun", srunWords(node: node, jobID: jobID, settings: settings, script: storeScript),
                                           stdin: Array(header) + [0x0A] + payload, timeout: 600)
        guard stored.status == 0 else {
            throw TreeSyncError("node \(node): storing the test tree failed (exit \(stored.status)): "
                                + SlurmCluster.firstLine(stored.stderr, or: stored.stdout))
        }
        return TreeSyncReport(remoteDirectory: remoteDirectory, bytesSent: payload.count, filesSent: blobs.count, wasComplete: false)
    }
}
