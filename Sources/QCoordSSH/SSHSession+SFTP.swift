import CLibSSH
#if canImport(Glibc)
import Glibc
#endif

extension SSHSession {
    /// Opens an SFTP session on this connection.
    public func sftp() throws -> SFTPClient {
        let session = try liveHandle()
        guard let sftp = sftp_new(session) else {
            throw SSHError.sftpFailed(host: label, operation: "start", path: "", detail: Self.errorText(session))
        }
        guard sftp_init(sftp) == SSH_OK else {
            let detail = Self.errorText(session)
            sftp_free(sftp)
            throw SSHError.sftpFailed(host: label, operation: "start", path: "",
                                      detail: "\(detail) (is the sftp subsystem enabled in sshd_config?)")
        }
        let id = makeID()
        sftpSessions[id] = sftp
        return SFTPClient(session: self, id: id)
    }

    func releaseSFTP(_ id: Int) {
        if let sftp = sftpSessions.removeValue(forKey: id) { sftp_free(sftp) }
    }

    private func sftpHandle(_ id: Int) throws -> sftp_session {
        guard handle != nil, let sftp = sftpSessions[id] else { throw SSHError.closed(host: label) }
        return sftp
    }

    private func sftpError(_ sftp: sftp_session, _ operation: String, _ path: String) -> SSHError {
        let code = sftp_get_error(sftp)
        let detail: String
        switch code {
        case SSH_FX_NO_SUCH_FILE: detail = "no such file or directory"
        case SSH_FX_PERMISSION_DENIED: detail = "permission denied"
        case SSH_FX_FILE_ALREADY_EXISTS: detail = "already exists"
        case SSH_FX_NO_SUCH_PATH: detail = "no such path"
        default:
            if let handle, ssh_is_connected(handle) == 0 {
                return .connectionLost(host: label, detail: Self.errorText(handle))
            }
            detail = "SFTP error \(code): \(handle.map(Self.errorText) ?? "")"
        }
        return .sftpFailed(host: label, operation: operation, path: path, detail: detail)
    }

    func sftpStat(_ id: Int, _ path: String) throws -> SFTPFileInfo? {
        let sftp = try sftpHandle(id)
        guard let attributes = sftp_stat(sftp, path) else {
            let code = sftp_get_error(sftp)
            if code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH { return nil }
            throw sftpError(sftp, "stat", path)
        }
        defer { sftp_attributes_free(attributes) }
        let a = attributes.pointee
        return SFTPFileInfo(size: a.size, permissions: a.permissions,
                            isDirectory: a.type == UInt8(SSH_FILEXFER_TYPE_DIRECTORY),
                            isRegularFile: a.type == UInt8(SSH_FILEXFER_TYPE_REGULAR))
    }

    func sftpMakeDirectories(_ id: Int, _ path: String, mode: UInt32) throws {
        let sftp = try sftpHandle(id)
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") where !component.isEmpty && component != "." {
            prefix += "/" + component
            if let info = try sftpStat(id, prefix) {
                guard info.isDirectory else {
                    throw SSHError.sftpFailed(host: label, operation: "mkdir", path: prefix, detail: "exists and is not a directory")
                }
                continue
            }
            if sftp_mkdir(sftp, prefix, mode_t(mode)) != 0 {
                // Lost a race with another writer (shared NFS home): fine if it is a directory now.
                if let info = try sftpStat(id, prefix), info.isDirectory { continue }
                throw sftpError(sftp, "mkdir", prefix)
            }
        }
    }

    func sftpWriteAtomically(_ id: Int, _ path: String, _ bytes: [UInt8], mode: UInt32) throws {
        try sftpReplace(id, path, mode: mode, sameContent: {
            // Content-addressed files: another writer (a host sharing this home) got there first.
            (try? self.sftpRead(id, path, limit: bytes.count)) == bytes
        }) { sftp, file, temporary in
            var offset = 0
            while offset < bytes.count {
                let count = min(64 * 1024, bytes.count - offset)
                let written = bytes.withUnsafeBufferPointer { sftp_write(file, $0.baseAddress.map { $0 + offset }, count) }
                if written <= 0 { return self.sftpError(sftp, "write", temporary) }
                offset += written
            }
            return nil
        }
    }

    /// Starts an upload to `path` through a temporary name beside it: the local file `source` is
    /// sent in pieces (`sftpUploadPiece`), each its own call on the host thread, so the agent's
    /// channel on this session is served between them (a long push never silences it), then
    /// renamed over `path` (`sftpUploadFinish`). Returns the upload's id.
    func sftpUploadStart(_ id: Int, source: String, _ path: String, mode: UInt32) throws -> Int {
        let sftp = try sftpHandle(id)
        let fd = Glibc.open(source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SSHError.sftpFailed(host: label, operation: "upload", path: path,
                                      detail: "cannot read \(source): \(String(cString: strerror(errno)))")
        }
        let temporary = Self.temporaryName(beside: path)
        guard let file = sftp_open(sftp, temporary, O_WRONLY | O_CREAT | O_EXCL, mode_t(mode)) else {
            _ = Glibc.close(fd)
            throw sftpError(sftp, "create", temporary)
        }
        let upload = makeID()
        uploads[upload] = SFTPUpload(sftp: id, fd: fd, file: file, source: source, temporary: temporary, path: path)
        return upload
    }

    /// Sends up to `limit` more bytes of an upload (64 KiB packets: OpenSSH drops the SFTP channel
    /// on packets over 256 KiB). Returns the bytes sent now; 0 once the source is all sent.
    func sftpUploadPiece(_ upload: Int, limit: Int) throws -> Int {
        guard let u = uploads[upload] else { throw SSHError.closed(host: label) }
        let sftp = try sftpHandle(u.sftp)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var sent = 0
        while sent < limit {
            let count = Glibc.read(u.fd, &buffer, min(buffer.count, limit - sent))
            if count < 0 {
                if errno == EINTR { continue }
                throw SSHError.sftpFailed(host: label, operation: "upload", path: u.path,
                                          detail: "reading \(u.source): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBufferPointer { sftp_write(u.file, $0.baseAddress! + offset, count - offset) }
                if written <= 0 { throw sftpError(sftp, "write", u.temporary) }
                offset += written
            }
            sent += count
        }
        return sent
    }

    /// Ends an upload: closes the temporary file and renames it over its path (`commit`), or
    /// removes it (an upload that failed or was given up).
    func sftpUploadFinish(_ upload: Int, commit: Bool) throws {
        guard let u = uploads.removeValue(forKey: upload) else { return }
        _ = Glibc.close(u.fd)
        guard let sftp = sftpSessions[u.sftp], handle != nil else { throw SSHError.closed(host: label) }
        var failed: SSHError?
        if sftp_close(u.file) != SSH_OK { failed = sftpError(sftp, "close", u.temporary) }
        if !commit || failed != nil {
            _ = sftp_unlink(sftp, u.temporary)
            if let failed { throw failed }
            return
        }
        try sftpRename(u.sftp, sftp, temporary: u.temporary, over: u.path, sameContent: { false })
    }

    /// `.<name>.tmp-<random>` beside `path`.
    static func temporaryName(beside path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory.isEmpty ? "" : directory)/.\(base).tmp-\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
    }

    /// Writes `path` through a temporary name beside it (`write` fills the open file, returning
    /// its error), then renames it into place: a cut transfer never leaves a wrong `path`. SFTP v3
    /// rename (all libssh 0.10 offers; no posix-rename) refuses an existing target: when
    /// `sameContent` says the file there is already right the temporary one goes, else the old one
    /// is replaced (readers may briefly find no file, never a partial one).
    private func sftpReplace(_ id: Int, _ path: String, mode: UInt32, sameContent: () -> Bool = { false },
                             write: (sftp_session, sftp_file, String) -> SSHError?) throws {
        let sftp = try sftpHandle(id)
        let temporary = Self.temporaryName(beside: path)
        guard let file = sftp_open(sftp, temporary, O_WRONLY | O_CREAT | O_EXCL, mode_t(mode)) else {
            throw sftpError(sftp, "create", temporary)
        }
        var failed = write(sftp, file, temporary)
        if sftp_close(file) != SSH_OK, failed == nil { failed = sftpError(sftp, "close", temporary) }
        if let failed {
            _ = sftp_unlink(sftp, temporary)
            throw failed
        }
        try sftpRename(id, sftp, temporary: temporary, over: path, sameContent: sameContent)
    }

    /// Renames a written temporary file over `path` (see `sftpReplace`); removes it on failure.
    private func sftpRename(_ id: Int, _ sftp: sftp_session, temporary: String, over path: String,
                            sameContent: () -> Bool) throws {
        guard sftp_rename(sftp, temporary, path) != 0 else { return }
        let error = sftpError(sftp, "rename", path)
        if sameContent() {
            _ = sftp_unlink(sftp, temporary)
            return
        }
        if try sftpStat(id, path) != nil, sftp_unlink(sftp, path) == 0, sftp_rename(sftp, temporary, path) == 0 { return }
        _ = sftp_unlink(sftp, temporary)
        throw error
    }

    /// The regular files of a directory with their size and modification time.
    func sftpListFiles(_ id: Int, _ path: String) throws -> [SFTPDirectoryEntry] {
        let sftp = try sftpHandle(id)
        guard let dir = sftp_opendir(sftp, path) else { throw sftpError(sftp, "list", path) }
        defer { sftp_closedir(dir) }
        var entries: [SFTPDirectoryEntry] = []
        while let entry = sftp_readdir(sftp, dir) {
            let a = entry.pointee
            if let name = a.name, a.type == UInt8(SSH_FILEXFER_TYPE_REGULAR) {
                entries.append(SFTPDirectoryEntry(name: String(cString: name), size: a.size, mtime: Int(a.mtime)))
            }
            sftp_attributes_free(entry)
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Sets a file's access and modification times to `seconds` since the epoch.
    func sftpSetTimes(_ id: Int, _ path: String, seconds: Int) throws {
        let sftp = try sftpHandle(id)
        var times = [timeval(tv_sec: seconds, tv_usec: 0), timeval(tv_sec: seconds, tv_usec: 0)]
        if sftp_utimes(sftp, path, &times) != 0 { throw sftpError(sftp, "utimes", path) }
    }

    /// Makes `path` a symbolic link to `target`, unless it already is one; replaces a link
    /// elsewhere, never a file or directory.
    func sftpEnsureSymlink(_ id: Int, _ path: String, target: String) throws {
        let sftp = try sftpHandle(id)
        if let current = sftp_readlink(sftp, path) {
            let text = String(cString: current)
            ssh_string_free_char(current)
            if text == target { return }
            if sftp_unlink(sftp, path) != 0 { throw sftpError(sftp, "remove", path) }
        } else if try sftpStat(id, path) != nil {
            throw SSHError.sftpFailed(host: label, operation: "symlink", path: path, detail: "exists and is not a link")
        }
        if sftp_symlink(sftp, target, path) != 0 {
            // Another writer (a shared home) made it at the same moment.
            if let current = sftp_readlink(sftp, path) {
                let text = String(cString: current)
                ssh_string_free_char(current)
                if text == target { return }
            }
            throw sftpError(sftp, "symlink", path)
        }
    }

    func sftpRead(_ id: Int, _ path: String, limit: Int) throws -> [UInt8] {
        let sftp = try sftpHandle(id)
        guard let file = sftp_open(sftp, path, O_RDONLY, 0) else { throw sftpError(sftp, "open", path) }
        defer { sftp_close(file) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = sftp_read(file, &buffer, buffer.count)
            if count < 0 { throw sftpError(sftp, "read", path) }
            if count == 0 { break }
            result += buffer[0..<count]
            if result.count > limit {
                throw SSHError.sftpFailed(host: label, operation: "read", path: path, detail: "larger than \(limit) bytes")
            }
        }
        return result
    }

    func sftpRemove(_ id: Int, _ path: String) throws {
        let sftp = try sftpHandle(id)
        if sftp_unlink(sftp, path) != 0 {
            let code = sftp_get_error(sftp)
            if code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH { return }
            throw sftpError(sftp, "remove", path)
        }
    }

    func sftpList(_ id: Int, _ path: String) throws -> [String] {
        let sftp = try sftpHandle(id)
        guard let dir = sftp_opendir(sftp, path) else { throw sftpError(sftp, "list", path) }
        defer { sftp_closedir(dir) }
        var names: [String] = []
        while let entry = sftp_readdir(sftp, dir) {
            if let name = entry.pointee.name {
                let s = String(cString: name)
                if s != "." && s != ".." { names.append(s) }
            }
            sftp_attributes_free(entry)
        }
        return names.sorted()
    }

    func sftpCanonicalPath(_ id: Int, _ path: String) throws -> String {
        let sftp = try sftpHandle(id)
        guard let text = sftp_canonicalize_path(sftp, path) else { throw sftpError(sftp, "realpath", path) }
        defer { ssh_string_free_char(text) }
        return String(cString: text)
    }
}

/// An upload in progress (`SSHSession.sftpUploadStart`): the local file and the remote
/// temporary one, used only on the host thread.
struct SFTPUpload {
    var sftp: Int
    var fd: Int32
    var file: sftp_file
    var source: String
    var temporary: String
    var path: String
}
