import PortwatchCore
import PortwatchStore
import Synchronization

/// Wakes waiters when the repository commits outbox records: the idle state of every dispatcher
/// and live stream, so that nothing polls and nothing lags.
///
/// Only committed sequences are reported (the repository's observer runs after the transaction
/// is durable), and a wait can be cancelled.
/// Callers read the store first and wait only when it had nothing newer than their cursor:
///
/// ```swift
/// while true {
///     let records = try await repository.backend.outboxRecords(after: cursor, limit: 100)
///     if records.isEmpty { await signal.wait(after: cursor); continue }
///     ...
/// }
/// ```
public final class OutboxSignal: Sendable {
    private struct Waiter {
        let after: Int64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var committed: Int64 = 0
        var nextID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    private let state = Mutex(State())

    /// Creates a signal fed by `repository`'s commits.
    public init(repository: Repository) {
        repository.observeCommits { [weak self] batch in
            self?.committed(through: batch.newestOutboxSequence)
        }
    }

    /// Creates a signal fed only by ``committed(through:)`` (tests).
    public init() {}

    /// The newest sequence reported committed since this signal was created (0 if none).
    public var newestCommitted: Int64 { state.withLock { $0.committed } }

    /// Reports that records up to `sequence` are committed and wakes the waiters behind it.
    public func committed(through sequence: Int64) {
        let ready: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            guard sequence > state.committed else { return [] }
            state.committed = sequence
            let ids = state.waiters.filter { $0.value.after < sequence }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Waits until a record newer than `sequence` was committed since this signal was created.
    ///
    /// - Returns: `true` when woken by a commit, `false` when the task was cancelled.
    public func wait(after sequence: Int64) async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if state.committed > sequence { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = Waiter(after: sequence, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(returning: false)
        }
    }

    /// Waits like ``wait(after:)`` but at most `timeout`; returns `false` on timeout.
    public func wait(after sequence: Int64, timeout: Duration) async -> Bool {
        await Self.first(of: [{ await self.wait(after: sequence) }], timeout: timeout)
    }

    /// Runs `waits` together and returns the first one's answer (`false` after `timeout`), cancelling
    /// the others.
    static func first(of waits: [@Sendable () async -> Bool], timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            for wait in waits { group.addTask { await wait() } }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
