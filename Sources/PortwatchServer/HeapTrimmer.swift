import Foundation
import PortwatchCore
import PortwatchStore
import Synchronization

/// Gives the heap pages a large commit freed back to the system.
///
/// A fault storm over 100,000 ports renders and writes hundreds of megabytes of short-lived
/// payloads, audit lines and rows. glibc keeps freed memory in its arenas for reuse, so without a
/// trim the server's resident size stays at the storm's peak (and grows from storm to storm as
/// other threads' arenas take the next one). After a commit of at least ``threshold`` rows, and once
/// commits have been quiet for ``delay`` (the sinks have taken the batch by then), the trimmer asks
/// glibc to return its free pages (`malloc_trim`). Small commits never trigger it.
final class HeapTrimmer: Sendable {
    /// Rows (ports and outbox records) a commit must write to arm the trimmer.
    static let threshold = 5_000
    /// Quiet time after the last large commit before trimming.
    static let delay = Duration.seconds(1)

    private let armed = Mutex<UInt64>(0)

    /// Arms the trimmer for `batch` if it was large.
    func committed(_ batch: Repository.CommittedBatch) {
        guard batch.reloaded || batch.changes.ports.count + batch.outboxCount >= Self.threshold else { return }
        let generation = armed.withLock { generation in
            generation &+= 1
            return generation
        }
        Task.detached(priority: .background) { [self] in
            try? await Task.sleep(for: Self.delay)
            // Only the last large commit's task trims.
            guard armed.withLock({ $0 == generation }) else { return }
            Self.trim()
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
