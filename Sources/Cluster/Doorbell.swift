import Synchronization

/// Wakes one sleeper early: ``nap(upTo:)`` returns after the duration or as soon as ``ring()`` is
/// called, whichever comes first. A ring while nobody naps is kept for the next nap, so a wake-up
/// between two naps is never lost (at worst one nap ends at once for nothing).
///
/// A nap's timer wakes that nap only: a timer cancelled by an early ring, or one that fires after its
/// nap ended, rings nobody. (When it rang the doorbell, each early wake-up left a ring for the next
/// nap, whose cancelled timer left one for the next: the follower polled the database without pause.)
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var sleeper: CheckedContinuation<Void, Never>?
        /// The nap in progress, while there is one.
        var nap: UInt64?
        var naps: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Wakes the sleeper, or the next one.
    func ring() { wake(nap: nil) }

    /// Sleeps up to `duration`, less when rung; one sleeper at a time.
    func nap(upTo duration: Duration) async {
        let nap = state.withLock { state in
            state.naps &+= 1
            state.nap = state.naps
            return state.naps
        }
        let timer = Task {
            guard (try? await Task.sleep(for: duration)) != nil else { return }
            self.wake(nap: nap)
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
        state.withLock { $0.nap = nil }
        timer.cancel()
    }

    /// Whether a nap is waiting now (for tests).
    var isNapping: Bool { state.withLock { $0.sleeper != nil } }

    /// Wakes the sleeper, or leaves a ring for a nap that has not started waiting yet; with `nap`
    /// (its timer), only while that nap is in progress.
    private func wake(nap: UInt64?) {
        let sleeper = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let nap, state.nap != nap { return nil }
            guard let sleeper = state.sleeper else {
                state.rung = true
                return nil
            }
            state.sleeper = nil
            return sleeper
        }
        sleeper?.resume()
    }
}
