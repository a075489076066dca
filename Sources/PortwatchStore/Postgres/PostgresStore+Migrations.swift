import Foundation
import PostgresNIO

extension PostgresStore {
    /// The transaction-level advisory lock every migration step takes: replicas starting at once on
    /// one database apply each step once, in order (the others wait, then find it recorded).
    public static let migrationLockKey: Int64 = 7_060_770

    /// Applies the steps of ``SchemaMigration/all`` the database lacks, each in a transaction of its own
    /// under ``migrationLockKey``, recorded in `schema_migrations`. Throws ``SchemaMigrationError`` on a
    /// database migrated by a newer Portwatch.
    public func migrate() async throws {
        while try await applyNextMigration() {}
    }

    /// Applies the first step the database lacks; false when none is left.
    private func applyNextMigration() async throws -> Bool {
        let logger = logger
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        id TEXT PRIMARY KEY, position INTEGER NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
                    """, logger: logger)
                var applied: [String] = []
                for try await id in try await connection.query("SELECT id FROM schema_migrations", logger: logger)
                    .decode(String.self)
                {
                    applied.append(id)
                }
                guard let next = try SchemaMigration.pending(applied: applied).first else { return false }
                for statement in next.sql(for: .postgres) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let position = Int64(SchemaMigration.all.firstIndex { $0.id == next.id }! + 1)
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (id, position, applied_at)
                    VALUES (\(next.id), \(position), \(Date().timeIntervalSince1970))
                    """, logger: logger)
                logger.info("schema migrated", metadata: ["migration": "\(next.id)"])
                return true
            }
        } catch let error as PostgresTransactionError {
            if let newer = error.closureError as? SchemaMigrationError { throw newer }
            throw error
        }
    }
}
