import Foundation
import Logging
import PortwatchCore
import PostgresNIO
import Synchronization

/// The PostgreSQL store: the schema and behaviour of ``SQLiteStore`` over postgres-nio's connection pool.
///
/// The pool does nothing until ``run()`` runs: the owner runs it for the store's whole life, as a
/// `Service` started before (and so stopped after) everything that uses the store:
///
/// ```swift
/// let store = try PostgresStore(url: "postgres://portwatch@db:5432/portwatch", logger: logger)
/// let client = Task { await store.run() }
/// try await store.migrate()
/// ```
///
/// A commit is one statement that is its own transaction; with PostgreSQL's default
/// `synchronous_commit = on` it is durable when it answers. Each table's rows of a commit go in one statement of column arrays (`unnest`).
public final class PostgresStore: StoreBackend {
    /// The connection pool; usable once ``run()`` runs.
    public let client: PostgresClient
    let logger: Logger

    /// The client configuration, for connections of their own (the election's session).
    public let configuration: PostgresClient.Configuration
    /// Whether commits are fenced, and what to do when the fence fails (see ``fence(epoch:onLost:)``).
    let fenceState = Mutex(FenceState())
    /// The change-log sequence of the newest commit this process made (0 before its first).
    let lastCommittedChange = Mutex<Int64>(0)
    /// The followers' wake-up after commits (see ``ChangeBell``).
    let changeBell: ChangeBell

    /// How long the store waits for PostgreSQL (see ``withBoundedStatement(attempt:_:)``).
    public let deadlines: Deadlines

    /// The followers' wake-up after commits is sent at most this often. Under a stream of commits a
    /// follower then reads the log about 50 times a second instead of once per commit: each wake-up
    /// was a statement and a transaction of the writer's, and each follower's pass a statement too
    /// (with three replicas on two cores the writer served 4.5k–4.8k PUT/s with a wake-up per
    /// commit, 7.1k–8.0k/s with this spacing). Reads on a follower may lag the writer by this much
    /// more; a forwarded write does not wait for it (its follower reads the log as soon as the
    /// writer answers).
    public static let defaultWakeUpSpacing = Duration.milliseconds(20)

    /// A store for `configuration`; nothing connects until ``run()``. The server is asked to end a
    /// transaction its client left waiting after ``Deadlines/idleInTransaction``. Under a stream of
    /// commits the followers are woken at most once per `wakeUpSpacing` (see ``ChangeBell``).
    public init(
        configuration: PostgresClient.Configuration, deadlines: Deadlines = Deadlines(),
        wakeUpSpacing: Duration = PostgresStore.defaultWakeUpSpacing, logger: Logger
    ) {
        changeBell = ChangeBell(spacing: wakeUpSpacing)
        var configuration = configuration
        configuration.options.additionalStartupParameters += deadlines.startupParameters
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.configuration = configuration
        self.deadlines = deadlines
        self.logger = logger
    }

    /// A store for `postgres://user[:password]@host[:port]/database` (no TLS).
    public convenience init(url: String, deadlines: Deadlines = Deadlines(), logger: Logger) throws {
        self.init(configuration: try Self.configuration(url: url), deadlines: deadlines, logger: logger)
    }

    /// The client configuration for `postgres://user[:password]@host[:port]/database` (no TLS).
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else {
            throw PostgresStoreError("not a postgres://user[:password]@host[:port]/database URL: \(url)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.isEmpty ? nil : database, tls: .disable)
    }

    /// Runs the connection pool until cancelled (or graceful shutdown); call exactly once.
    public func run() async {
        await client.run()
    }

    // MARK: Reads

    public func loadSnapshot() async throws -> StoreSnapshot {
        try await withBoundedLease { try await self.loadSnapshot(on: $0) }
    }

    private func loadSnapshot(on leased: PostgresConnection) async throws -> StoreSnapshot {
        try await leased.withTransaction(logger: logger) { connection in
            // One snapshot of the database for every query below, as SQLite's read transaction gives.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            let decoder = JSONDecoder()
            var networks: [Network] = []
            for try await body in try await connection.query("SELECT body FROM networks", logger: logger)
                .decode(Data.self)
            {
                networks.append(try decoder.decode(Network.self, from: body))
            }
            var sharing = PortStorageSharing()
            var ports: [PortwatchCore.Port] = []
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.portColumns) FROM ports p LEFT JOIN port_state s ON s.port_id = p.id",
                logger: logger)
            for try await row in rows.decode(PortRow.self) {
                var port = try Self.decodePort(row, decoder: decoder)
                sharing.share(&port)
                ports.append(port)
            }
            let maxima = try await connection.query(
                """
                SELECT (SELECT max(sequence) FROM outbox), (SELECT max(sequence) FROM sink_cursors),
                       (SELECT max(sequence) FROM audit), (SELECT max(id) FROM audit_causes),
                       (SELECT max(sequence) FROM changes)
                """, logger: logger)
            var outbox: Int64 = 0
            var cursors: Int64 = 0
            var audit: Int64 = 0
            var causes: Int64 = 0
            var change: Int64 = 0
            for try await (o, c, a, k, h) in maxima.decode((Int64?, Int64?, Int64?, Int64?, Int64?).self) {
                (outbox, cursors, audit, causes, change) = (o ?? 0, c ?? 0, a ?? 0, k ?? 0, h ?? 0)
            }
            var snapshot = StoreSnapshot(
                networks: networks, ports: ports, lastOutboxSequence: max(outbox, cursors), lastAuditSequence: audit,
                lastAuditCause: causes)
            snapshot.lastChange = change
            return snapshot
        }
    }

    public func outboxRecords(after sequence: Int64, limit: Int) async throws -> [OutboxRecord] {
        let logger = logger
        return try await withBoundedLease { connection in
            let rows = try await connection.query(
                """
                SELECT sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context
                FROM outbox WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(Int64(limit))
                """, logger: logger)
            var contexts = NotificationContexts()
            var records: [OutboxRecord] = []
            for try await (sequence, eventType, resourceType, resourceID, projectID, occurredAt, payload, context)
                in rows.decode((Int64, String, String, String, String?, Double, Data, Data).self)
            {
                let event = OutboxEvent(
                    eventType: eventType, resourceType: resourceType, resourceID: resourceID, projectID: projectID,
                    payload: [UInt8](payload), context: try contexts.decode(context),
                    occurredAt: Date(timeIntervalSince1970: occurredAt))
                records.append(OutboxRecord(sequence: sequence, event: event))
            }
            return records
        }
    }

    public func cursor(of sink: String) async throws -> Int64 {
        let logger = logger
        return try await withBoundedLease { connection in
            let rows = try await connection.query(
                "SELECT sequence FROM sink_cursors WHERE sink = \(sink)", logger: logger)
            for try await sequence in rows.decode(Int64.self) { return sequence }
            return 0
        }
    }

    public func documents(ofKind kind: String) async throws -> [StoredDocument] {
        let logger = logger
        return try await withBoundedLease { connection in
            let rows = try await connection.query(
                "SELECT id, body FROM documents WHERE kind = \(kind) ORDER BY id", logger: logger)
            var documents: [StoredDocument] = []
            for try await (id, body) in rows.decode((String, Data).self) {
                documents.append(StoredDocument(kind: kind, id: id, body: [UInt8](body)))
            }
            return documents
        }
    }

    public func auditEntries(subject: String, limit: Int) async throws -> [AuditEntry] {
        let logger = logger
        return try await withBoundedLease { connection in
            let rows = try await connection.query(
                """
                SELECT * FROM (
                    SELECT a.sequence, a.occurred_at, a.body, a.cause_id, c.body AS cause FROM audit a
                    LEFT JOIN audit_causes c ON c.id = a.cause_id
                    WHERE a.subject = \(subject) ORDER BY a.sequence DESC LIMIT \(Int64(limit))) AS newest
                ORDER BY sequence
                """, logger: logger)
            var entries: [AuditEntry] = []
            for try await (sequence, occurredAt, stored, causeID, cause) in rows.decode(
                (Int64, Double, Data, Int64?, Data?).self)
            {
                var body = [UInt8](stored)
                if let cause, body.last == UInt8(ascii: "}") {
                    body.removeLast()
                    body.append(contentsOf: Array(#","cause":"#.utf8) + [UInt8](cause) + [UInt8(ascii: "}")])
                }
                entries.append(
                    AuditEntry(
                        sequence: sequence, subject: subject, occurredAt: occurredAt, body: body, causeID: causeID))
            }
            return entries
        }
    }
}

/// A PostgreSQL store that cannot be configured or used as asked.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// A commit refused because this process is not (or no longer) the elected writer.
    public static let notTheWriter = PostgresStoreError("this replica is not the elected writer")
    /// A commit refused by the fence: another replica took over since this one was elected.
    public static let fenced = PostgresStoreError("fenced: another replica was elected writer")
}
