/// The outcome of one test in a job, as results.json carries it (Avocado's fields plus qcoord's).
///
/// Times: `timeStart`/`timeEnd` are monotonic seconds (Avocado writes its monotonic clock there),
/// `actualTimeStart`/`actualTimeEnd` are epoch seconds.
public struct TestResult: Sendable, Hashable, Codable {
    /// 1-based position of the test in the job.
    public var uid: Int
    /// `<uid>-<name>`, the uid zero-padded to the width of the job's total.
    public var id: String
    public var name: String
    public var kind: TestKind
    public var status: TestStatus
    /// nil is written as Avocado's `<unknown>`.
    public var failReason: String?
    public var tags: Tags
    public var timeElapsed: Double
    public var timeStart: Double
    public var timeEnd: Double
    public var actualTimeStart: Double
    public var actualTimeEnd: Double
    /// Absolute path of the test's result directory.
    public var logdir: String
    /// Absolute path of its debug.log.
    public var logfile: String
    public var whiteboard: String
    /// The host that ran the last attempt; nil when the test never ran.
    public var host: String?
    public var arch: String?
    public var qemuBin: String?
    /// The version the agent reported for `qemuBin` (`ready`'s qemu table), nil when unknown.
    public var qemuVersion: String? = nil
    /// One entry per run; the last decides `status`.
    public var attempts: [Attempt]
    /// False for tests that never started (failfast, job timeout, Ctrl-C, no eligible host).
    public var ran: Bool
    /// `qcoord merge`: the job directory this result came from (nil in the job that ran it).
    public var origin: String?
    /// True when the test passed on a retry (`--retries`) after an attempt FAILed or ERRORed;
    /// nil otherwise (and in journals written before retries existed).
    public var flaky: Bool?

    public init(uid: Int, id: String, name: String, kind: TestKind, status: TestStatus,
                failReason: String? = nil, tags: Tags = Tags(), timeElapsed: Double = 0,
                timeStart: Double = 0, timeEnd: Double = 0, actualTimeStart: Double = 0,
                actualTimeEnd: Double = 0, logdir: String = "", logfile: String = "",
                whiteboard: String = "", host: String? = nil, arch: String? = nil,
                qemuBin: String? = nil, attempts: [Attempt] = [], ran: Bool = true, origin: String? = nil) {
        self.uid = uid
        self.id = id
        self.name = name
        self.kind = kind
        self.status = status
        self.failReason = failReason
        self.tags = tags
        self.timeElapsed = timeElapsed
        self.timeStart = timeStart
        self.timeEnd = timeEnd
        self.actualTimeStart = actualTimeStart
        self.actualTimeEnd = actualTimeEnd
        self.logdir = logdir
        self.logfile = logfile
        self.whiteboard = whiteboard
        self.host = host
        self.arch = arch
        self.qemuBin = qemuBin
        self.attempts = attempts
        self.ran = ran
        self.origin = origin
    }

    /// The file part of the name (`tests/boot.py` of `tests/boot.py:Boot.test_pc`); the whole
    /// name for tests without a class (SIMPLE, TAP), whose name is their file.
    public var file: String {
        guard let colon = name.lastIndex(of: ":"), className != nil else { return name }
        return String(name[..<colon])
    }

    /// One run of a test on one host.
    public struct Attempt: Sendable, Hashable, Codable {
        public var host: String
        public var status: TestStatus
        public var failReason: String?
        public var time: Double

        public init(host: String, status: TestStatus, failReason: String?, time: Double) {
            self.host = host
            self.status = status
            self.failReason = failReason
            self.time = time
        }
    }

    /// `<uid>-<name>` with the uid zero-padded to the width of `total` (Avocado's test id).
    public static func testID(uid: Int, name: String, total: Int) -> String {
        "\(zeroPadded(uid, width: String(total).count))-\(name)"
    }

    /// Avocado's fail_reason text: the reason, or `<unknown>`.
    public var failReasonText: String { failReason ?? "<unknown>" }

    /// The `Class` of `file.py:Class.method`, nil for tests without one (SIMPLE, TAP, …).
    public var className: String? {
        guard let colon = name.lastIndex(of: ":") else { return nil }
        let qualified = name[name.index(after: colon)...]
        guard let dot = qualified.firstIndex(of: ".") else { return nil }
        let cls = qualified[..<dot]
        return cls.isEmpty ? nil : String(cls)
    }
}

/// `n` written with leading zeros to `width` digits.
public func zeroPadded(_ n: Int, width: Int) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
