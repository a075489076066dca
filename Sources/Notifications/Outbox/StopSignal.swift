import Synchronization

/// A one-way stop switch for a loop: interrupts its idle waits and backoff sleeps at once, and
/// work in progress after a grace period (so that a delivery under way can still finish).
final class StopSignal: Sendable {
    private struct State {
        var stopped = false
        var current: (task: Task<Void, Never>, isWork: Bool)?
    }

    private let state = Mutex(State())
    private let workGrace: Duration

    init(workGrace: Duration = .seconds(3)) {
        self.workGrace = workGrace
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Stops: cancels the current wait now, or the current work after the grace period.
    func stop() {
        let current = state.withLock { state in
            state.stopped = true
            return state.current
        }
        guard let current else { return }
        if current.isWork {
            let grace = workGrace
            Task {
                try? await Task.sleep(for: grace)
                current.task.cancel()
            }
        } else {
            current.task.cancel()
        }
    }

    /// Runs `operation` (a wait or a sleep) in a task that ``stop()`` or cancellation interrupts.
    func idle(_ operation: @escaping @Sendable () async -> Void) async {
        await interruptible(isWork: false, operation)
    }

    /// Runs `operation` (a delivery) in a task that ``stop()`` cancels after the grace period.
    func work<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let result = ResultBox<T>()
        await interruptible(isWork: true) {
            do { result.set(.success(try await operation())) } catch { result.set(.failure(error)) }
        }
        return try result.get()
    }

    private func interruptible(isWork: Bool, _ operation: @escaping @Sendable () async -> Void) async {
        let task = Task { await operation() }
        let stoppedAlready = state.withLock { state in
            if state.stopped && !isWork { return true }
            state.current = (task, isWork)
            return false
        }
        if stoppedAlready { task.cancel() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        state.withLock { state in
            if state.current?.task == task { state.current = nil }
        }
    }
}

/// Carries a result out of an unstructured task.
private final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }

    func get() throws -> T {
        guard let result = value.withLock({ $0 }) else { throw CancellationError() }
        return try result.get()
    }
}
