import Logging
import PortwatchStore
import Synchronization

/// Stores a sink's cursor off the delivery path: at most one write in flight, always of the newest
/// value, and at most one per `minimumInterval`, so that durable cursor writes (fsyncs, on the same
/// SQLite writer as the API's commits) neither delay the next delivery nor compete with every change.
///
/// A cursor that lags after a crash only means redelivery, which at-least-once allows.
final class CursorWriter: Sendable {
    private struct State {
        var pending: Int64?
        var writer: Task<Void, Never>?
    }

    private let sink: String
    private let backend: any StoreBackend
    private let logger: Logger
    private let minimumInterval: Duration
    private let state = Mutex(State())

    init(sink: String, backend: any StoreBackend, minimumInterval: Duration = .milliseconds(100), logger: Logger) {
        self.sink = sink
        self.backend = backend
        self.minimumInterval = minimumInterval
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

    /// Waits until the newest cursor is stored.
    func flush() async {
        while let writer = state.withLock({ $0.writer }) {
            await writer.value
        }
    }

    private func drain() async {
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
            do {
                try await backend.setCursor(of: sink, to: next)
                // Not cancellable on purpose: flush() waits for the newest value to be stored.
                try? await Task.sleep(for: minimumInterval)
            } catch {
                logger.error("cursor write failed", metadata: ["error": "\(error)", "cursor": "\(next)"])
                state.withLock { $0.pending = max($0.pending ?? next, next) }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
