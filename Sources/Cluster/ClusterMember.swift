import Foundation
import Logging
import Metrics
import PortwatchStore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// One replica of a Portwatch cluster on one PostgreSQL database: it follows the elected writer
/// and competes to become it.
///
/// A follower reads the change log from the last sequence it applied (every
/// ``ClusterSettings/followInterval``) and reloads the rows it names, so its memory follows the store;
/// every ``ClusterSettings/electionInterval`` it tries `pg_try_advisory_lock` on a session of its own.
/// The replica that gets the lock takes over: it bumps the epoch that fences every commit, reloads
/// everything from the store, and runs the writer's duties (``init(settings:store:repository:fabricDocumentKinds:followedDocumentKinds:logger:onFollowed:duties:)``:
/// group commit, correlation, notification delivery, retention) in a service group of their own.
/// When its lock session fails (or a commit finds another epoch), it stops being the writer at once:
/// the repository refuses writes, the store refuses commits, the duties are cancelled, and it becomes
/// a follower again, reloading from the store.
public final class ClusterMember: Service, Sendable {
    /// What this replica is.
    public enum Role: String, Sendable {
        case follower, writer
    }

    private struct State {
        var role = Role.follower
        var applied: Int64
        var needsReload = false
        var writerName: String?
        var writerURL: String?
        var epoch: Int64 = 0
        var lastContact: ContinuousClock.Instant?
        var fenceLost = false
    }

    public let settings: ClusterSettings
    public let store: PostgresStore
    public let repository: Repository
    let fabricDocumentKinds: Set<String>
    let followedDocumentKinds: Set<String>
    let onFollowed: @Sendable (ChangeLogBatch) async -> Void
    let duties: @Sendable () -> [any Service]
    let logger: Logger
    private let state: Mutex<State>
    /// Wakes the follower's loop early: a NOTIFY of a commit, or a forwarded write waiting for it.
    private let doorbell = Doorbell()
    /// Forwarded writes waiting for this replica to apply their commit.
    private let appliedWaiters: AppliedSequenceWaiters

    /// - Parameters:
    ///   - fabricDocumentKinds: documents whose change rebuilds fault correlation on a follower.
    ///   - followedDocumentKinds: documents whose bodies a follower reloads (security groups).
    ///   - onFollowed: runs after a follower applied a batch (e.g. reload the webhook registry).
    ///   - duties: makes the writer's services, afresh at each election won.
    public init(
        settings: ClusterSettings, store: PostgresStore, repository: Repository, fabricDocumentKinds: Set<String>,
        followedDocumentKinds: Set<String>, logger: Logger,
        onFollowed: @escaping @Sendable (ChangeLogBatch) async -> Void = { _ in },
        duties: @escaping @Sendable () -> [any Service]
    ) {
        self.settings = settings
        self.store = store
        self.repository = repository
        self.fabricDocumentKinds = fabricDocumentKinds
        self.followedDocumentKinds = followedDocumentKinds
        self.onFollowed = onFollowed
        self.duties = duties
        self.logger = logger
        state = Mutex(State(applied: repository.loadedChangeSequence))
        appliedWaiters = AppliedSequenceWaiters(applied: repository.loadedChangeSequence)
        store.refuseCommits()
        // The writer's own commits move its applied sequence too.
        repository.observeCommits { [weak self] _ in self?.announceApplied() }
    }

    // MARK: What it knows

    /// Whether this replica is the writer or a follower.
    public var role: Role { state.withLock { $0.role } }

    /// The newest change-log sequence whose commit this replica's memory reflects.
    public var appliedSequence: Int64 {
        let (role, applied) = state.withLock { ($0.role, $0.applied) }
        return role == .writer ? max(applied, store.newestCommittedChange) : applied
    }

    /// The writer's advertised URL, as last read from the database (nil when none is known).
    public var writerURL: String? { state.withLock { $0.role == .writer ? settings.advertiseURL : $0.writerURL } }

    /// The writer's replica name, as last read from the database.
    public var writerName: String? { state.withLock { $0.role == .writer ? settings.replicaName : $0.writerName } }

    /// How long ago this replica last read the database successfully (nil: never).
    public var sinceLastContact: Duration? { state.withLock { $0.lastContact.map { ContinuousClock.now - $0 } } }

    /// Whether a load balancer should send requests here: the database was read within
    /// ``ClusterSettings/readyStaleness`` (so this replica is caught up within about that bound).
    public var isReady: Bool { sinceLastContact.map { $0 <= settings.readyStaleness } ?? false }

    /// Waits until this replica has applied the change log through `sequence`; false after `timeout`
    /// (or when cancelled). The wait is woken by the apply itself, not by polling.
    public func waitUntilApplied(_ sequence: Int64, timeout: Duration) async -> Bool {
        if appliedSequence >= sequence { return true }
        // The follower reads the log now rather than at its next round.
        doorbell.ring()
        return await appliedWaiters.wait(for: sequence, timeout: timeout)
    }

    /// Forwarded writes waiting now (for tests and metrics).
    public var waitingForApply: Int { appliedWaiters.count }

    /// Wakes the forwarded writes that ``appliedSequence`` now covers.
    private func announceApplied() {
        appliedWaiters.advance(to: appliedSequence)
    }

    private func contact() {
        state.withLock { $0.lastContact = .now }
    }

    // MARK: Running

    /// Follows, competes, and serves as writer when elected, until graceful shutdown (a writer drains
    /// its duties first, then releases the lock).
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.runHeartbeats() }
            group.addTask { await self.runListener() }
            await self.runElectionAndFollow()
            group.cancelAll()
        }
    }

    private func runHeartbeats() async {
        while !Task.isCancelled {
            do {
                try await store.heartbeat(
                    replica: settings.replicaName, url: settings.advertiseURL, applied: appliedSequence)
                if role == .writer { contact() }
            } catch {
                logger.debug("heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.heartbeatInterval)
        }
    }

    private func runElectionAndFollow() async {
        var session: PostgresConnection?
        var lastElection = ContinuousClock.now - settings.electionInterval
        var failures = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            // One session of its own reads the log and competes: the pool's connection attempts back
            // off for up to a minute after an outage, this session reconnects at the next round.
            if session == nil || session?.isClosed == true {
                session.map(Self.discard)
                do {
                    session = try await store.openSession(id: 1, idleTimeout: settings.sessionIdleTimeout)
                } catch {
                    session = nil
                    logger.debug("no session to the database", metadata: ["error": "\(error)"])
                }
            }
            if let held = session, await !followOnce(on: held) {
                Self.discard(held)
                session = nil
            }
            if ContinuousClock.now - lastElection >= settings.electionInterval {
                lastElection = .now
                do {
                    guard let held = session else { throw PostgresStoreError("no session to the database") }
                    // A query on a session whose peer went away may never complete: bound it.
                    let store = store
                    switch await Self.withDeadline(
                        settings.lockCheckTimeout, { try await store.tryWriterLock(on: held) })
                    {
                    case .success(true):
                        await serveAsWriter(on: held)
                        Self.discard(held)
                        session = nil
                        continue
                    case .success(false):
                        failures = 0
                    case .failure(let error):
                        throw error
                    case nil:
                        throw PostgresStoreError("the election's session did not answer")
                    }
                } catch {
                    failures += 1
                    if failures == 1 || failures % 20 == 0 {
                        logger.warning("cannot compete for the writer lock", metadata: ["error": "\(error)"])
                    }
                    session.map(Self.discard)
                    session = nil
                }
            }
            await doorbell.nap(upTo: settings.followInterval)
        }
        session.map(Self.discard)
    }

    /// Closes `session` without waiting (see ``PostgresStore/closeWithoutWaiting(_:)``).
    static func discard(_ session: PostgresConnection) {
        PostgresStore.closeWithoutWaiting(session)
    }

    /// LISTENs to the commits' NOTIFY on a session of its own and rings the follower's doorbell at
    /// each; the log is read anyway every ``ClusterSettings/followInterval``, so a lost session or a
    /// missed notification costs latency only.
    private func runListener() async {
        while !Task.isCancelled {
            do {
                let session = try await store.openSession(id: 2)
                do {
                    // Closing the session is what ends the notifications' sequence.
                    try await withTaskCancellationHandler {
                        try await session.listen(on: PostgresStore.changeChannel) { notifications in
                            for try await _ in notifications { doorbell.ring() }
                        }
                    } onCancel: {
                        Self.discard(session)
                    }
                } catch {
                    logger.debug("listening for commits failed", metadata: ["error": "\(error)"])
                }
                Self.discard(session)
            } catch {
                logger.debug("cannot listen for commits", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One pass of a follower on `session`: reload when needed, apply the change log, read who the
    /// writer is. False when the session failed or did not answer in time.
    private func followOnce(on session: PostgresConnection) async -> Bool {
        guard role == .follower else { return true }
        do {
            if state.withLock({ $0.needsReload }) {
                let repository = repository
                switch await Self.withDeadline(
                    settings.reloadTimeout,
                    {
                        _ = try await repository.reloadState(rebuildingCorrelation: false)
                    })
                {
                case .success: break
                case .failure(let error): throw error
                case nil:
                    logger.warning(
                        "a reload from the store did not finish in time; starting another",
                        metadata: ["timeout": "\(settings.reloadTimeout)"])
                    throw PostgresStoreError("the reload did not finish within \(settings.reloadTimeout)")
                }
                await onFollowed(ChangeLogBatch(through: 0, truncated: true))
                state.withLock { state in
                    state.applied = repository.loadedChangeSequence
                    state.needsReload = false
                }
                announceApplied()
            }
            let applied = state.withLock { $0.applied }
            let (store, kinds) = (store, followedDocumentKinds)
            let started = ContinuousClock.now
            let read = await Self.withDeadline(settings.lockCheckTimeout) {
                try await store.follow(after: applied, documentKinds: kinds, on: session)
            }
            guard let read else { throw PostgresStoreError("the change log was not read in time") }
            let (batch, writer) = try read.get()
            if batch.truncated || batch.through > applied {
                let readDone = ContinuousClock.now
                try await repository.applyFollowed(
                    batch, rebuildingCorrelation: !batch.documentKinds.isDisjoint(with: fabricDocumentKinds))
                await onFollowed(batch)
                let through = batch.truncated ? repository.loadedChangeSequence : batch.through
                state.withLock { $0.applied = through }
                announceApplied()
                Self.appliedGauge.record(through)
                if logger.logLevel <= .debug {
                    logger.debug(
                        "change log applied",
                        metadata: [
                            "through": "\(through)", "commits": "\(through - applied)",
                            "read": "\(readDone - started)", "apply": "\(ContinuousClock.now - readDone)",
                        ])
                }
            }
            state.withLock { state in
                (state.epoch, state.writerName, state.writerURL) = (writer.epoch, writer.name, writer.url)
                state.lastContact = .now
            }
            return true
        } catch {
            logger.debug("following the change log failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Takes over and runs the writer's duties until the lock session fails, a commit is fenced, or
    /// graceful shutdown; then stops being the writer.
    private func serveAsWriter(on session: PostgresConnection) async {
        do {
            let epoch = try await store.takeOver(as: settings.replicaName, on: session)
            store.fence(epoch: epoch) { [weak self] in self?.fenceWasLost() }
            try await store.heartbeat(
                replica: settings.replicaName, url: settings.advertiseURL, applied: appliedSequence)
            // The reload may outlast the server's patience with an idle election session.
            try await keepingAlive(session) {
                try await self.repository.promote()
                await self.onFollowed(ChangeLogBatch(through: 0, truncated: true))
            }
            state.withLock { state in
                state.role = .writer
                state.epoch = epoch
                state.applied = repository.loadedChangeSequence
                state.fenceLost = false
                state.lastContact = .now
            }
            announceApplied()
            Self.writerGauge.record(1)
            Self.epochGauge.record(epoch)
            logger.notice("elected writer", metadata: ["epoch": "\(epoch)", "replica": "\(settings.replicaName)"])
        } catch {
            logger.error("takeover failed", metadata: ["error": "\(error)"])
            stepDown()
            return
        }
        let group = ServiceGroup(
            configuration: .init(services: duties().map { .init(service: $0) }, logger: logger))
        let logger = logger
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                await withGracefulShutdownHandler {
                    do {
                        try await group.run()
                    } catch {
                        logger.error("the writer's duties failed", metadata: ["error": "\(error)"])
                    }
                } onGracefulShutdown: {
                    Task { await group.triggerGracefulShutdown() }
                }
            }
            tasks.addTask { await self.watchLock(session) }
            await tasks.next()
            // Lost (or the duties ended): refuse writes before anything else stops.
            stepDown()
            tasks.cancelAll()
            // Following resumes once every duty has stopped; say so if one is slow to.
            let watchdog = Task {
                var waited = Duration.zero
                while true {
                    try await Task.sleep(for: .seconds(10))
                    waited += .seconds(10)
                    logger.warning("the writer's duties have not stopped yet", metadata: ["waited": "\(waited)"])
                }
            }
            await tasks.waitForAll()
            watchdog.cancel()
        }
        logger.notice("no longer the writer", metadata: ["replica": "\(settings.replicaName)"])
    }

    /// Runs `body` while `session` is queried every ``ClusterSettings/lockCheckInterval``: the server
    /// ends an election session idle for ``ClusterSettings/sessionIdleTimeout`` (and with it the lock),
    /// and a takeover's reload of a large store may take a while.
    private func keepingAlive(
        _ session: PostgresConnection, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.settings.lockCheckInterval)
                    guard !Task.isCancelled else { return }
                    _ = await self.answers(session)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func stepDown() {
        store.refuseCommits()
        repository.demote()
        state.withLock { state in
            state.role = .follower
            state.needsReload = true
            // Who writes next is read from the database again.
            state.writerName = nil
            state.writerURL = nil
        }
        Self.writerGauge.record(0)
    }

    private func fenceWasLost() {
        logger.critical("a commit was fenced or its outcome is unknown: stepping down until a takeover settles it")
        state.withLock { $0.fenceLost = true }
        repository.demote()
    }

    /// Returns when the lock session stops answering (or a commit was fenced), or when cancelled.
    private func watchLock(_ session: PostgresConnection) async {
        while !Task.isCancelled {
            if state.withLock({ $0.fenceLost }) { return }
            try? await Task.sleep(for: settings.lockCheckInterval)
            guard !Task.isCancelled else { return }
            guard await answers(session) else {
                if !Task.isCancelled { logger.critical("the writer lock's session failed: stepping down") }
                return
            }
            contact()
        }
    }

    /// Whether `session` answers a query within ``ClusterSettings/lockCheckTimeout``.
    private func answers(_ session: PostgresConnection) async -> Bool {
        guard !session.isClosed else { return false }
        let logger = logger
        let answer = await Self.withDeadline(settings.lockCheckTimeout) {
            // The rows, not the call, say whether the session answered.
            for try await _ in try await session.query("SELECT 1", logger: logger) {}
        }
        if case .success = answer { return true }
        return false
    }

    /// Runs `body` in a task of its own and returns its outcome, or nil after `timeout`.
    ///
    /// The task is not awaited past the deadline: a query on a session whose peer went away may never
    /// complete, and a verdict must not wait for it.
    static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error>? {
        let outcome = Mutex<CheckedContinuation<Result<T, any Error>?, Never>?>(nil)
        let decide: @Sendable (Result<T, any Error>?) -> Void = { result in
            outcome.withLock { continuation in
                continuation?.resume(returning: result)
                continuation = nil
            }
        }
        return await withCheckedContinuation { continuation in
            outcome.withLock { $0 = continuation }
            // The timer ends with the body: a follower runs hundreds of passes a second under a write
            // load, and each left a task asleep for the whole timeout.
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                decide(nil)
            }
            Task {
                do {
                    decide(.success(try await body()))
                } catch {
                    decide(.failure(error))
                }
                timer.cancel()
            }
        }
    }

    // MARK: Metrics

    static let writerGauge = Gauge(label: "portwatch_cluster_is_writer")
    static let epochGauge = Gauge(label: "portwatch_cluster_epoch")
    static let appliedGauge = Gauge(label: "portwatch_cluster_applied_change")
}
