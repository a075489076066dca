import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Replicas on one database: the fence of the elected writer's commits, the takeover that moves the
/// fence, and the replicas' heartbeats.
///
/// The writer is whoever holds the session-level advisory lock ``writerLockKey`` (the `Cluster`
/// module's election). Holding the lock is not enough to write safely: a replica whose lock session
/// died (a partition, a killed backend) may still have commits in flight. So a new writer bumps the
/// epoch in the `cluster` row, and every commit of a fenced store checks the epoch under a share
/// lock (`portwatch_fence`, ``commit(_:)``): the bump waits for commits in flight, and a commit after it aborts.
extension PostgresStore {
    /// The advisory-lock key of the writer election.
    public static let writerLockKey: Int64 = 7_060_771

    /// How commits are fenced.
    public enum CommitFence: Sendable, Equatable {
        /// Not fenced: one process per database (the tests of the store alone).
        case none
        /// The elected writer of `epoch`: each commit checks the stored epoch is still this one.
        case epoch(Int64)
        /// Not the writer: every commit is refused before it starts.
        case refused
    }

    struct FenceState {
        var fence = CommitFence.none
        var onLost: (@Sendable () -> Void)?
    }

    /// The fence in force.
    public var fence: CommitFence { fenceState.withLock { $0.fence } }

    /// Fences commits with `epoch`; `onLost` runs once when a commit finds another epoch stored, or
    /// when a commit's outcome is unknown.
    public func fence(epoch: Int64, onLost: @escaping @Sendable () -> Void) {
        fenceState.withLock { $0 = FenceState(fence: .epoch(epoch), onLost: onLost) }
    }

    /// Refuses every commit from now on (this replica is a follower).
    public func refuseCommits() {
        fenceState.withLock { $0 = FenceState(fence: .refused) }
    }

    /// The change-log sequence of the newest commit this process made (0 before its first).
    public var newestCommittedChange: Int64 { lastCommittedChange.withLock { $0 } }

    /// Takes over as writer on `connection` (the session holding the advisory lock): bumps the epoch,
    /// names `replica` the writer, and returns the new epoch. Commits of the previous epoch in flight
    /// finish first (they hold the row's share lock); later ones abort.
    ///
    /// The wait for those commits is bounded by ``Deadlines/statement`` (`lock_timeout`): a commit
    /// that never ends (a `COMMIT` held up on the server) fails the takeover, which the replica then
    /// tries again, instead of leaving the cluster without a writer for as long as it lasts.
    public func takeOver(as replica: String, on connection: PostgresConnection) async throws -> Int64 {
        let (logger, lockTimeout) = (logger, deadlines.statement)
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                try await connection.query(
                    PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = \(lockTimeout.wholeMilliseconds)"),
                    logger: logger)
                let rows = try await connection.query(
                    "UPDATE cluster SET epoch = epoch + 1, writer = \(replica) WHERE id = 1 RETURNING epoch",
                    logger: logger)
                // Rows are read to the end (leaving a stream half read would stall the session).
                var epoch: Int64?
                for try await value in rows.decode(Int64.self) { epoch = value }
                guard let epoch else { throw PostgresStoreError("the cluster row is missing (schema not migrated?)") }
                return epoch
            }
        } catch let error as PostgresTransactionError {
            if let answer = error.closureError as? PSQLError, answer.serverInfo?[.sqlState] == Self.lockNotAvailable {
                throw PostgresStoreError(
                    "the takeover waited \(lockTimeout) for a commit of the previous writer to end")
            }
            if let refusal = error.closureError as? PostgresStoreError { throw refusal }
            throw error
        }
    }

    /// The SQLSTATE of a lock wait that passed `lock_timeout`.
    static let lockNotAvailable = "55P03"

    /// Records that a commit failed: when the fence refused it, or its outcome is unknown, a fenced
    /// store loses its fence for good (this replica must not commit again before a takeover settles
    /// the outcome). A store without a fence (a lone process) goes on: its caller reloads from the store
    /// before the next commit, and the server has rolled back by then an abandoned statement whose
    /// connection was closed (``Deadlines/clientCheck``).
    func commitFailed(_ error: any Error) {
        let fenced = (error as? PostgresStoreError)?.description == PostgresStoreError.fenced.description
        let unknown = (error as? StoreCommitError)?.outcome == .unknown
        guard fenced || unknown else { return }
        let onLost = fenceState.withLock { state -> (@Sendable () -> Void)? in
            guard case .epoch = state.fence else { return nil }
            defer { state = FenceState(fence: .refused) }
            return state.onLost
        }
        onLost?()
    }

    // MARK: Heartbeats

    /// One replica as the `replicas` table and the change log describe it.
    public struct ReplicaStatus: Sendable, Equatable {
        public var name: String
        public var url: String
        /// Seconds since the replica's last heartbeat (the database's clock).
        public var heartbeatAge: Double
        /// The newest change-log sequence the replica has applied.
        public var applied: Int64
    }

    /// The cluster as the database sees it.
    public struct ClusterStatus: Sendable, Equatable {
        public var epoch: Int64
        /// The name of the elected writer (nil before the first election).
        public var writer: String?
        /// The advertised URL of the writer, when it has a heartbeat row.
        public var writerURL: String?
        /// The newest change-log sequence.
        public var newestChange: Int64
        public var replicas: [ReplicaStatus]
    }

    /// Records that `replica` (reachable at `url`) is alive and has applied the change log through
    /// `applied`; forgets replicas silent for more than `forgetAfter` seconds. Returns how many other
    /// replicas are alive (see ``aliveWithin``); with none, commits wake nobody (``ChangeBell``).
    @discardableResult
    public func heartbeat(replica: String, url: String, applied: Int64, forgetAfter: Double = 3600) async throws -> Int
    {
        let logger = logger
        let others = try await withBoundedLease { connection in
            // Each statement's rows are read to the end: that is where a failure shows.
            for try await _ in try await connection.query(
                """
                INSERT INTO replicas (name, url, started_at, heartbeat_at, applied)
                VALUES (\(replica), \(url), extract(epoch FROM clock_timestamp()), extract(epoch FROM clock_timestamp()), \(applied))
                ON CONFLICT (name) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at,
                    applied = excluded.applied
                """, logger: logger)
            {}
            for try await _ in try await connection.query(
                "DELETE FROM replicas WHERE heartbeat_at < extract(epoch FROM clock_timestamp()) - \(forgetAfter)",
                logger: logger)
            {}
            var others = 0
            for try await count in try await connection.query(
                """
                SELECT count(*) FROM replicas WHERE name <> \(replica)
                    AND heartbeat_at >= extract(epoch FROM clock_timestamp()) - \(Self.aliveWithin)
                """, logger: logger
            ).decode(Int.self) {
                others = count
            }
            return others
        }
        changeBell.setListened(others > 0)
        return others
    }

    /// A replica whose last heartbeat is older than this many seconds is taken for gone (it is
    /// forgotten only after `forgetAfter`): the writer stops waking it after commits.
    static let aliveWithin: Double = 30

    /// The epoch, the writer and every replica's heartbeat and progress.
    public func clusterStatus() async throws -> ClusterStatus {
        let logger = logger
        return try await withBoundedLease { connection in
            var status = ClusterStatus(epoch: 0, newestChange: 0, replicas: [])
            let head = try await connection.query(
                """
                SELECT c.epoch, c.writer, r.url, (SELECT COALESCE(max(sequence), 0) FROM changes)
                FROM cluster c LEFT JOIN replicas r ON r.name = c.writer WHERE c.id = 1
                """, logger: logger)
            for try await (epoch, writer, url, newest) in head.decode((Int64, String?, String?, Int64).self) {
                (status.epoch, status.writer, status.writerURL, status.newestChange) = (epoch, writer, url, newest)
            }
            let rows = try await connection.query(
                """
                SELECT name, url, extract(epoch FROM clock_timestamp())::double precision - heartbeat_at, applied
                FROM replicas ORDER BY name
                """, logger: logger)
            for try await (name, url, age, applied) in rows.decode((String, String, Double, Int64).self) {
                status.replicas.append(ReplicaStatus(name: name, url: url, heartbeatAge: age, applied: applied))
            }
            return status
        }
    }
}

extension PostgresStore {
    /// The elected writer as the database records it: its epoch, name and advertised URL.
    public func writer() async throws -> (epoch: Int64, name: String?, url: String?) {
        try await withBoundedLease { try await self.writer(on: $0) }
    }

    /// ``writer()`` on `connection` (a session of the caller's own).
    public func writer(on connection: PostgresConnection) async throws -> (epoch: Int64, name: String?, url: String?) {
        let rows = try await connection.query(
            """
            SELECT c.epoch, c.writer, r.url FROM cluster c LEFT JOIN replicas r ON r.name = c.writer WHERE c.id = 1
            """, logger: logger)
        var writer: (epoch: Int64, name: String?, url: String?) = (0, nil, nil)
        for try await (epoch, name, url) in rows.decode((Int64, String?, String?).self) { writer = (epoch, name, url) }
        return writer
    }

    /// Tries to take the writer's advisory lock on `connection` (a session of its own: the lock lives
    /// as long as the session).
    public func tryWriterLock(on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(\(Self.writerLockKey))", logger: logger)
        var locked = false
        for try await value in rows.decode(Bool.self) { locked = value }
        return locked
    }

    /// Opens a connection of its own (outside the pool), e.g. for the writer lock's session. With
    /// `idleTimeout`, the server ends the session when it stays idle that long
    /// (`idle_session_timeout`): a session whose client vanished without a reset (a partition) does
    /// not hold its advisory lock for longer.
    public func openSession(id: Int, idleTimeout: Duration? = nil) async throws -> PostgresConnection {
        let client = configuration
        var configuration = PostgresConnection.Configuration(
            host: client.host ?? "127.0.0.1", port: client.port ?? 5432, username: client.username,
            password: client.password, database: client.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = client.options.additionalStartupParameters
        if let idleTimeout {
            configuration.options.additionalStartupParameters.append(
                ("idle_session_timeout", "\(idleTimeout.wholeMilliseconds)"))
        }
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
    }
}
