/// Messages from an agent to the coordinator.
public enum AgentMessage: Sendable, Hashable {
    case ready(Ready)
    case started(Started)
    case output(Output)
    case file(FileChunk)
    case finished(Finished)
    case heartbeat
    case error(message: String)

    public struct QemuBinary: Sendable, Hashable, Codable {
        public var path: String
        public var version: String
        public init(path: String, version: String) { self.path = path; self.version = version }
    }

    public struct Ready: Sendable, Hashable, Codable {
        public var version: Int
        public var host: String
        /// Normalized (`ppc64le` → `ppc64`).
        public var arch: String
        public var cpus: Int
        public var kvm: Bool
        public var python: String
        /// Avocado version on the host, nil when none was found.
        public var avocado: String?
        /// arch → binary.
        public var qemu: [String: QemuBinary]
        /// pycotap's version where the agent's python can import it (QEMU's tests/functional
        /// print TAP through it), nil when it cannot: FUNCTIONAL tests need it.
        public var pycotap: String?
        /// What the host says of itself for the job's `sysinfo/<host>/` (uname, cpu, memory, os).
        public var sysinfo: [String: String]?
        /// The agent's scratch dir on the host (its tasks' `task-N/`: results, wd, tmp); it is
        /// kept after the job when the hello asked (`keep_tmp`). nil from older agents.
        public var scratch: String?

        public init(version: Int = AgentProtocol.version, host: String, arch: String, cpus: Int, kvm: Bool,
                    python: String, avocado: String?, qemu: [String: QemuBinary], pycotap: String? = nil,
                    sysinfo: [String: String]? = nil) {
            self.pycotap = pycotap
            self.sysinfo = sysinfo
            self.version = version
            self.host = host
            self.arch = arch
            self.cpus = cpus
            self.kvm = kvm
            self.python = python
            self.avocado = avocado
            self.qemu = qemu
        }
    }

    public struct Started: Sendable, Hashable, Codable {
        public var taskID: String
        public var qemuBin: String?
        public var arch: String?
        public var pid: Int?
        enum CodingKeys: String, CodingKey {
            case pid, arch
            case taskID = "task_id"
            case qemuBin = "qemu_bin"
        }
        public init(taskID: String, qemuBin: String?, arch: String? = nil, pid: Int?) {
            self.taskID = taskID; self.qemuBin = qemuBin; self.arch = arch; self.pid = pid
        }
    }

    public struct Output: Sendable, Hashable, Codable {
        public var taskID: String
        /// "stdout" or "stderr".
        public var stream: String
        public var dataB64: String
        enum CodingKeys: String, CodingKey {
            case stream
            case taskID = "task_id"
            case dataB64 = "data_b64"
        }
        public init(taskID: String, stream: String, dataB64: String) {
            self.taskID = taskID; self.stream = stream; self.dataB64 = dataB64
        }
    }

    /// A chunk of a log or data file of a test, relative to the test's result directory.
    public struct FileChunk: Sendable, Hashable, Codable {
        public var taskID: String
        public var name: String
        public var offset: Int
        public var dataB64: String
        public var last: Bool
        enum CodingKeys: String, CodingKey {
            case name, offset, last
            case taskID = "task_id"
            case dataB64 = "data_b64"
        }
        public init(taskID: String, name: String, offset: Int, dataB64: String, last: Bool) {
            self.taskID = taskID; self.name = name; self.offset = offset; self.dataB64 = dataB64; self.last = last
        }
    }

    public struct Finished: Sendable, Hashable, Codable {
        public var taskID: String
        public var status: TestStatus
        public var failReason: String?
        public var timeS: Double
        public var whiteboard: String?
        enum CodingKeys: String, CodingKey {
            case status, whiteboard
            case taskID = "task_id"
            case failReason = "fail_reason"
            case timeS = "time_s"
        }
        public init(taskID: String, status: TestStatus, failReason: String?, timeS: Double, whiteboard: String? = nil) {
            self.taskID = taskID; self.status = status; self.failReason = failReason; self.timeS = timeS; self.whiteboard = whiteboard
        }
    }
}
