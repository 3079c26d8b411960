import QCoordCore

/// Shared by `qcoord run` and `make bench-scale` (which must schedule as a run does).
extension RunConfiguration {
    /// Expected durations from `--timings`, else the history; the history records each result.
    public mutating func schedule(timings: Timings?, history: TimingHistory?, exclusiveTag: String?) {
        self.timings = timings ?? ((try? history?.timings()) ?? Timings())
        self.exclusiveTag = exclusiveTag
        if let history {
            // Batched: one transaction per 1000 results or per second, the rest at the job's end.
            let recorder = TimingHistoryRecorder(history: history)
            resultObserver = { result in recorder.record(result) }
            resultsEnded = { recorder.flush() }
        }
    }
}
