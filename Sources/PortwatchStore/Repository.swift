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
        /// How many outbox records the batch wrote (0 on a follower and after a reload). The records
        /// themselves are read from the store: a storm's 50,000 payloads are not kept past its commit.
        public var outboxCount: Int
        /// The newest outbox sequence in the store after this batch.
        public var newestOutboxSequence: Int64
        /// The kinds of the documents the batch wrote or deleted (topology, fault events, maintenance…).
        public var documentKinds: Set<String> = []
        /// True when the repository reloaded its state from the store (after a commit whose outcome
        /// was unknown) instead of committing a batch: `changes` is empty, and anything may have changed.
        public var reloaded = false
    }

    private struct Pending: @unchecked Sendable {
        let operation: (inout ChangeSet) throws -> any Sendable
        /// Whether a throwing operation must be rolled back (run on a copy of the change set).
        let atomic: Bool
        let complete: @Sendable (Result<any Sendable, any Error>) -> Void
    }

    private struct WriterState {
        var queue: [Pending] = []
        var waiter: CheckedContinuation<Void, Never>?
        /// No new writes are accepted (graceful shutdown): the queue drains, then the writer returns.
        var stopped = false
        /// The store failed a commit and could not be read back yet: writes fail fast until it can.
        var unavailable = false
        /// Another replica is the writer: writes are refused (the HTTP layer forwards them) and the
        /// writer loop returns; memory follows the store through ``applyFollowed(_:rebuildingCorrelation:)``.
        var following = false
    }

    private struct Sequences {
        var outbox: Int64
        var audit: Int64
        var auditCause: Int64 = 0
        /// The change-log sequence of the last full load.
        var change: Int64 = 0
    }

    public let backend: any StoreBackend
    private let state: Mutex<ModelState>
    private let writer = Mutex(WriterState())
    /// Counts demotions: a writer's reload begun before one must not install its (older) snapshot
    /// over what the follower applied since.
    private let demotions = Atomic<Int>(0)
    /// Counts reloads begun: a reload installs its snapshot only if no reload began after it (one
    /// abandoned by a follower that stopped waiting for it must not install an older snapshot later).
    private let reloads = Atomic<Int>(0)
    private let sequences: Mutex<Sequences>
    private let observers = Mutex<[@Sendable (CommittedBatch) -> Void]>([])
    private let correlationLoader = Mutex<(@Sendable (ModelState) async throws -> CorrelationState)?>(nil)
    /// On a follower, what fault correlation has not caught up with (see ``applyFollowed(_:rebuildingCorrelation:)``).
    private let lagging = Mutex(CorrelationLag())

    /// What a follower's fault correlation lags behind: it is brought up to date only when a read
    /// needs it (``bringCorrelationUpToDate()``) or at takeover, not at each commit.
    private struct CorrelationLag {
        /// Every ``applyFollowed(_:rebuildingCorrelation:)`` counts one.
        var generation = 0
        /// The generation of the newest change to the fabric's documents not in the engine yet (0: none).
        var fabric = 0
        /// Ports applied since, whose attachments the engine has not seen, by generation.
        var ports: [String: Int] = [:]
    }
    private let derivation: PortStatusDerivation
    private let eventTypePrefix: String
    private let logger: Logger
    /// The most operations one transaction carries.
    public let maxBatchSize: Int

    /// Loads the state from `backend` (migrating its schema first). `eventTypePrefix` goes before the
    /// type of every event (see ``ChangeSet/eventTypePrefix``). A repository `following` another
    /// replica's writer refuses writes until ``promote()``.
    public init(
        backend: any StoreBackend, derivation: PortStatusDerivation = PortStatusDerivation(), maxBatchSize: Int = 512,
        eventTypePrefix: String = "", following: Bool = false, logger: Logger
    ) async throws {
        try await backend.migrate()
        let snapshot = try await backend.loadSnapshot()
        let securityGroups = try await Self.securityGroups(in: backend)
        self.backend = backend
        self.derivation = derivation
        self.eventTypePrefix = eventTypePrefix
        self.maxBatchSize = maxBatchSize
        self.logger = logger
        state = Mutex(ModelState(networks: snapshot.networks, ports: snapshot.ports, securityGroups: securityGroups))
        sequences = Mutex(Self.sequences(of: snapshot))
        writer.withLock { $0.following = following }
        logger.info(
            "state loaded",
            metadata: ["networks": "\(snapshot.networks.count)", "ports": "\(snapshot.ports.count)"])
    }

    /// The security groups stored as documents (``SecurityGroup/documentKind``).
    private static func securityGroups(in backend: any StoreBackend) async throws -> [SecurityGroup] {
        let decoder = JSONDecoder()
        return try await backend.documents(ofKind: SecurityGroup.documentKind).map {
            try decoder.decode(SecurityGroup.self, from: Data($0.body))
        }
    }

    private static func sequences(of snapshot: StoreSnapshot) -> Sequences {
        Sequences(
            outbox: snapshot.lastOutboxSequence, audit: snapshot.lastAuditSequence, auditCause: snapshot.lastAuditCause,
            change: snapshot.lastChange)
    }

    // MARK: Metrics

    static let batches = Counter(label: "portwatch_commit_batches_total")
    static let operations = Counter(label: "portwatch_commit_operations_total")
    static let failures = Counter(label: "portwatch_commit_failures_total")
    static let commitDuration = Metrics.Timer(label: "portwatch_commit_duration_seconds")
    static let outboxSequence = Gauge(label: "portwatch_outbox_sequence")

    // MARK: Reads

    /// Reads the committed state under a short lock; keep `body` cheap and copy out what you need.
    public func read<T>(_ body: (borrowing ModelState) throws -> T) rethrows -> T {
        try state.withLock { try body($0) }
    }

    /// A copy of the committed state (cheap: its collections are shared until written).
    public var committedState: ModelState { state.withLock { $0 } }

    public func port(_ id: String) -> PortwatchCore.Port? { state.withLock { $0.ports[id] } }

    public func network(_ id: String) -> Network? { state.withLock { $0.networks[id] } }

    /// The sequence of the newest outbox record, committed or being committed.
    public var lastOutboxSequence: Int64 { sequences.withLock { $0.outbox } }

    /// The change-log sequence of the state last loaded in full from the store (at start or by a
    /// reload); a follower replays the log from there.
    public var loadedChangeSequence: Int64 { sequences.withLock { $0.change } }

    /// Whether another replica is the writer (writes are refused here).
    public var isFollowing: Bool { writer.withLock { $0.following } }

    /// Writes waiting for the writer (for tests and metrics).
    public var queuedWrites: Int { writer.withLock { $0.queue.count } }

    /// Registers a callback run after every committed batch, on the writer (keep it quick).
    public func observeCommits(_ observer: @escaping @Sendable (CommittedBatch) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Installs fault correlation's state, built from this store before the writer runs, and how to
    /// build it again from the store when the repository must reload (see ``runWriter()``).
    public func installCorrelation(
        _ correlation: CorrelationState, rebuild: @escaping @Sendable (ModelState) async throws -> CorrelationState
    ) {
        state.withLock { $0.correlation = correlation }
        correlationLoader.withLock { $0 = rebuild }
    }

    // MARK: Writes

    /// Runs `operation` in the next group-commit batch and returns its result once durable.
    ///
    /// Errors thrown by `operation` (a ``NeutronError``) come back unchanged and roll back only this
    /// operation; a failure of the transaction itself fails every operation of the batch (503 while
    /// the repository is stopping or reloading, 500 otherwise, never with the store's error text).
    public func write<T: Sendable>(_ operation: @escaping (inout ChangeSet) throws -> T) async throws -> T {
        try await enqueue(atomic: true, operation)
    }

    /// Like ``write(_:)`` for an operation that throws only before it changes anything (it validates
    /// first): it runs on the batch's change set itself, without the copy that rolls back a failure.
    /// Fault correlation's steps use it, so that a storm does not copy the engine's state.
    public func writeValidatingFirst<T: Sendable>(_ operation: @escaping (inout ChangeSet) throws -> T) async throws
        -> T
    {
        try await enqueue(atomic: false, operation)
    }

    /// Like ``write(_:)``, for a caller that is not a task: `completion` gets the result once durable
    /// (or the error), on the writer's thread, so it must only hand the result on (the HTTP event
    /// loop's port updates use it, to skip a task per request).
    public func write<T: Sendable>(
        _ operation: @escaping (inout ChangeSet) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        submit(atomic: true, operation, completion: completion)
    }

    /// ``write(_:completion:)`` for an operation that throws only before it changes anything, run
    /// without the copy that rolls back a failure (see ``writeValidatingFirst(_:)``).
    public func writeValidatingFirst<T: Sendable>(
        _ operation: @escaping (inout ChangeSet) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        submit(atomic: false, operation, completion: completion)
    }

    private func submit<T: Sendable>(
        atomic: Bool, _ operation: @escaping (inout ChangeSet) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        submit(
            Pending(
                operation: { try operation(&$0) }, atomic: atomic, complete: { completion($0.map { $0 as! T }) }))
    }

    private func enqueue<T: Sendable>(atomic: Bool, _ operation: @escaping (inout ChangeSet) throws -> T) async throws
        -> T
    {
        let result = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<any Sendable, any Error>) in
            submit(
                Pending(
                    operation: { try operation(&$0) }, atomic: atomic,
                    complete: { continuation.resume(with: $0) }))
        }
        return result as! T
    }

    private func submit(_ pending: Pending) {
        let (waiter, refusal): (CheckedContinuation<Void, Never>?, NeutronError?) = writer.withLock { state in
            if state.stopped { return (nil, Self.shuttingDown) }
            if state.unavailable { return (nil, Self.unavailable) }
            if state.following { return (nil, Self.notWriter) }
            state.queue.append(pending)
            defer { state.waiter = nil }
            return (state.waiter, nil)
        }
        if let refusal { pending.complete(.failure(refusal)) }
        waiter?.resume()
    }

    static let shuttingDown = NeutronError(
        status: 503, type: "ServiceUnavailable", message: "Portwatch is shutting down.")
    static let unavailable = NeutronError(
        status: 503, type: "ServiceUnavailable", message: "The store is unavailable; try again shortly.")
    static let notWriter = NeutronError(
        status: 503, type: "ServiceUnavailable", message: "This replica is not the writer; try again shortly.")
    static let storeFailure = NeutronError(
        status: 500, type: "StoreError", message: "The change could not be stored; it may or may not have been applied."
    )
    static let notApplied = NeutronError(
        status: 503, type: "ServiceUnavailable",
        message: "The store is unavailable; the change was not applied. Try again shortly.")
    static let outcomeUnknown = NeutronError(
        status: 503, type: "ServiceUnavailable",
        message: "The store did not confirm the change; it may or may not have been applied. Read it back and retry.")

    /// What the operations of a batch whose commit failed are answered: 503 when the store says what
    /// is known of the outcome (``StoreCommitError``) or refused the commit before it began (a replica
    /// that is no longer the writer, a fenced commit: ``PostgresStoreError``), 500 for any other failure.
    static func refusal(forFailedCommit error: any Error) -> NeutronError {
        if error is PostgresStoreError { return notApplied }
        guard let failure = error as? StoreCommitError else { return storeFailure }
        return failure.outcome == .notApplied ? notApplied : outcomeUnknown
    }

    /// Stops accepting writes (they answer 503); the writer finishes the queued ones and returns.
    public func stopAccepting() {
        let waiter = writer.withLock { state in
            state.stopped = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
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

    /// The writer loop: run it as a service. It returns after ``stopAccepting()`` (or cancellation)
    /// once every queued write is committed, and at once after ``demote()``.
    ///
    /// A commit that fails is fail-stop for its batch: its outcome may be unknown (a PostgreSQL
    /// COMMIT whose reply was lost), so before the next write the writer reloads the state and the
    /// sequences from the store, rebuilds fault correlation from it, and reconciles the ports. A
    /// replica's store demotes it instead when the outcome is unknown (the reload must wait until the
    /// next takeover has settled the commit), and the loop returns.
    ///
    /// With a store that commits on the calling thread (SQLite), the loop runs on a thread of its own
    /// (``WriterThread``) and waits there for each commit (`PORTWATCH_WRITER_THREAD=0`: on Swift's
    /// threads, handing each commit to the store's).
    public func runWriter() async {
        guard let store = backend as? any CommitsOnCallingThread, Self.writerThreadEnabled else {
            return await runWriterLoop(waitingOn: nil)
        }
        let thread = WriterThread(name: "pw-writer")
        defer { thread.stop() }
        await withTaskExecutorPreference(thread) { await runWriterLoop(waitingOn: store) }
    }

    static let writerThreadEnabled = ProcessInfo.processInfo.environment["PORTWATCH_WRITER_THREAD"] != "0"

    /// `store`: the backend, when the loop runs on a ``WriterThread`` and waits for commits there.
    private func runWriterLoop(waitingOn store: (any CommitsOnCallingThread)?) async {
        await withTaskCancellationHandler {
            while true {
                let batch = await nextBatch()
                guard !batch.isEmpty else { return }
                if await !commit(batch, waitingOn: store) {
                    // A replica demoted by the failure (an unknown outcome) reloads as a follower.
                    guard !isFollowing, await reloadFromStore(waitingOn: store) else { return }
                }
            }
        } onCancel: {
            // A replica demoted before its writer is cancelled may be promoted again later.
            if !isFollowing { stopAccepting() }
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
                return state.stopped || state.following ? [] : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = writer.withLock { state in
                    if !state.queue.isEmpty || state.stopped || state.following { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Commits one batch; false when the store failed it.
    private func commit(_ batch: [Pending], waitingOn store: (any CommitsOnCallingThread)?) async -> Bool {
        let started = ContinuousClock.now
        var (results, commit, committed, correlation) = prepare(batch)
        if !commit.backgroundRows.isEmpty && !backend.writesRowsAsRendered { commit.fillInBackgroundRows() }
        let prepared = ContinuousClock.now
        do {
            if let store {
                try store.commitWaiting(commit)
            } else {
                try await backend.commit(commit)
            }
        } catch {
            Self.failures.increment()
            logger.error(
                "commit failed; reloading the state from the store before the next write",
                metadata: ["error": "\(error)", "operations": "\(batch.count)"])
            let refusal = Self.refusal(forFailedCommit: error)
            for pending in batch { pending.complete(.failure(refusal)) }
            return false
        }
        let stored = ContinuousClock.now
        state.withLock { $0.apply(committed.changes, correlation: correlation) }
        Self.batches.increment()
        Self.operations.increment(by: batch.count)
        Self.commitDuration.recordNanoseconds((stored - started).nanoseconds)
        Self.outboxSequence.record(committed.newestOutboxSequence)
        logger.debug(
            "batch committed",
            metadata: [
                "operations": "\(batch.count)", "ports": "\(committed.changes.ports.count)",
                "outbox": "\(committed.outboxCount)", "prepare": "\(prepared - started)",
                "store": "\(stored - prepared)", "apply": "\(ContinuousClock.now - stored)",
            ])
        notify(committed)
        for (pending, result) in zip(batch, results) { pending.complete(result) }
        return true
    }

    private func notify(_ batch: CommittedBatch) {
        for observer in observers.withLock({ $0 }) { observer(batch) }
    }

    /// Reloads everything from the store, retrying with backoff until it succeeds or the writer is
    /// stopped (then false). Writes queue behind the first attempt; once one failed (the store is
    /// down), queued and new writes fail fast with 503 until the store answers again.
    private func reloadFromStore(waitingOn store: (any CommitsOnCallingThread)?) async -> Bool {
        var delay = Duration.milliseconds(100)
        var attempt = 0
        while true {
            attempt += 1
            do {
                guard let model = try await reloadUnlessDemoted() else { return false }
                writer.withLock { $0.unavailable = false }
                // Held changes of the flap damper were lost with the old state: converge now.
                if model.correlation != nil, !isFollowing {
                    _ = await commit(
                        [
                            Pending(
                                operation: { $0.reconcileCorrelatedStates(now: Date()) }, atomic: false,
                                complete: { _ in })
                        ], waitingOn: store)
                }
                return true
            } catch {
                logger.error("could not reload the state from the store", metadata: ["error": "\(error)"])
            }
            let (queued, stopped) = writer.withLock { state in
                state.unavailable = true
                defer { state.queue.removeAll() }
                return (state.queue, state.stopped)
            }
            for pending in queued { pending.complete(.failure(Self.unavailable)) }
            if stopped || isFollowing { return false }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// The writer's reload after a failed commit: nil when the replica was demoted meanwhile. Waiting
    /// stops at the demotion (the follower reloads anyway), even while the store has not answered; the
    /// abandoned reload then installs nothing.
    private func reloadUnlessDemoted() async throws -> ModelState? {
        let demotionsAtStart = demotions.load(ordering: .acquiring)
        let outcome = Mutex<Result<ModelState, any Error>?>(nil)
        Task {
            let result: Result<ModelState, any Error>
            do {
                result = .success(try await self.reloadState(unlessDemotedSince: demotionsAtStart))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
        }
        while true {
            if let result = outcome.withLock({ $0 }) { return try result.get() }
            if isFollowing { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    // MARK: Replicas

    /// Becomes the writer (this replica won the election): reloads everything from the store (fault
    /// correlation rebuilt from it), then accepts writes. Run ``runWriter()`` after it.
    public func promote() async throws {
        try await reloadState()
        writer.withLock { state in
            state.following = false
            state.unavailable = false
            // A previous term's duties may have been shut down (one of them failed): accept again.
            state.stopped = false
        }
    }

    /// Stops being the writer at once: queued writes fail with 503, new ones are refused, and
    /// ``runWriter()`` returns after the batch in flight (whose commit the store's fence refuses).
    public func demote() {
        demotions.add(1, ordering: .releasing)
        let (queued, waiter) = writer.withLock { state in
            state.following = true
            defer {
                state.queue.removeAll()
                state.waiter = nil
            }
            return (state.queue, state.waiter)
        }
        for pending in queued { pending.complete(.failure(Self.notWriter)) }
        waiter?.resume()
    }

    /// Applies what the writer committed, as the store's change log names it (a follower's replay):
    /// memory follows the store. A truncated batch reloads everything. Fault correlation is not
    /// touched: the stored rows carry its verdicts, and a follower needs the engine only for the reads
    /// that show it (``bringCorrelationUpToDate()``) and at takeover (which rebuilds it anyway);
    /// `rebuildingCorrelation` (the batch touched the fabric's documents) marks it for a rebuild from
    /// the store, otherwise the ports' attachments are caught up when needed.
    public func applyFollowed(_ batch: ChangeLogBatch, rebuildingCorrelation: Bool) async throws {
        if batch.truncated {
            try await reloadState(rebuildingCorrelation: false)
            return
        }
        let decoder = JSONDecoder()
        var groups: [(String, SecurityGroup?)] = []
        for document in batch.documents where document.kind == SecurityGroup.documentKind {
            groups.append(
                (document.id, try document.body.map { try decoder.decode(SecurityGroup.self, from: Data($0)) }))
        }
        state.withLock { model in
            for (id, group) in groups {
                if let group { model.put(group) } else { model.removeSecurityGroup(id) }
            }
            for (id, network) in batch.networks {
                if let network { model.put(network) } else { model.removeNetwork(id) }
            }
            for (id, port) in batch.ports {
                if let port { model.put(port) } else { model.removePort(id) }
            }
            // A state row without its port here is one deleted since (its deletion comes in full).
            for (id, state) in batch.portStates {
                guard let state, var port = model.ports[id] else { continue }
                state.apply(to: &port)
                model.put(port)
            }
            lagging.withLock { lag in
                lag.generation += 1
                if rebuildingCorrelation { lag.fabric = lag.generation }
                for (id, _) in batch.ports { lag.ports[id] = lag.generation }
                for (id, _) in batch.portStates { lag.ports[id] = lag.generation }
            }
        }
        notify(
            CommittedBatch(
                changes: ChangeSet.Changes(), outboxCount: 0, newestOutboxSequence: batch.newestOutbox,
                documentKinds: batch.documentKinds))
    }

    /// Whether fault correlation lags behind the applied rows (a follower after a fabric change or a
    /// port write; never on the writer).
    public var correlationLags: Bool {
        lagging.withLock { $0.fabric > 0 || !$0.ports.isEmpty }
    }

    /// Brings a follower's fault correlation up to date with what it applied: rebuilt from the store
    /// after a change to the fabric's documents, else the written ports' attachments updated. Reads
    /// that show the engine's state (topology, maintenance, faults, assessments) call it first; it
    /// costs nothing when nothing lags, and a storm of commits costs one rebuild at the next such read.
    public func bringCorrelationUpToDate() async throws {
        let (generation, fabric) = lagging.withLock { ($0.generation, $0.fabric) }
        if fabric > 0, let rebuild = correlationLoader.withLock({ $0 }) {
            let correlation = try await rebuild(committedState)
            state.withLock { model in
                lagging.withLock { lag in
                    // The rebuild read the ports and the store as of `generation` at least.
                    if lag.fabric <= generation { lag.fabric = 0 }
                    lag.ports = lag.ports.filter { $0.value > generation }
                }
                model.correlation = correlation
            }
        }
        let now = Date()
        state.withLock { model in
            let ports = lagging.withLock { lag -> [String] in
                guard lag.fabric == 0 else { return [] }
                defer { lag.ports = [:] }
                return Array(lag.ports.keys)
            }
            guard !ports.isEmpty, var correlation = model.correlation else { return }
            for id in ports {
                if let port = model.ports[id] {
                    _ = correlation.engine.upsertAttachment(
                        PortAttachment(port: port, network: model.networks[port.networkID]), now: now)
                } else {
                    _ = correlation.engine.removeAttachment(portID: id)
                }
            }
            model.correlation = correlation
        }
    }

    /// Replaces the in-memory state, the sequences and fault correlation with what the store holds now,
    /// and tells the observers (a batch with `reloaded` set). Returns the new state. Without
    /// `rebuildingCorrelation` (a follower), the engine is kept and marked for a rebuild when a read
    /// needs it.
    @discardableResult
    public func reloadState(rebuildingCorrelation: Bool = true) async throws -> ModelState {
        try await reloadState(rebuildingCorrelation: rebuildingCorrelation, unlessDemotedSince: nil)
    }

    /// ``reloadState(rebuildingCorrelation:)``; with `demotionsAtStart`, the snapshot is installed only
    /// if no demotion happened since that count was read (otherwise it throws `CancellationError` and
    /// changes nothing). Nor is it installed when another reload began after this one.
    private func reloadState(
        rebuildingCorrelation: Bool = true, unlessDemotedSince demotionsAtStart: Int?
    ) async throws -> ModelState {
        let ticket = reloads.add(1, ordering: .acquiringAndReleasing).newValue
        let snapshot = try await backend.loadSnapshot()
        let version = state.withLock { $0.portMembershipVersion }
        var model = ModelState(
            networks: snapshot.networks, ports: snapshot.ports,
            securityGroups: try await Self.securityGroups(in: backend), membershipVersionAfter: version)
        let rebuild = correlationLoader.withLock { $0 }
        if rebuildingCorrelation, let rebuild { model.correlation = try await rebuild(model) }
        let installed = state.withLock { current in
            // Checked under the state's lock: a follower's reload, begun after the demotion, installs later.
            if let demotionsAtStart, demotions.load(ordering: .acquiring) != demotionsAtStart { return false }
            // A later reload (begun after this one was given up) installs instead.
            if reloads.load(ordering: .acquiring) != ticket { return false }
            if !rebuildingCorrelation { model.correlation = current.correlation }
            lagging.withLock { lag in
                lag.generation += 1
                lag.fabric = rebuildingCorrelation || rebuild == nil ? 0 : lag.generation
                lag.ports = [:]
            }
            current = model
            sequences.withLock { $0 = Self.sequences(of: snapshot) }
            return true
        }
        guard installed else { throw CancellationError() }
        logger.notice(
            "state reloaded from the store",
            metadata: ["ports": "\(snapshot.ports.count)", "outbox": "\(snapshot.lastOutboxSequence)"])
        notify(
            CommittedBatch(
                changes: ChangeSet.Changes(), outboxCount: 0, newestOutboxSequence: snapshot.lastOutboxSequence,
                reloaded: true))
        return model
    }

    /// Runs the batch's operations against one change set and turns it into a store commit.
    private func prepare(_ batch: [Pending]) -> (
        [Result<any Sendable, any Error>], StoreCommit, CommittedBatch, CorrelationState?
    ) {
        var changeSet = ChangeSet(base: state.withLock { $0 }, now: Date(), derivation: derivation)
        changeSet.eventTypePrefix = eventTypePrefix
        var results: [Result<any Sendable, any Error>] = []
        results.reserveCapacity(batch.count)
        for pending in batch {
            do {
                if pending.atomic {
                    results.append(.success(try changeSet.atomically { try pending.operation(&$0) }))
                } else {
                    results.append(.success(try pending.operation(&changeSet)))
                }
            } catch {
                results.append(.failure(error))
            }
        }
        changeSet.correlateWrittenPorts(now: Date())
        var commit = StoreCommit()
        commit.networks = changeSet.changes.networks.map { ($0.0, $0.1) }
        let stateOnly = changeSet.changes.stateOnlyPorts
        if stateOnly.count == changeSet.changes.ports.count {
            // Only states (a storm): every entry is one, and none is a deletion.
            commit.portStates = changeSet.changes.ports.compactMap(\.1)
        } else {
            for (id, port) in changeSet.changes.ports {
                if let port, stateOnly.contains(id) {
                    commit.portStates.append(port)
                } else {
                    commit.ports.append((id, port))
                }
            }
        }
        commit.documents = changeSet.documents
        let encoder = JSONEncoder()
        for (id, group) in changeSet.changes.securityGroups {
            // Encoding a value type of strings, numbers and dates cannot fail.
            let body = group.map { try! Array(encoder.encode($0)) }
            commit.documents.append((SecurityGroup.documentKind, id, body))
        }
        commit.cursors = changeSet.cursors.map { ($0.key, $0.value) }
        commit.pruneOutboxThrough = changeSet.pruneOutboxThrough
        commit.backgroundRows = changeSet.backgroundRows
        let events = changeSet.events
        let auditLines = changeSet.audit
        let causes = changeSet.auditCauses
        // Sequences advance in memory only; after a failed commit they are reloaded from the store.
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
        let batch = CommittedBatch(
            changes: changeSet.changes, outboxCount: events.count,
            newestOutboxSequence: outboxStart + Int64(events.count),
            documentKinds: Set(changeSet.documents.map(\.kind)))
        return (results, commit, batch, changeSet.correlation)
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
