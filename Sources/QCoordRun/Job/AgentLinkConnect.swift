import QCoordCore

/// A connect the job's end need not wait for.
enum AgentLinkConnect {
    /// `body`'s result, or nil as soon as the caller is cancelled (a connect in progress is not
    /// waited for, so the job's end is not delayed; a link it still yields is shut down).
    static func unlessCancelled(_ body: @escaping @Sendable () async throws -> any AgentLink) async -> Result<any AgentLink, any Error>? {
        let once = OnceResume<Result<any AgentLink, any Error>?>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                once.set(continuation)
                Task {
                    let result: Result<any AgentLink, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    if !once.resume(result), case .success(let link) = result { await link.shutdown(grace: .zero) }
                }
            }
        } onCancel: {
            _ = once.resume(nil)
        }
    }
}
