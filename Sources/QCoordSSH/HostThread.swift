import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A serial executor backed by one dedicated OS thread, for one SSH host.
///
/// libssh calls block, and a session may be used by one thread at a time. Swift's
/// cooperative pool is only as wide as the machine (2 threads here), so blocking calls
/// there would serialize every host behind two of them. Each host's session actor (and the
/// channel / SFTP actors that share it) runs on its own `HostThread` instead.
///
/// The thread also owns a wake-up pipe: the session's poll loop adds `wakeDescriptor` to
/// the `ssh_event` it waits on, and every `enqueue` writes one byte to it, so a job that
/// arrives while the thread sits in `ssh_event_dopoll` is run promptly.
///
/// `@unchecked Sendable`: all mutable state (`jobs`, `stopping`) is guarded by `condition`;
/// the pipe descriptors are immutable after `init` and only closed after the thread exits.
public final class HostThread: SerialExecutor, @unchecked Sendable {
    public let name: String
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopping = false
    private var exited = false
    private var threadID: pthread_t?
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Starts the thread; it runs until `stop()` and an empty queue.
    public init(name: String) {
        self.name = name
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        // The thread holds the executor until `stop()`: jobs may be enqueued as long as the
        // session lives, whoever else still holds a reference.
        let thread = Thread { [self] in self.runLoop() }
        thread.start()
    }

    /// The read end of the wake-up pipe, readable whenever a job was enqueued since the
    /// last `drainWakeups()`.
    public var wakeDescriptor: Int32 { wakeRead }

    /// Empties the wake-up pipe.
    public func drainWakeups() {
        Self.drain(wakeRead)
    }

    static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    /// True when jobs are waiting: a poll loop must then not block.
    public var hasPendingJobs: Bool {
        condition.lock()
        defer { condition.unlock() }
        return head < jobs.count
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        if !exited {
            // Under the lock so the descriptor cannot be closed (and reused) meanwhile.
            // EAGAIN when the pipe is full is fine: it is readable anyway.
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        condition.lock()
        let owner = threadID
        condition.unlock()
        guard let owner, pthread_equal(owner, pthread_self()) != 0 else {
            fatalError("not on host thread \(name)")
        }
    }

    /// Lets the thread finish the queued jobs and exit.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        // Linux caps thread names at 15 bytes; "qc-ssh-h2" shows up in top and gdb.
        // (Glibc does not export pthread_setname_np; the kernel takes it from here too.)
        if let comm = fopen("/proc/thread-self/comm", "w") {
            fputs(String("qc-ssh-\(name)".utf8.prefix(15)) ?? "qc-ssh", comm)
            fclose(comm)
        }
        condition.lock()
        threadID = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                exited = true
                close(wakeRead)
                close(wakeWrite)
                condition.unlock()
                break
            }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
