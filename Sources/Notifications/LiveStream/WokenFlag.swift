import Synchronization

/// A flag set from inside a task, read after it.
final class WokenFlag: Sendable {
    private let state = Mutex(false)

    var value: Bool { state.withLock { $0 } }

    func set() { state.withLock { $0 = true } }
}
