import Synchronization

/// Wakes one sleeper early: ``nap(upTo:)`` returns after the duration or as soon as ``ring()`` is
/// called, whichever comes first. A ring while nobody naps is kept for the next nap, so a wake-up
/// between two naps is never lost (at worst one nap ends at once for nothing).
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var sleeper: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the sleeper, or the next one.
    func ring() {
        let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let sleeper = state.sleeper else {
                state.rung = true
                return nil
            }
            state.sleeper = nil
            return sleeper
        }
        sleeper?.resume()
    }

    /// Sleeps up to `duration`, less when rung; one sleeper at a time.
    func nap(upTo duration: Duration) async {
        let timer = Task {
            try? await Task.sleep(for: duration)
            self.ring()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ringing = state.withLock { state in
                if state.rung {
                    state.rung = false
                    return true
                }
                state.sleeper = continuation
                return false
            }
            if ringing { continuation.resume() }
        }
        // A timer that rings after an early wake-up leaves a ring for the next nap: harmless.
        timer.cancel()
    }
}
