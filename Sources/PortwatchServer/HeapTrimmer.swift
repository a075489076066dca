import Foundation
import PortwatchCore
import PortwatchStore
import Synchronization

/// Gives the heap pages large commits freed back to the system.
///
/// A fault storm over 100,000 ports renders and writes hundreds of megabytes of short-lived
/// payloads, audit lines and rows; filling a server through the API does the same a thousand ports
/// at a time. glibc keeps freed memory in its arenas for reuse, so without a trim the server's
/// resident size stays at the peak (and grows from storm to storm as other threads' arenas take the
/// next one). Once commits since the last trim have written at least ``threshold`` rows (one storm,
/// or many small commits), or a reload replaced the state, and commits have then been quiet for
/// ``delay`` (the sinks have taken the rows by then), the trimmer asks glibc to return its free pages
/// (`malloc_trim`). One trim waits at a time, however many commits follow.
final class HeapTrimmer: Sendable {
    /// Rows (ports and outbox records) written since the last trim that arm the trimmer.
    static let threshold = 5_000
    /// Quiet time after the last commit before trimming.
    static let delay = Duration.seconds(1)

    private struct State {
        var rows = 0
        /// A trim is waiting for commits to be quiet.
        var armed = false
        var lastCommit = ContinuousClock.now
    }

    private let state = Mutex(State())
    private let delay: Duration
    private let release: @Sendable () -> Void

    /// `release` returns the free pages (``trim()``; a test counts its calls instead).
    init(delay: Duration = HeapTrimmer.delay, release: @escaping @Sendable () -> Void = HeapTrimmer.trim) {
        self.delay = delay
        self.release = release
    }

    /// Counts `batch`'s rows, and arms the trimmer once they add up.
    func committed(_ batch: Repository.CommittedBatch) {
        committed(rows: batch.changes.ports.count + batch.outboxCount, reloaded: batch.reloaded)
    }

    func committed(rows: Int, reloaded: Bool = false) {
        let arm = state.withLock { state in
            state.rows += rows
            state.lastCommit = .now
            guard !state.armed, reloaded || state.rows >= Self.threshold else { return false }
            state.armed = true
            return true
        }
        guard arm else { return }
        Task.detached(priority: .background) { [self] in
            while true {
                try? await Task.sleep(for: delay)
                let quietFor = state.withLock { state in
                    let quiet = ContinuousClock.now - state.lastCommit
                    if quiet >= delay {
                        state.armed = false
                        state.rows = 0
                    }
                    return quiet
                }
                if quietFor >= delay { return release() }
            }
        }
    }

    /// Returns the heap's free pages to the system now.
    static func trim() {
        #if canImport(Glibc)
            _ = releaseFreeHeap(0)
        #endif
    }
}

#if canImport(Glibc)
    /// glibc's `malloc_trim` (`malloc.h` is not in the Glibc module): returns free heap pages to the
    /// system.
    @_silgen_name("malloc_trim")
    private func releaseFreeHeap(_ pad: Int) -> Int32
#endif
