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
