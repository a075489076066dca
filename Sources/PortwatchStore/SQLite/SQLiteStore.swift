import Foundation
import GRDB
import PortwatchCore

/// The embedded store: one SQLite file in WAL mode through GRDB.
///
/// `synchronous` defaults to FULL, so a commit is on disk (fsync) before it is acknowledged; group
/// commit in ``Repository`` amortises that fsync over every write of a batch.
public final class SQLiteStore: StoreBackend {
    /// How hard SQLite syncs a commit.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// fsync on every commit: survives power loss.
        case full = "FULL"
        /// fsync at checkpoints: survives a process crash (`kill -9`), may lose the last commits on power loss.
        case normal = "NORMAL"
    }

    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, synchronous: Synchronous = .full) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    public func migrate() async throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE networks (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, body BLOB NOT NULL);
                    CREATE TABLE ports (
                        id TEXT PRIMARY KEY, network_id TEXT NOT NULL, project_id TEXT NOT NULL, body BLOB NOT NULL);
                    CREATE INDEX ports_network ON ports(network_id);
                    CREATE TABLE outbox (
                        sequence INTEGER PRIMARY KEY, event_type TEXT NOT NULL, resource_type TEXT NOT NULL,
                        resource_id TEXT NOT NULL, project_id TEXT, occurred_at REAL NOT NULL,
                        payload BLOB NOT NULL, context BLOB NOT NULL);
                    CREATE TABLE sink_cursors (sink TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
                    CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id));
                    CREATE TABLE audit (
                        sequence INTEGER PRIMARY KEY, subject TEXT NOT NULL, occurred_at REAL NOT NULL, body BLOB NOT NULL);
                    CREATE INDEX audit_subject ON audit(subject, sequence);
                    """)
        }
        try migrator.migrate(pool)
    }

    public func loadSnapshot() async throws -> StoreSnapshot {
        try await pool.read { db in
            let decoder = JSONDecoder()
            let networks = try Row.fetchAll(db, sql: "SELECT body FROM networks").map { row in
                try decoder.decode(Network.self, from: row["body"] as Data)
            }
            let ports = try Row.fetchAll(db, sql: "SELECT body FROM ports").map { row in
                try decoder.decode(Port.self, from: row["body"] as Data)
            }
            let outbox = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM outbox") ?? 0
            let cursors = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM sink_cursors") ?? 0
            let audit = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM audit") ?? 0
            return StoreSnapshot(
                networks: networks, ports: ports, lastOutboxSequence: max(outbox, cursors), lastAuditSequence: audit)
        }
    }

    public func commit(_ commit: StoreCommit) async throws {
        guard !commit.isEmpty else { return }
        let encoder = JSONEncoder()
        let networks = try commit.networks.map { ($0.id, try $0.network.map { try encoder.encode($0) }, $0.network?.projectID) }
        let ports = commit.ports.map { ($0.id, $0.port.map { Data($0.storageJSON()) }, $0.port) }
        let contexts = try commit.outbox.map { try encoder.encode($0.event.context) }
        try await pool.write { db in
            for (id, body, project) in networks {
                if let body, let project {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO networks (id, project_id, body) VALUES (?, ?, ?)",
                        arguments: [id, project, body])
                } else {
                    try db.execute(sql: "DELETE FROM networks WHERE id = ?", arguments: [id])
                }
            }
            for (id, body, port) in ports {
                if let body, let port {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO ports (id, network_id, project_id, body) VALUES (?, ?, ?, ?)",
                        arguments: [id, port.networkID, port.projectID, body])
                } else {
                    try db.execute(sql: "DELETE FROM ports WHERE id = ?", arguments: [id])
                }
            }
            for (record, context) in zip(commit.outbox, contexts) {
                let event = record.event
                try db.execute(
                    sql: """
                        INSERT INTO outbox (sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.sequence, event.eventType, event.resourceType, event.resourceID, event.projectID,
                        event.occurredAt.timeIntervalSince1970, Data(event.payload), context,
                    ])
            }
            for document in commit.documents {
                if let body = document.body {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO documents (kind, id, body) VALUES (?, ?, ?)",
                        arguments: [document.kind, document.id, Data(body)])
                } else {
                    try db.execute(
                        sql: "DELETE FROM documents WHERE kind = ? AND id = ?", arguments: [document.kind, document.id])
                }
            }
            for entry in commit.audit {
                try db.execute(
                    sql: "INSERT INTO audit (sequence, subject, occurred_at, body) VALUES (?, ?, ?, ?)",
                    arguments: [entry.sequence, entry.subject, entry.occurredAt, Data(entry.body)])
            }
        }
    }

    public func outboxRecords(after sequence: Int64, limit: Int) async throws -> [OutboxRecord] {
        try await pool.read { db in
            let decoder = JSONDecoder()
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context
                    FROM outbox WHERE sequence > ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [sequence, limit]
            ).map { row in
                let payload: Data = row["payload"]
                let context: Data = row["context"]
                let event = OutboxEvent(
                    eventType: row["event_type"], resourceType: row["resource_type"], resourceID: row["resource_id"],
                    projectID: row["project_id"], payload: [UInt8](payload),
                    context: try decoder.decode(NotificationContext.self, from: context),
                    occurredAt: Date(timeIntervalSince1970: row["occurred_at"]))
                return OutboxRecord(sequence: row["sequence"], event: event)
            }
        }
    }

    public func cursor(of sink: String) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT sequence FROM sink_cursors WHERE sink = ?", arguments: [sink]) ?? 0
        }
    }

    public func setCursor(of sink: String, to sequence: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO sink_cursors (sink, sequence) VALUES (?, ?)", arguments: [sink, sequence])
        }
    }

    public func pruneOutbox(through sequence: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE sequence <= ?", arguments: [sequence])
            return db.changesCount
        }
    }

    public func documents(ofKind kind: String) async throws -> [StoredDocument] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM documents WHERE kind = ? ORDER BY id", arguments: [kind]).map {
                StoredDocument(kind: kind, id: $0["id"], body: [UInt8]($0["body"] as Data))
            }
        }
    }

    public func auditEntries(subject: String, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (SELECT sequence, occurred_at, body FROM audit WHERE subject = ?
                    ORDER BY sequence DESC LIMIT ?) ORDER BY sequence
                    """,
                arguments: [subject, limit]
            ).map {
                AuditEntry(
                    sequence: $0["sequence"], subject: subject, occurredAt: $0["occurred_at"],
                    body: [UInt8]($0["body"] as Data))
            }
        }
    }
}
