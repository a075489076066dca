import Synchronization

/// Tasks waiting until a replica has applied the change log through a sequence, woken by the apply
/// itself (no polling): ``advance(to:)`` resumes every waiter whose sequence it reaches.
///
/// A waiter checks the applied sequence and registers under the same lock that ``advance(to:)``
/// takes, so an apply between the check and the registration cannot be missed. A cancelled waiter
/// removes itself; one past its deadline is resumed with false.
final class AppliedSequenceWaiters: Sendable {
    private struct Waiter {
        var sequence: Int64
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var applied: Int64
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
        /// Ids handed out whose waiter has not registered yet, and those given up before it could.
        var registering: Set<Int> = []
        var givenUp: Set<Int> = []
    }

    private let state: Mutex<State>

    init(applied: Int64) {
        state = Mutex(State(applied: applied))
    }

    /// The highest sequence announced so far.
    var applied: Int64 { state.withLock { $0.applied } }

    /// How many tasks wait (for tests).
    var count: Int { state.withLock { $0.waiters.count } }

    /// Records that everything through `sequence` is applied and wakes the waiters it satisfies. A
    /// lower sequence than one announced before is ignored (the applied sequence never moves back).
    func advance(to sequence: Int64) {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard sequence > state.applied else { return [] }
            state.applied = sequence
            let due = state.waiters.filter { $0.value.sequence <= sequence }
            for id in due.keys { state.waiters[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    /// Forgets the applied sequence (a replica that reloads may have a lower one); waiters stay.
    func reset(to sequence: Int64) {
        state.withLock { $0.applied = sequence }
        advance(to: sequence)
    }

    /// Waits until ``advance(to:)`` reached `sequence`: true then, false after `timeout` or when the
    /// task is cancelled.
    func wait(for sequence: Int64, timeout: Duration) async -> Bool {
        let id = state.withLock { state -> Int? in
            guard state.applied < sequence else { return nil }
            defer { state.nextID += 1 }
            state.registering.insert(state.nextID)
            return state.nextID
        }
        guard let id else { return true }
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            self.giveUp(id)
        }
        defer { deadline.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let satisfied = state.withLock { state -> Bool? in
                    state.registering.remove(id)
                    // Cancelled or timed out before it could register.
                    if state.givenUp.remove(id) != nil { return false }
                    if state.applied >= sequence { return true }
                    state.waiters[id] = Waiter(sequence: sequence, continuation: continuation)
                    return nil
                }
                if let satisfied { continuation.resume(returning: satisfied) }
            }
        } onCancel: {
            giveUp(id)
        }
    }

    /// Resumes waiter `id` with false, if it still waits (or makes it return false as it registers).
    private func giveUp(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            if state.registering.contains(id) { state.givenUp.insert(id) }
            return state.waiters.removeValue(forKey: id)
        }
        waiter?.continuation.resume(returning: false)
    }
}
