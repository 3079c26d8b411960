import Foundation
import Testing
@testable import QCoordSSH

extension SSHLoopbackTests {
    @Test func sftpWritesAtomicallyAndReadsBack() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let sftp = try await session.sftp()
        let directory = sshd.directory + "/remote/cache/agent"
        try await sftp.makeDirectories(directory)
        try await sftp.makeDirectories(directory)  // already there: fine
        #expect(try await sftp.stat(directory)?.isDirectory == true)

        // Bigger than one 256 KiB SFTP packet, so chunking matters.
        let content = (0..<(700 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = directory + "/agent-abc.py"
        try await sftp.writeAtomically(path, content, mode: 0o600)
        #expect(try await sftp.read(path) == content)
        let info = try #require(try await sftp.stat(path))
        #expect(info.size == UInt64(content.count))
        #expect(info.isRegularFile)
        #expect(info.permissions & 0o777 == 0o600)
        #expect(FileManager.default.contents(atPath: path) == Data(content))

        // Again over the existing file (another host sharing the home did it first): fine.
        try await sftp.writeAtomically(path, content)
        try await sftp.writeAtomically(path, Array("new".utf8))
        #expect(try await sftp.read(path) == Array("new".utf8))
        #expect(try await sftp.list(directory) == ["agent-abc.py"])  // no temporary left behind

        #expect(try await sftp.stat(directory + "/absent") == nil)
        let error = try await #require(throws: SSHError.self) { try await sftp.read(directory + "/absent") }
        #expect(error.description.contains("no such file"))
        try await sftp.remove(path)
        #expect(try await sftp.stat(path) == nil)
    }

    /// What the asset push needs: a streamed upload through a temporary name, a listing with
    /// sizes and times, setting a file's time, a symlink made once.
    @Test func sftpUploadsListsTouchesAndLinks() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let sftp = try await session.sftp()
        let store = sshd.directory + "/assets"
        try await sftp.makeDirectories(store + "/sha256")
        try await sftp.makeDirectories(store + "/qemu")
        let local = sshd.directory + "/local.bin"
        let content = Data((0..<(5 * 1024 * 1024 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try content.write(to: URL(fileURLWithPath: local))
        let seen = SeenBytes()
        let sent = try await sftp.uploadAtomically(from: local, to: store + "/sha256/abc", mode: 0o644) { seen.add($0) }
        #expect(sent == content.count)
        #expect(seen.last == content.count)
        #expect(FileManager.default.contents(atPath: store + "/sha256/abc") == content)
        // Over another file of that name: replaced.
        try "old".write(toFile: store + "/sha256/def", atomically: true, encoding: .utf8)
        #expect(try await sftp.uploadAtomically(from: local, to: store + "/sha256/def") == content.count)
        let files = try await sftp.listFiles(store + "/sha256")
        #expect(files.map(\.name) == ["abc", "def"], "no temporary left behind")
        #expect(files.allSatisfy { $0.size == UInt64(content.count) })

        try await sftp.setTimes(store + "/sha256/abc", seconds: 1_000_000_000)
        #expect(try await sftp.listFiles(store + "/sha256").first { $0.name == "abc" }?.mtime == 1_000_000_000)

        try await sftp.ensureSymlink(store + "/qemu/download", target: "../sha256")
        try await sftp.ensureSymlink(store + "/qemu/download", target: "../sha256")  // already: fine
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: store + "/qemu/download") == "../sha256")
        #expect(FileManager.default.contents(atPath: store + "/qemu/download/abc") == content)
        await #expect(throws: SSHError.self) {
            try await sftp.uploadAtomically(from: sshd.directory + "/absent", to: store + "/sha256/x")
        }
    }

    /// A long upload goes a piece at a time: the agent's channel on the same session is served
    /// meanwhile (before, one upload held the session's thread until it ended, and a push longer
    /// than the idle limit silenced the host). A cancelled upload leaves neither file nor temporary.
    @Test func aChannelIsServedDuringALongUploadAndACutUploadLeavesNothing() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let sftp = try await session.sftp()
        let store = sshd.directory + "/store"
        try await sftp.makeDirectories(store)
        let local = sshd.directory + "/big.bin"
        FileManager.default.createFile(atPath: local, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: local))
        let block = Data(repeating: 0x5a, count: 1 << 20)
        for _ in 0..<96 { handle.write(block) }
        try handle.close()
        let channel = try await session.openChannel(command: "cat")
        let progress = SeenBytes()
        let upload = Task { try await sftp.uploadAtomically(from: local, to: store + "/big") { progress.add($0) } }
        // Wait until the upload is under way, then ask the channel: it answers before the upload ends.
        while progress.last < 8 << 20 { try await Task.sleep(for: .milliseconds(5)) }
        try await channel.send(Array("ping\n".utf8))
        var iterator = channel.stdout.makeAsyncIterator()
        #expect(await iterator.next() == Array("ping\n".utf8))
        #expect(progress.last < 96 << 20, "the echo came back before the upload ended")
        #expect(try await upload.value == 96 << 20)
        #expect(FileManager.default.contents(atPath: store + "/big")?.count == 96 << 20)

        let cut = Task { try await sftp.uploadAtomically(from: local, to: store + "/cut") }
        try await Task.sleep(for: .milliseconds(20))
        cut.cancel()
        _ = try? await cut.value
        #expect(try await sftp.stat(store + "/cut") == nil)
        #expect(try await sftp.list(store) == ["big"], "no temporary left behind")
        await channel.closeInput()
        #expect(try await channel.exitStatus() == 0)
    }

    @Test func sftpAndChannelsShareOneSession() async throws {
        let sshd = try SSHDFixture()
        defer { sshd.stop() }
        let session = try await SSHSession.connect(sshd.options())
        let channel = try await session.openChannel(command: "cat")
        let sftp = try await session.sftp()
        let path = sshd.directory + "/shared.txt"
        try await sftp.writeAtomically(path, Array("hello".utf8))
        try await channel.send(Array("ping\n".utf8))
        var iterator = channel.stdout.makeAsyncIterator()
        #expect(await iterator.next() == Array("ping\n".utf8))
        #expect(try await session.exec("cat \(path)").stdoutText == "hello")
        await channel.closeInput()
        #expect(try await channel.exitStatus() == 0)
    }
}

/// Bytes an upload reported, from its progress callback.
final class SeenBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add(_ bytes: Int) { lock.withLock { value = bytes } }
    var last: Int { lock.withLock { value } }
}
