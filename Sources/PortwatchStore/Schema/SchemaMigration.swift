/// One step of the schema: applied once per database, in the order of ``SchemaMigration/all``, in a
/// transaction of its own that also records its ``id`` in the database's `schema_migrations` table.
///
/// Both backends apply the same list (``SQLiteStore`` and ``PostgresStore``); each statement is either
/// the same SQL for both, or written once per dialect (a step that concerns one backend only leaves the
/// other's list empty, and is recorded there all the same, so both tables name the same steps).
/// A step is never edited once released: a change of schema is a new step at the end of the list.
public struct SchemaMigration: Sendable {
    /// The SQL dialects of the backends.
    public enum Dialect: String, Sendable {
        case sqlite
        case postgres
    }

    /// One statement, in the dialects it applies to.
    public struct Statement: Sendable {
        var sqlite: String?
        var postgres: String?

        /// The same SQL for both dialects.
        static func shared(_ sql: String) -> Statement { Statement(sqlite: sql, postgres: sql) }
        /// SQLite's statement and PostgreSQL's.
        static func each(sqlite: String, postgres: String) -> Statement {
            Statement(sqlite: sqlite, postgres: postgres)
        }
        /// A statement for SQLite only.
        static func sqlite(_ sql: String) -> Statement { Statement(sqlite: sql, postgres: nil) }
        /// A statement for PostgreSQL only.
        static func postgres(_ sql: String) -> Statement { Statement(sqlite: nil, postgres: sql) }
    }

    /// The step's stable name, as recorded in `schema_migrations`.
    public let id: String
    let statements: [Statement]

    /// The statements of `dialect`, in order.
    public func sql(for dialect: Dialect) -> [String] {
        statements.compactMap {
            switch dialect {
            case .sqlite: $0.sqlite
            case .postgres: $0.postgres
            }
        }
    }

    /// The steps of ``all`` a database that recorded `applied` still needs, in order.
    ///
    /// Throws ``SchemaMigrationError`` when the database recorded a step this binary does not know:
    /// a newer Portwatch migrated it, and this one must not run on a schema it does not understand.
    public static func pending(applied: some Sequence<String>, of list: [SchemaMigration] = all)
        throws(SchemaMigrationError) -> [SchemaMigration]
    {
        let known = Set(list.map(\.id))
        let applied = Set(applied)
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else {
            throw SchemaMigrationError(unknownSteps: unknown.sorted(), newestKnown: list.last?.id ?? "")
        }
        return list.filter { !applied.contains($0.id) }
    }
}

/// The database was migrated by a newer Portwatch: it records steps this binary does not know.
public struct SchemaMigrationError: Error, CustomStringConvertible {
    /// The recorded steps this binary does not know.
    public var unknownSteps: [String]
    /// The last step this binary knows.
    public var newestKnown: String

    public var description: String {
        "the database schema is newer than this Portwatch: it records migration(s) "
            + unknownSteps.joined(separator: ", ")
            + " unknown to this binary (whose newest is \(newestKnown)); run a Portwatch at least as new as the one that migrated it"
    }
}
