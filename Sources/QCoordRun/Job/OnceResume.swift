import Foundation

/// Resumes a continuation once, from whichever side comes first (a result or a cancellation).
final class OnceResume<T: Sendable>: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    private var early: T?
    private var done = false

    func set(_ c: CheckedContinuation<T, Never>) {
        let value: T? = lock.withLock {
            if let early { done = true; return early }
            continuation = c
            return nil
        }
        if let value { c.resume(returning: value) }
    }

    /// False when the continuation was already resumed.
    func resume(_ value: T) -> Bool {
        let c: CheckedContinuation<T, Never>? = lock.withLock {
            guard !done else { return nil }
            if let continuation { done = true; self.continuation = nil; return continuation }
            if early == nil { early = value }
            return nil
        }
        if let c { c.resume(returning: value); return true }
        return false
    }
}
