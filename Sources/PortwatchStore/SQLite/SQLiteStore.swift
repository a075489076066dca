import Foundation
import GRDB
import PortwatchCore

/// The embedded store: one SQLite file in WAL mode through GRDB.
///
/// `synchronous` defaults to FULL, so a commit is on disk (fsync) before it is acknowledged; group
/// commit in ``Repository`` amortises that fsync over every write of a batch.
public final class SQLiteStore: StoreBackend, CommitsOnCallingThread {
    /// How hard SQLite syncs a commit.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// fsync on every commit: survives power loss.
        case full = "FULL"
        /// fsync at checkpoints: survives a process crash (`kill -9`), may lose the last commits on power loss.
        case normal = "NORMAL"
    }

    private let pool: DatabasePool
    /// A connection of its own for WAL checkpoints, so they never run inside a commit.
    private let checkpointer: DatabaseQueue
    /// How the WAL is kept from growing under a steady stream of commits (see ``checkpoint()``).
    let walLimits: WALLimits

    /// When ``checkpoint()`` starts the WAL over.
    struct WALLimits: Sendable {
        /// A WAL of this many frames (pages of 4 KiB) or more after a passive checkpoint is started over.
        var restartFrames = 4_096
    }

    /// Opens (creating if needed) the database at `path`.
    ///
    /// SQLite's automatic checkpoint runs inside the commit that crosses its threshold and stalls
    /// it for tens of milliseconds; it is turned off here and ``checkpoint()`` runs PASSIVE
    /// checkpoints (which never block writers) from a separate connection instead.
    public convenience init(path: String, synchronous: Synchronous = .full) throws {
        try self.init(path: path, synchronous: synchronous, walLimits: WALLimits())
    }

    init(path: String, synchronous: Synchronous, walLimits: WALLimits) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        checkpointer = try DatabaseQueue(path: path, configuration: configuration)
        self.walLimits = walLimits
    }

    /// Copies the WAL's pages into the database file without holding up a commit, and keeps the WAL
    /// from growing without bound.
    ///
    /// A passive checkpoint copies the frames that were in the WAL when it began; SQLite starts the
    /// WAL over (writing from its first frame again) only once every frame has been copied. Under a
    /// steady stream of commits new frames always land during the copy, so the WAL never started
    /// over and grew by every commit: 470 MB after five seconds of durable PUTs. So when the WAL
    /// still holds ``WALLimits/restartFrames`` frames after the passive pass, the writer's own
    /// connection, between two commits, copies what was added meanwhile (RESTART): the next commit
    /// writes the WAL from its start. Commits wait only for the frames added since the passive pass.
    ///
    /// The WAL's file keeps its largest size (the most written between two restarts, or by one large
    /// transaction) and is written over: cutting it back (`journal_size_limit`) happens inside the
    /// next commit, which it held up by 30–85 ms after a bulk load.
    public func checkpoint() async throws {
        let frames = try await checkpointer.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)").flatMap { $0[1] as Int? } ?? 0
        }
        guard frames >= walLimits.restartFrames else { return }
        try await pool.writeWithoutTransaction { db in
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(RESTART)")
        }
    }

    /// Applies the steps of ``SchemaMigration/all`` the database lacks, each in an immediate
    /// transaction of its own (another process migrating the same file waits for it), recorded in
    /// `schema_migrations`. Throws ``SchemaMigrationError`` on a database migrated by a newer Portwatch.
    public func migrate() async throws {
        try await pool.writeWithoutTransaction { db in
            while true {
                var applied = false
                try db.inTransaction(.immediate) {
                    applied = try Self.applyNextMigration(db)
                    return .commit
                }
                if !applied { return }
            }
        }
    }

    /// Applies the first step the database lacks, in the caller's transaction; false when none is left.
    private static func applyNextMigration(_ db: Database) throws -> Bool {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id TEXT PRIMARY KEY, position INTEGER NOT NULL, applied_at REAL NOT NULL)
                """)
        try adoptGRDBMigrations(db)
        let applied = try String.fetchAll(db, sql: "SELECT id FROM schema_migrations")
        guard let next = try SchemaMigration.pending(applied: applied).first else { return false }
        for statement in next.sql(for: .sqlite) {
            try db.execute(sql: statement)
        }
        try record(next.id, db)
        return true
    }

    /// Databases of the releases before ``SchemaMigration/all`` recorded their steps (the same ids) in
    /// GRDB's `grdb_migrations`: they move to `schema_migrations`.
    private static func adoptGRDBMigrations(_ db: Database) throws {
        guard try db.tableExists("grdb_migrations") else { return }
        for id in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") {
            try record(id, db)
        }
        try db.execute(sql: "DROP TABLE grdb_migrations")
    }

    private static func record(_ id: String, _ db: Database) throws {
        let position = SchemaMigration.all.firstIndex { $0.id == id }.map { $0 + 1 } ?? 0
        try db.execute(
            sql: "INSERT OR IGNORE INTO schema_migrations (id, position, applied_at) VALUES (?, ?, ?)",
            arguments: [id, position, Date().timeIntervalSince1970])
    }

    public func loadSnapshot() async throws -> StoreSnapshot {
        try await pool.read { db in
            let decoder = JSONDecoder()
            let networks = try Row.fetchAll(db, sql: "SELECT body FROM networks").map { row in
                try decoder.decode(Network.self, from: row["body"] as Data)
            }
            // Row by row from a cursor, decoding each body in place: fetching every row first would hold
            // a copy of every body (about 0.75 KB a port) on top of the ports decoded from them.
            var sharing = PortStorageSharing()
            var ports: [Port] = []
            ports.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM ports") ?? 0)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT p.body, s.revision_number, s.updated_at, s.status, s.data_plane_status, s.override, s.correlated
                    FROM ports p LEFT JOIN port_state s ON s.port_id = p.id
                    """)
            while let row = try rows.next() {
                var port = try decoder.decode(Port.self, from: row.dataNoCopy(atIndex: 0) ?? Data())
                if let revision: Int = row["revision_number"], revision >= port.revisionNumber {
                    port.revisionNumber = revision
                    port.updatedAt = Date(timeIntervalSinceReferenceDate: row["updated_at"])
                    port.status = PortStatus(rawValue: row["status"]) ?? port.status
                    port.dataPlaneStatus = (row["data_plane_status"] as String?).flatMap(
                        DataPlaneStatus.init(rawValue:))
                    port.dataPlaneStatusOverride = (row["override"] as String?).flatMap(DataPlaneStatus.init(rawValue:))
                    port.correlatedDataPlaneStatus = (row["correlated"] as String?).flatMap(
                        DataPlaneStatus.init(rawValue:))
                }
                sharing.share(&port)
                ports.append(port)
            }
            let outbox = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM outbox") ?? 0
            let cursors = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM sink_cursors") ?? 0
            let audit = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM audit") ?? 0
            let causes = try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_causes") ?? 0
            return StoreSnapshot(
                networks: networks, ports: ports, lastOutboxSequence: max(outbox, cursors), lastAuditSequence: audit,
                lastAuditCause: causes)
        }
    }

    /// Rows still being rendered are written as they come (after the port states, which need none).
    public var writesRowsAsRendered: Bool { true }

    public func commit(_ commit: StoreCommit) async throws {
        guard !commit.isEmpty else { return }
        let rows = try Self.encodedRows(of: commit)
        try await pool.write { db in try Self.write(commit, rows, into: db) }
    }

    /// ``commit(_:)`` on the calling thread, which waits for it (GRDB runs the transaction there when
    /// no other access holds the writer's connection): for a writer on a thread of its own, which then
    /// needs no other thread to wake it when the commit is durable.
    public func commitWaiting(_ commit: StoreCommit) throws {
        guard !commit.isEmpty else { return }
        let rows = try Self.encodedRows(of: commit)
        try pool.write { db in try Self.write(commit, rows, into: db) }
    }

    /// What a commit's rows need encoded before the transaction: networks, whole ports, contexts.
    private struct EncodedRows {
        var networks: [(String, Data?, String?)]
        var ports: [(String, Data?, PortwatchCore.Port?)]
        var contexts: [[UInt8]]
    }

    private static func encodedRows(of commit: StoreCommit) throws -> EncodedRows {
        let encoder = JSONEncoder()
        let networks = try commit.networks.map {
            ($0.id, try $0.network.map { try encoder.encode($0) }, $0.network?.projectID)
        }
        let ports = commit.ports.map { ($0.id, $0.port.map { Data($0.storageJSON()) }, $0.port) }
        var storedContexts = StoredContexts()
        let contexts = commit.outbox.map { storedContexts.json(for: $0.event.context) }
        return EncodedRows(networks: networks, ports: ports, contexts: contexts)
    }

    /// The statements of one commit, inside the caller's transaction.
    private static func write(_ commit: StoreCommit, _ rows: EncodedRows, into db: Database) throws {
        let (networks, ports, contexts) = (rows.networks, rows.ports, rows.contexts)
        // Cached statements: a fault can rewrite tens of thousands of rows in one transaction.
        let putNetwork = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO networks (id, project_id, body) VALUES (?, ?, ?)")
        let deleteNetwork = try db.cachedStatement(sql: "DELETE FROM networks WHERE id = ?")
        for (id, body, project) in networks {
            if let body, let project {
                try putNetwork.execute(arguments: [id, project, body])
            } else {
                try deleteNetwork.execute(arguments: [id])
            }
        }
        let putPort = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO ports (id, network_id, project_id, body) VALUES (?, ?, ?, ?)")
        let deletePort = try db.cachedStatement(sql: "DELETE FROM ports WHERE id = ?")
        let deleteState = try db.cachedStatement(sql: "DELETE FROM port_state WHERE port_id = ?")
        for (id, body, port) in ports {
            if let body, let port {
                try putPort.execute(arguments: [id, port.networkID, port.projectID, body])
            } else {
                try deletePort.execute(arguments: [id])
            }
            try deleteState.execute(arguments: [id])
        }
        // State-only changes (fault correlation) write a small row instead of the whole port.
        let putState = try BoundStatement(
            db,
            sql: """
                INSERT OR REPLACE INTO port_state
                (port_id, revision_number, updated_at, status, data_plane_status, override, correlated)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for port in commit.portStates {
            try putState.run { values in
                values.text(port.id)
                values.int(Int64(port.revisionNumber))
                values.double(port.updatedAt.timeIntervalSinceReferenceDate)
                values.text(port.status.rawValue)
                values.text(port.dataPlaneStatus?.rawValue)
                values.text(port.dataPlaneStatusOverride?.rawValue)
                values.text(port.correlatedDataPlaneStatus?.rawValue)
            }
        }
        if let through = commit.pruneOutboxThrough {
            try db.execute(sql: "DELETE FROM outbox WHERE sequence <= ?", arguments: [through])
        }
        let putCursor = try db.cachedStatement(
            sql: """
                INSERT INTO sink_cursors (sink, sequence) VALUES (?, ?)
                ON CONFLICT (sink) DO UPDATE SET sequence = max(sequence, excluded.sequence)
                """)
        for cursor in commit.cursors {
            try putCursor.execute(arguments: [cursor.sink, cursor.sequence])
        }
        let putDocument = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO documents (kind, id, body) VALUES (?, ?, ?)")
        let deleteDocument = try db.cachedStatement(sql: "DELETE FROM documents WHERE kind = ? AND id = ?")
        for document in commit.documents {
            if let body = document.body {
                try putDocument.execute(arguments: [document.kind, document.id, Data(body)])
            } else {
                try deleteDocument.execute(arguments: [document.kind, document.id])
            }
        }
        let insertCause = try db.cachedStatement(sql: "INSERT INTO audit_causes (id, body) VALUES (?, ?)")
        for cause in commit.auditCauses {
            try insertCause.execute(arguments: [cause.id, Data(cause.body)])
        }
        let insertOutbox = try BoundStatement(
            db,
            sql: """
                INSERT INTO outbox (sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let insertAudit = try BoundStatement(
            db, sql: "INSERT INTO audit (sequence, subject, occurred_at, body, cause_id) VALUES (?, ?, ?, ?, ?)")
        // A storm's rows as they are rendered, each chunk freed once written.
        try commit.forEachRowBody(
            outbox: { index, payload in
                let record = commit.outbox[index]
                let event = record.event
                try insertOutbox.run { values in
                    values.int(record.sequence)
                    values.text(event.eventType)
                    values.text(event.resourceType)
                    values.text(event.resourceID)
                    values.text(event.projectID)
                    values.double(event.occurredAt.timeIntervalSince1970)
                    values.blob(payload)
                    values.blob(contexts[index])
                }
            },
            audit: { index, body in
                let entry = commit.audit[index]
                try insertAudit.run { values in
                    values.int(entry.sequence)
                    values.text(entry.subject)
                    values.double(entry.occurredAt)
                    values.blob(body)
                    values.int(entry.causeID)
                }
            })
    }

    public func outboxRecords(after sequence: Int64, limit: Int) async throws -> [OutboxRecord] {
        try await pool.read { db in
            var contexts = NotificationContexts()
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context
                    FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [sequence, limit]
            ).map { row in
                // By position, in the SELECT's order: a lookup by name folds the name's case each time.
                let payload: Data = row[6]
                let context: Data = row[7]
                let event = OutboxEvent(
                    eventType: row[1], resourceType: row[2], resourceID: row[3], projectID: row[4],
                    payload: [UInt8](payload), context: try contexts.decode(context),
                    occurredAt: Date(timeIntervalSince1970: row[5]))
                return OutboxRecord(sequence: row[0], event: event)
            }
        }
    }

    public func cursor(of sink: String) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT sequence FROM sink_cursors WHERE sink = ?", arguments: [sink]) ?? 0
        }
    }

    public func documents(ofKind kind: String) async throws -> [StoredDocument] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM documents WHERE kind = ? ORDER BY id", arguments: [kind])
                .map {
                    StoredDocument(kind: kind, id: $0["id"], body: [UInt8]($0["body"] as Data))
                }
        }
    }

    public func auditEntries(subject: String, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (
                        SELECT a.sequence, a.occurred_at, a.body, a.cause_id, c.body AS cause FROM audit a
                        LEFT JOIN audit_causes c ON c.id = a.cause_id
                        WHERE a.subject = ? ORDER BY a.sequence DESC LIMIT ?)
                    ORDER BY sequence
                    """,
                arguments: [subject, limit]
            ).map { row in
                var body = [UInt8](row["body"] as Data)
                if let cause: Data = row["cause"], body.last == UInt8(ascii: "}") {
                    body.removeLast()
                    body.append(contentsOf: Array(#","cause":"#.utf8) + [UInt8](cause) + [UInt8(ascii: "}")])
                }
                return AuditEntry(
                    sequence: row["sequence"], subject: subject, occurredAt: row["occurred_at"], body: body,
                    causeID: row["cause_id"])
            }
        }
    }
}
