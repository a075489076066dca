import PortwatchStore
import Synchronization

/// Counts the commits that changed the fabric's state (faults, maintenance, topology: the documents of
/// `kinds`) and wakes the live streams that follow it, so that a console redraws the fabric when it
/// changes instead of polling. The revision lives in memory only: a stream compares it with the one
/// it last sent.
public final class FabricChangeSignal: Sendable {
    /// Reused for its waiting: committed "sequences" here are fabric revisions.
    let signal = OutboxSignal()
    private let revision = Mutex<Int64>(0)

    /// Creates a signal fed by `repository`'s commits that write a document of one of `kinds` (and by
    /// reloads, after which anything may have changed).
    public init(repository: Repository, kinds: Set<String>) {
        repository.observeCommits { [weak self] batch in
            guard batch.reloaded || !batch.documentKinds.isDisjoint(with: kinds) else { return }
            self?.bump()
        }
    }

    /// Creates a signal fed only by ``bump()`` (tests).
    public init() {}

    /// The number of fabric changes committed since the server started.
    public var current: Int64 { revision.withLock { $0 } }

    /// Records one more fabric change and wakes the waiters.
    public func bump() {
        let next = revision.withLock { value in
            value += 1
            return value
        }
        signal.committed(through: next)
    }

    /// Waits until the revision is newer than `revision`; `false` when cancelled.
    func wait(after revision: Int64) async -> Bool { await signal.wait(after: revision) }
}
