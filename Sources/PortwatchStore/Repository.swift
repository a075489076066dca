import Foundation
import Logging
import Metrics
import PortwatchCore
import Synchronization

/// The state of record: serves reads from memory and funnels every write through one writer that
/// commits concurrent writes in one transaction (group commit).
///
/// A write is acknowledged only after its transaction is durable; the in-memory state changes only
/// after that commit, so readers never see a write that could still be lost. Operations run one after
/// another on a ``ChangeSet``: each sees the writes of the operations before it in the batch, and a
/// failing operation leaves no trace (Neutron's atomic bulk create relies on that).
public final class Repository: Sendable {
    /// What one committed batch changed, for observers such as fault correlation and the live stream.
    public struct CommittedBatch: Sendable {
        public var changes: ChangeSet.Changes
        public var outbox: [OutboxRecord]
    }

    private struct Pending: @unchecked Sendable {
        let operation: (inout ChangeSet) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct WriterState {
        var queue: [Pending] = []
        var waiter: CheckedContinuation<Void, Never>?
        var stopped = false
    }

    private struct Sequences {
        var outbox: Int64
        var audit: Int64
        var auditCause: Int64 = 0
    }

    public let backend: any StoreBackend
    private let state: Mutex<ModelState>
    private let writer = Mutex(WriterState())
    private let sequences: Mutex<Sequences>
    private let observers = Mutex<[@Sendable (CommittedBatch) -> Void]>([])
    private let derivation: PortStatusDerivation
    private let logger: Logger
    /// The most operations one transaction carries.
    public let maxBatchSize: Int

    /// Loads the state from `backend` (migrating its schema first).
    public init(
        backend: any StoreBackend, derivation: PortStatusDerivation = PortStatusDerivation(), maxBatchSize: Int = 512,
        logger: Logger
    ) async throws {
        try await backend.migrate()
        let snapshot = try await backend.loadSnapshot()
        self.backend = backend
        self.derivation = derivation
        self.maxBatchSize = maxBatchSize
        self.logger = logger
        state = Mutex(ModelState(networks: snapshot.networks, ports: snapshot.ports))
        sequences = Mutex(
            Sequences(
                outbox: snapshot.lastOutboxSequence, audit: snapshot.lastAuditSequence,
                auditCause: snapshot.lastAuditCause))
        logger.info(
            "state loaded",
            metadata: ["networks": "\(snapshot.networks.count)", "ports": "\(snapshot.ports.count)"])
    }

    // MARK: Metrics

    static let batches = Counter(label: "portwatch_commit_batches_total")
    static let operations = Counter(label: "portwatch_commit_operations_total")
    static let commitDuration = Metrics.Timer(label: "portwatch_commit_duration_seconds")
    static let outboxSequence = Gauge(label: "portwatch_outbox_sequence")

    // MARK: Reads

    /// Reads the committed state under a short lock; keep `body` cheap and copy out what you need.
    public func read<T>(_ body: (borrowing ModelState) throws -> T) rethrows -> T {
        try state.withLock { try body($0) }
    }

    public func port(_ id: String) -> PortwatchCore.Port? { state.withLock { $0.ports[id] } }

    public func network(_ id: String) -> Network? { state.withLock { $0.networks[id] } }

    /// The sequence of the newest committed outbox record.
    public var lastOutboxSequence: Int64 { sequences.withLock { $0.outbox } }

    /// Registers a callback run after every committed batch, on the writer (keep it quick).
    public func observeCommits(_ observer: @escaping @Sendable (CommittedBatch) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    // MARK: Writes

    /// Runs `operation` in the next group-commit batch and returns its result once durable.
    ///
    /// Errors thrown by `operation` (a ``NeutronError``) come back unchanged and roll back only this
    /// operation; a failure of the transaction itself fails every operation of the batch.
    public func write<T: Sendable>(_ operation: @escaping (inout ChangeSet) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<any Sendable, any Error>) in
            let pending = Pending(operation: { try operation(&$0) }, continuation: continuation)
            let (waiter, stopped): (CheckedContinuation<Void, Never>?, Bool) = writer.withLock { state in
                if state.stopped { return (nil, true) }
                state.queue.append(pending)
                defer { state.waiter = nil }
                return (state.waiter, false)
            }
            if stopped {
                continuation.resume(
                    throwing: NeutronError(
                        status: 503, type: "ServiceUnavailable", message: "Portwatch is shutting down."))
            }
            waiter?.resume()
        }
        return result as! T
    }

    /// Checkpoints the store every `interval` until cancelled (SQLite's WAL stays small without
    /// stalling commits).
    public func runCheckpoints(every interval: Duration = .milliseconds(500)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await backend.checkpoint()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The writer loop: run it as a service until cancelled; queued writes are finished first.
    public func runWriter() async {
        while true {
            let batch = await nextBatch()
            guard !batch.isEmpty else { return }
            await commit(batch)
        }
    }

    private func nextBatch() async -> [Pending] {
        while true {
            let taken: [Pending]? = writer.withLock { state in
                if !state.queue.isEmpty {
                    let count = min(state.queue.count, maxBatchSize)
                    let batch = Array(state.queue.prefix(count))
                    state.queue.removeFirst(count)
                    return batch
                }
                return state.stopped ? [] : nil
            }
            if let taken { return taken }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = writer.withLock { state in
                        if !state.queue.isEmpty || state.stopped { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = writer.withLock { state in
                    state.stopped = true
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }

    private func commit(_ batch: [Pending]) async {
        let started = ContinuousClock.now
        let (results, commit, committed) = prepare(batch)
        let prepared = ContinuousClock.now
        do {
            try await backend.commit(commit)
        } catch {
            logger.error("commit failed", metadata: ["error": "\(error)", "operations": "\(batch.count)"])
            sequences.withLock {
                $0.outbox -= Int64(commit.outbox.count)
                $0.audit -= Int64(commit.audit.count)
                $0.auditCause -= Int64(commit.auditCauses.count)
            }
            let failure = NeutronError(
                status: 500, type: "StoreError", message: "The change could not be stored: \(error)")
            for pending in batch { pending.continuation.resume(throwing: failure) }
            return
        }
        let stored = ContinuousClock.now
        state.withLock { $0.apply(committed.changes) }
        Self.batches.increment()
        Self.operations.increment(by: batch.count)
        Self.commitDuration.recordNanoseconds((stored - started).nanoseconds)
        Self.outboxSequence.record(committed.outbox.last?.sequence ?? lastOutboxSequence)
        logger.debug(
            "batch committed",
            metadata: [
                "operations": "\(batch.count)", "ports": "\(committed.changes.ports.count)",
                "outbox": "\(committed.outbox.count)", "prepare": "\(prepared - started)",
                "store": "\(stored - prepared)", "apply": "\(ContinuousClock.now - stored)",
            ])
        for observer in observers.withLock({ $0 }) { observer(committed) }
        for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
    }

    /// Runs the batch's operations against one change set and turns it into a store commit.
    private func prepare(_ batch: [Pending]) -> ([Result<any Sendable, any Error>], StoreCommit, CommittedBatch) {
        var changeSet = ChangeSet(base: state.withLock { $0 }, now: Date(), derivation: derivation)
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(batch.count)
        for pending in batch {
            do {
                results.append(.success(try changeSet.atomically { try pending.operation(&$0) }))
            } catch {
                results.append(.failure(error))
            }
        }
        var commit = StoreCommit()
        commit.networks = changeSet.changes.networks.map { ($0.0, $0.1) }
        let stateOnly = changeSet.changes.stateOnlyPorts
        for (id, port) in changeSet.changes.ports {
            if let port, stateOnly.contains(id) {
                commit.portStates.append(port)
            } else {
                commit.ports.append((id, port))
            }
        }
        commit.documents = changeSet.documents
        let events = changeSet.events
        let auditLines = changeSet.audit
        let causes = changeSet.auditCauses
        let (outboxStart, auditStart, causeStart) = sequences.withLock { state in
            defer {
                state.outbox += Int64(events.count)
                state.audit += Int64(auditLines.count)
                state.auditCause += Int64(causes.count)
            }
            return (state.outbox, state.audit, state.auditCause)
        }
        commit.auditCauses = causes.enumerated().map { (causeStart + 1 + Int64($0.offset), $0.element) }
        commit.outbox = events.enumerated().map {
            OutboxRecord(sequence: outboxStart + 1 + Int64($0.offset), event: $0.element)
        }
        commit.audit = auditLines.enumerated().map {
            AuditEntry(
                sequence: auditStart + 1 + Int64($0.offset), subject: $0.element.subject,
                occurredAt: changeSet.now.timeIntervalSince1970, body: $0.element.body,
                causeID: $0.element.cause.map { causeStart + 1 + Int64($0) })
        }
        return (results, commit, CommittedBatch(changes: changeSet.changes, outbox: commit.outbox))
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
