import Logging
import PortwatchCore
import PortwatchStore
import Synchronization

/// Stores a sink's cursor off the delivery path, through the repository's single writer: at most
/// one write in flight, always of the newest value, and at most one per `minimumInterval`, so that
/// cursor writes neither delay the next delivery nor add a commit per delivered batch.
///
/// A cursor that lags after a crash only means redelivery, which at-least-once allows; so a write
/// that fails is retried a few times and then left to the next ``advance(to:)``, and a repository
/// that is shutting down ends the retries at once. ``flush()`` therefore always returns.
final class CursorWriter: Sendable {
    private struct State {
        var pending: Int64?
        var writer: Task<Void, Never>?
    }

    private let sink: String
    private let repository: Repository
    private let logger: Logger
    private let minimumInterval: Duration
    private let maxAttempts: Int
    private let state = Mutex(State())

    init(
        sink: String, repository: Repository, minimumInterval: Duration = .milliseconds(100), maxAttempts: Int = 5,
        logger: Logger
    ) {
        self.sink = sink
        self.repository = repository
        self.minimumInterval = minimumInterval
        self.maxAttempts = maxAttempts
        self.logger = logger
    }

    /// Records that everything up to `sequence` was delivered; stores it soon.
    func advance(to sequence: Int64) {
        state.withLock { state in
            state.pending = max(state.pending ?? sequence, sequence)
            guard state.writer == nil else { return }
            state.writer = Task { await self.drain() }
        }
    }

    /// Waits until the newest cursor is stored, or its writes gave up.
    func flush() async {
        while let writer = state.withLock({ $0.writer }) {
            await writer.value
        }
    }

    private func drain() async {
        var failures = 0
        while true {
            let next: Int64? = state.withLock { state in
                guard let pending = state.pending else {
                    state.writer = nil
                    return nil
                }
                state.pending = nil
                return pending
            }
            guard let next else { return }
            let sink = sink
            do {
                try await repository.write { $0.setCursor(of: sink, to: next) }
                failures = 0
                // Not cancellable on purpose: flush() waits for the newest value to be stored.
                try? await Task.sleep(for: minimumInterval)
            } catch {
                failures += 1
                let unavailable = (error as? NeutronError)?.httpStatus == 503
                let giveUp = failures >= maxAttempts || unavailable
                logger.log(
                    level: giveUp ? .warning : .error,
                    giveUp ? "cursor not stored; delivery resumes from the stored one" : "cursor write failed",
                    metadata: ["error": "\(error)", "cursor": "\(next)", "attempts": "\(failures)"])
                let stop = state.withLock { state in
                    state.pending = max(state.pending ?? next, next)
                    if giveUp { state.writer = nil }
                    return giveUp
                }
                if stop { return }
                try? await Task.sleep(for: .milliseconds(200 * failures))
            }
        }
    }
}
