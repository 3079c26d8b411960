import Foundation
import QCoordCore
import QCoordSSH

/// How assets reach a host's store (`~/.cache/qcoord/assets/<alg>/<hex>`, QEMU's `qemu/download`
/// link beside): over the SSH session's SFTP, or through Slurm job steps on the node. The
/// decisions are the same for both (AssetPushPlan); only the transfers differ.
protocol AssetTransport: Sendable {
    /// Readies the store for the job, sending nothing: lists it, evicts what must go for `needed`
    /// to fit under `maxBytes`, touches what is there, makes the directories and QEMU's view.
    /// Never throws: a failure is in the report.
    func prepare(host: String, needed: [AssetPushItem], maxBytes: Int?) async -> AssetPushReport
    /// Sends one asset (its local file `source`) into the store; returns the bytes sent.
    func send(_ item: AssetPushItem, from source: String, storeDirectory: String) async throws -> Int
}

enum AssetTransports {
    /// The way to a link's host, nil for the local host (it reads the coordinator's cache).
    static func of(_ link: (any AgentLink)?) -> (any AssetTransport)? {
        if let ssh = link as? SSHAgentLink { return SFTPAssetTransport(session: ssh.session) }
        if let slurm = link as? SlurmAgentLink {
            return SlurmAssetTransport(node: slurm.host, jobID: slurm.jobID, settings: slurm.settings, cluster: slurm.cluster)
        }
        return nil
    }
}

struct SFTPAssetTransport: AssetTransport {
    let session: SSHSession

    func prepare(host: String, needed: [AssetPushItem], maxBytes: Int?) async -> AssetPushReport {
        await AssetPush.prepare(host: host, needed: needed, session: session, maxBytes: maxBytes)
    }

    func send(_ item: AssetPushItem, from source: String, storeDirectory: String) async throws -> Int {
        // One SFTP channel per transfer: assets are few and large.
        try await AssetPush.send(item, from: source, storeDirectory: storeDirectory, sftp: try await session.sftp())
    }
}

/// Assets to a Slurm node through short job steps of the job's allocation (no SFTP there), as
/// the test tree goes (SlurmTreeSync): one step lists the store, one applies the decision
/// (evict, touch, directories), and one per asset receives its bytes on stdin, streamed from the
/// coordinator's cache, into a temporary file renamed into place.
struct SlurmAssetTransport: AssetTransport {
    let node: String
    let jobID: String
    let settings: SlurmSettings
    let cluster: SlurmCluster

    /// stdout: `{"home", "entries": [{"path", "size", "mtime"}]}` of the store's `<alg>/` files.
    static let listScript = """
        import json, os
        home = os.path.expanduser("~")
        store = os.path.join(home, ".cache/qcoord/assets")
        entries = []
        for alg in ("sha1", "sha256", "sha512"):
            d = os.path.join(store, alg)
            if os.path.isdir(d):
                for name in os.listdir(d):
                    st = os.lstat(os.path.join(d, name))
                    if os.path.isfile(os.path.join(d, name)):
                        entries.append({"path": alg + "/" + name, "size": st.st_size, "mtime": int(st.st_mtime)})
        print(json.dumps({"home": home, "entries": entries}))
        """

    /// stdin: `{"evict": [path], "touch": [path], "dirs": [alg]}` (paths relative to the store).
    static let applyScript = """
        import json, os, sys, time
        m = json.load(sys.stdin)
        base = os.path.expanduser("~/.cache/qcoord")
        store = os.path.join(base, "assets")
        for d in ["sha256", "qemu"] + m["dirs"]:
            os.makedirs(os.path.join(store, d), mode=0o700, exist_ok=True)
        os.chmod(base, 0o700)
        for p in m["evict"]:
            try:
                os.unlink(os.path.join(store, p))
            except FileNotFoundError:
                pass
        now = time.time()
        for p in m["touch"]:
            os.utime(os.path.join(store, p), (now, now))
        link = os.path.join(store, "qemu", "download")
        if not os.path.islink(link) or os.readlink(link) != "../sha256":
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink("../sha256", link)
        """

    /// argv: the store path (`sha256/<hex>`) and the size; stdin: the bytes.
    static let receiveScript = """
        import os, sys, tempfile
        rel, size = sys.argv[1], int(sys.argv[2])
        store = os.path.expanduser("~/.cache/qcoord/assets")
        target = os.path.join(store, rel)
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(rel) + ".tmp-", dir=os.path.dirname(target))
        got = 0
        try:
            with os.fdopen(fd, "wb") as f:
                while True:
                    piece = sys.stdin.buffer.read(1 << 20)
                    if not piece:
                        break
                    f.write(piece)
                    got += len(piece)
            if got != size:
                sys.exit("got %d bytes, not %d" % (got, size))
            os.chmod(tmp, 0o644)
            os.rename(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        print(got)
        """

    struct Listing: Decodable {
        struct Entry: Decodable {
            var path: String
            var size: Int
            var mtime: Int
        }
        var home: String
        var entries: [Entry]
    }

    func words(_ script: String, _ args: [String] = []) -> [String] {
        ["--jobid=\(jobID)", "--nodelist=\(node)", "--nodes=1", "--ntasks=1", "--overlap", "--quiet",
         "--job-name=qcoord-assets"] + settings.srunArgs + [settings.python ?? "python3", "-c", script] + args
    }

    func prepare(host: String, needed: [AssetPushItem], maxBytes: Int?) async -> AssetPushReport {
        var report = AssetPushReport(host: host)
        do {
            let listed = try await cluster.run("srun", words(Self.listScript), timeout: 120)
            guard listed.status == 0, let listing = try? JSONDecoder().decode(Listing.self, from: Data(listed.stdout.utf8)) else {
                throw AssetCacheError("node \(node): cannot list its asset store (exit \(listed.status)): "
                                      + SlurmCluster.firstLine(listed.stderr, or: listed.stdout))
            }
            let store = listing.entries.compactMap { e -> AssetStoreEntry? in
                let parts = e.path.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, let alg = AssetRef.Algorithm(rawValue: parts[0]),
                      AssetStoreEntry.belongs(parts[1], algorithm: alg) else { return nil }
                return AssetStoreEntry(path: e.path, size: e.size, mtime: e.mtime)
            }
            let decision = AssetPushPlan.decide(needed: needed, store: store, maxBytes: maxBytes)
            let apply = try JSONSerialization.data(withJSONObject: [
                "evict": decision.evict.map(\.path), "touch": decision.reuse.map(\.storePath),
                "dirs": Array(Set(decision.push.map(\.algorithm.rawValue))).sorted(),
            ])
            let applied = try await cluster.run("srun", words(Self.applyScript), stdin: Array(apply), timeout: 120)
            guard applied.status == 0 else {
                throw AssetCacheError("node \(node): cannot ready its asset store (exit \(applied.status)): "
                                      + SlurmCluster.firstLine(applied.stderr, or: applied.stdout))
            }
            report.decision = decision
            report.storeDirectory = listing.home + "/" + AssetPush.store
        } catch {
            report.failed = "\(error)"
        }
        return report
    }

    func send(_ item: AssetPushItem, from source: String, storeDirectory: String) async throws -> Int {
        let sent = try await cluster.run("srun", words(Self.receiveScript, [item.storePath, String(item.size)]),
                                         stdinFile: source, timeout: 3600)
        guard sent.status == 0, Int(sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == item.size else {
            throw AssetCacheError("node \(node): the transfer of \(item.contentKey) failed (exit \(sent.status)): "
                                  + SlurmCluster.firstLine(sent.stderr, or: sent.stdout))
        }
        return item.size
    }
}
