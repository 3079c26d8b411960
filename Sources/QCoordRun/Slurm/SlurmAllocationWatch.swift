import QCoordCore

/// Watches the job's Slurm allocation: when it ends under the job (`scancel`, its time limit),
/// the job gets one SIGTERM-like signal on `signals`, so it stops with a full report and exit 8
/// instead of seeing its nodes as lost hosts one by one.
actor SlurmAllocationWatch {
    nonisolated let signals: AsyncStream<BookSignal>
    private let sink: AsyncStream<BookSignal>.Continuation
    private let cluster: SlurmCluster
    private let jobID: String
    private let log: JobLog
    private let console: Console
    private var fired = false
    private var stopped = false
    private var poller: Task<Void, Never>?

    init(cluster: SlurmCluster, jobID: String, log: JobLog, console: Console) {
        self.cluster = cluster
        self.jobID = jobID
        self.log = log
        self.console = console
        (signals, sink) = AsyncStream<BookSignal>.makeStream()
    }

    func startPolling(every seconds: Double) {
        poller = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                guard let self, !Task.isCancelled else { return }
                if await self.checkNow() { return }
            }
        }
    }

    /// Asks Slurm now; true once the allocation has ended (the signal is then sent, once).
    /// A job still COMPLETING is asked again for a moment, to name its final state.
    @discardableResult
    func checkNow() async -> Bool {
        if fired { return true }
        if stopped { return false }
        var state = await cluster.jobState(jobID)
        var tries = 0
        while state?.uppercased() == "COMPLETING" && tries < 12 {
            try? await Task.sleep(for: .milliseconds(250))
            state = await cluster.jobState(jobID)
            tries += 1
        }
        guard let state, !stopped, !fired else { return fired }
        guard let ended = SlurmNodes.allocationEnded(state: state.uppercased() == "COMPLETING" ? "CANCELLED" : state) else { return false }
        fired = true
        log.error("slurm: job \(jobID): \(ended): the job stops (as on SIGTERM)")
        console.err("qcoord: slurm: \(ended): stopping the job\n")
        sink.yield(.terminate)
        sink.finish()
        // Let the job take the signal before the ended steps reach it as lost hosts.
        try? await Task.sleep(for: .milliseconds(300))
        return true
    }

    /// The job is over: its own release of the allocation is no signal.
    func stop() {
        stopped = true
        poller?.cancel()
        sink.finish()
    }
}
