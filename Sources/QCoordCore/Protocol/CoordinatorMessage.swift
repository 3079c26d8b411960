/// Messages from the coordinator to an agent.
public enum CoordinatorMessage: Sendable, Hashable {
    case hello(Hello)
    case run(RunTask)
    case cancel(taskID: String)
    case shutdown
    /// The coordinator is alive (every second): an agent that hears nothing for
    /// `hello.coordinator_idle_limit_s` takes the link as gone and stops its tests.
    case heartbeat

    public struct Hello: Sendable, Hashable, Codable {
        public var version: Int
        public var jobID: String
        /// Extra environment for every test.
        public var env: [String: String]
        /// Parameters for every test (`-p k=v`).
        public var params: [String: String]
        public var qemuSearch: QemuSearch
        /// The coordinator's name for the host (the inventory name), used in the agent's messages.
        public var hostName: String?
        /// Seconds without any line from the coordinator (it sends a heartbeat every second)
        /// after which the agent stops its tests and exits; nil: only EOF ends the link.
        public var coordinatorIdleLimitS: Double?
        /// `qcoord run --keep-tmp`: the agent keeps its scratch dir (`ready.scratch`) after the job.
        public var keepTmp: Bool?

        public init(version: Int = AgentProtocol.version, jobID: String, env: [String: String] = [:],
                    params: [String: String] = [:], qemuSearch: QemuSearch = QemuSearch(), hostName: String? = nil) {
            self.hostName = hostName
            self.version = version
            self.jobID = jobID
            self.env = env
            self.params = params
            self.qemuSearch = qemuSearch
        }

        enum CodingKeys: String, CodingKey {
            case version, env, params
            case jobID = "job_id"
            case qemuSearch = "qemu_search"
            case hostName = "host_name"
            case coordinatorIdleLimitS = "coordinator_idle_limit_s"
            case keepTmp = "keep_tmp"
        }
    }

    /// Where the agent looks for `qemu-system-ARCH`.
    public struct QemuSearch: Sendable, Hashable, Codable {
        /// Searched first, in order (a QEMU build dir, …).
        public var dirs: [String]
        /// Search PATH after `dirs`.
        public var pathSearch: Bool
        /// arch → explicit binary.
        public var overrides: [String: String]
        /// Python interpreter for Avocado (a venv's python), when configured.
        public var python: String?

        public init(dirs: [String] = [], pathSearch: Bool = true, overrides: [String: String] = [:], python: String? = nil) {
            self.dirs = dirs
            self.pathSearch = pathSearch
            self.overrides = overrides
            self.python = python
        }

        enum CodingKeys: String, CodingKey {
            case dirs, overrides, python
            case pathSearch = "path_search"
        }
    }

    public struct RunTask: Sendable, Hashable, Codable {
        public var taskID: String
        public var kind: TestKind
        /// The test name (`file.py:Class.method`, or the reference).
        public var name: String
        /// The file or reference, relative to `workdir` when relative.
        public var uri: String
        /// EXTERNAL: runner and arguments.
        public var args: [String]
        /// The target arch the plan chose (nil: the test does not use QEMU).
        public var arch: String?
        /// The plan's binary on this host: the agent runs exactly this one (nil: no QEMU).
        public var qemuBin: String?
        public var params: [String: String]
        public var env: [String: String]
        /// The plan's time limit, for every kind (nil: none).
        public var timeoutS: Double?
        public var workdir: String?
        /// The test's tags, handed to Avocado's runner so `self.tags` (single `machine:` /
        /// `cpu:` tags of avocado_qemu-style tests) matches what `avocado run` would give.
        public var tags: Tags?
        /// INSTRUMENTED: the assets the coordinator provided on this host (AssetEnvironment).
        public var assets: TaskAssets?

        public init(taskID: String, kind: TestKind, name: String, uri: String, args: [String] = [],
                    arch: String? = nil, qemuBin: String? = nil, params: [String: String] = [:], env: [String: String] = [:],
                    timeoutS: Double? = nil, workdir: String? = nil, tags: Tags? = nil, assets: TaskAssets? = nil) {
            self.assets = assets
            self.qemuBin = qemuBin
            self.taskID = taskID
            self.kind = kind
            self.name = name
            self.uri = uri
            self.args = args
            self.arch = arch
            self.params = params
            self.env = env
            self.timeoutS = timeoutS
            self.workdir = workdir
            self.tags = tags
        }

        enum CodingKeys: String, CodingKey {
            case kind, name, uri, args, arch, params, env, workdir, tags, assets
            case taskID = "task_id"
            case qemuBin = "qemu_bin"
            case timeoutS = "timeout_s"
        }
    }

    /// One asset file on the host, with the `fetch_asset` arguments Avocado computes its cache
    /// place from (the agent mirrors the host's Avocado version, docs/assets.md).
    public struct TaskAsset: Sendable, Hashable, Codable {
        /// `fetch_asset`'s first argument: a URL or a file name.
        public var name: String
        public var locations: [String]
        /// As the test declares it (Avocado compares it as written).
        public var hash: String
        /// `sha1`, `sha256`, `sha512`.
        public var algorithm: String
        /// The verified file on the host (`<store>/<alg>/<hex>`).
        public var file: String

        public init(name: String, locations: [String], hash: String, algorithm: String, file: String) {
            self.name = name
            self.locations = locations
            self.hash = hash
            self.algorithm = algorithm
            self.file = file
        }
    }

    public struct TaskAssets: Sendable, Hashable, Codable {
        public var files: [TaskAsset]
        /// Every asset the test declares is here: the test must not download (the agent
        /// refuses Avocado's downloads).
        public var complete: Bool

        public init(files: [TaskAsset], complete: Bool) {
            self.files = files
            self.complete = complete
        }
    }
}
