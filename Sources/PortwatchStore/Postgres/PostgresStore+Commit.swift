import Foundation
import PortwatchCore
import PostgresNIO
import Synchronization

extension PostgresStore {
    /// Writes `commit` in one transaction, in the order ``SQLiteStore`` applies it.
    ///
    /// The whole commit is one statement of data-modifying `WITH` clauses: each table's rows go in one
    /// clause of column arrays (a fault can rewrite tens of thousands of ports in one commit), and the
    /// last clause appends the commit's entry to the change log (``changes(after:limit:)``). The
    /// statement is its own transaction (see ``withBoundedStatement(attempt:_:)``), so a commit costs
    /// one round trip whatever it writes; the followers' `NOTIFY` follows it (``ChangeBell``). A
    /// statement cannot upsert one key twice, so each key keeps only its last write of the commit,
    /// which leaves the same rows as applying every write in turn.
    ///
    /// With a fence (``fence(epoch:onLost:)``, a replica that won the election) the change-log clause
    /// takes its epoch from `portwatch_fence`, which share-locks the cluster row and aborts the statement
    /// when the epoch is no longer the fence's: a replica that lost the election since (a new writer
    /// bumped the epoch) cannot land a write, and the bump waits for a commit in flight.
    ///
    /// A commit fails with ``StoreCommitError`` when PostgreSQL does not answer in time or refuses it
    /// (see ``withBoundedStatement(attempt:_:)``); when its outcome is unknown, a fenced store stops
    /// committing and tells its writer (as when the fence is lost): only a takeover settles the outcome.
    public func commit(_ commit: StoreCommit) async throws {
        guard !commit.isEmpty else { return }
        let fence = fenceState.withLock { $0.fence }
        if case .refused = fence { throw PostgresStoreError.notTheWriter }
        var fencedEpoch: Int64?
        if case .epoch(let epoch) = fence { fencedEpoch = epoch }
        let statement = try Self.statement(for: commit, fencedEpoch: fencedEpoch)
        let logger = logger
        let sequence: Int64
        let attempt = CommitAttempt()
        do {
            sequence = try await withBoundedStatement(attempt: attempt) { connection in
                do {
                    return try await Self.run(statement, on: connection, logger: logger)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == Self.fencedSQLState {
                    throw PostgresStoreError.fenced
                }
            }
        } catch {
            // A refusal of the fence rolled the statement back: it is known to have changed nothing.
            commitFailed(error)
            throw error
        }
        if sequence % 1000 == 0 { pruneChangeLog(through: sequence - Self.changeLogRetention) }
        changeBell.ring(sequence, via: self)
        lastCommittedChange.withLock { $0 = max($0, sequence) }
        if logger.logLevel <= .debug {
            // The lease, then the statement (its transaction's end included).
            logger.debug(
                "commit stored", metadata: ["sequence": "\(sequence)", "steps": "\(attempt.stepDurations)"])
        }
    }

    /// Runs a commit's statement and returns its change-log sequence: as a statement prepared once per
    /// connection when it has the shape of most commits under API load (``PreparedCommitShape``),
    /// otherwise as an unnamed one, parsed and planned each time.
    static func run(_ statement: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws
        -> Int64
    {
        func prepared<Shape: PreparedCommitShape>(_ shape: Shape.Type) async throws -> Int64 {
            var sequence: Int64 = 0
            for try await value in try await connection.execute(Shape(statement.binds), logger: logger) {
                sequence = value
            }
            return sequence
        }
        if statement.sql == FencedStateCommit.sql { return try await prepared(FencedStateCommit.self) }
        if statement.sql == StateCommit.sql { return try await prepared(StateCommit.self) }
        var sequence: Int64 = 0
        for try await value in try await connection.query(statement, logger: logger).decode(Int64.self) {
            sequence = value
        }
        return sequence
    }

    /// The SQLSTATE `portwatch_fence` raises (see ``SchemaMigration/all``).
    static let fencedSQLState = "PWF01"

    /// The one statement of `commit`: its writes, then its change-log entry and `NOTIFY`; it returns the
    /// entry's sequence.
    static func statement(for commit: StoreCommit, fencedEpoch: Int64?) throws -> PostgresQuery {
        var builder = try writes(for: commit)
        let entry = changeLogEntry(for: commit)
        let networks = builder.bind(entry.networks)
        let ports = builder.bind(entry.ports)
        let states = builder.bind(entry.portStates)
        let kinds = builder.bind(entry.documentKinds)
        let ids = builder.bind(entry.documentIDs)
        let outbox = builder.bind(entry.outbox)
        let epoch = fencedEpoch.map { "portwatch_fence(\(builder.bind($0)))" } ?? "0"
        builder.clauses.append(
            """
            change AS (
                INSERT INTO changes (sequence, epoch, networks, ports, port_states, document_kinds, document_ids, outbox)
                SELECT COALESCE(max(sequence), 0) + 1, \(epoch), \(networks)::text[], \(ports)::text[],
                    \(states)::text[], \(kinds)::text[], \(ids)::text[],
                    GREATEST(\(outbox)::bigint,
                        COALESCE((SELECT outbox FROM changes ORDER BY sequence DESC LIMIT 1), 0))
                FROM changes RETURNING sequence)
            """)
        let sql =
            "WITH " + builder.clauses.joined(separator: ",\n")
            + "\nSELECT sequence FROM change"
        return PostgresQuery(unsafeSQL: sql, binds: builder.bindings)
    }

    /// The clauses of `commit`'s writes, in ``SQLiteStore``'s order.
    static func writes(for commit: StoreCommit) throws -> StatementBuilder {
        var builder = StatementBuilder()
        let encoder = JSONEncoder()

        let networks = lastWrite(of: commit.networks, by: \.id)
        builder.deleteAll("DELETE FROM networks WHERE id = ANY", networks.filter { $0.network == nil }.map(\.id))
        let storedNetworks = networks.compactMap(\.network)
        try builder.insert(
            "INSERT INTO networks (id, project_id, body)",
            columns: [
                .text(storedNetworks.map(\.id)), .text(storedNetworks.map(\.projectID)),
                .bytea(try storedNetworks.map { [UInt8](try encoder.encode($0)) }),
            ],
            onConflict: "(id) DO UPDATE SET project_id = excluded.project_id, body = excluded.body")

        let ports = lastWrite(of: commit.ports, by: \.id)
        builder.deleteAll("DELETE FROM ports WHERE id = ANY", ports.filter { $0.port == nil }.map(\.id))
        let storedPorts = ports.compactMap(\.port)
        try builder.insert(
            "INSERT INTO ports (id, network_id, project_id, body)",
            columns: [
                .text(storedPorts.map(\.id)), .text(storedPorts.map(\.networkID)), .text(storedPorts.map(\.projectID)),
                .bytea(storedPorts.map { $0.storageJSON() }),
            ],
            onConflict:
                "(id) DO UPDATE SET network_id = excluded.network_id, project_id = excluded.project_id, body = excluded.body"
        )
        // A full port write supersedes its state-only row (unless the commit writes that row too: one
        // statement cannot both delete and upsert it).
        let states = lastWrite(of: commit.portStates, by: \.id)
        if !ports.isEmpty {
            // Not built for a storm's states alone: 50,000 more ids hashed for nothing.
            let stateIDs = Set(states.map(\.id))
            builder.deleteAll(
                "DELETE FROM port_state WHERE port_id = ANY", ports.map(\.id).filter { !stateIDs.contains($0) })
        }
        try builder.insert(
            "INSERT INTO port_state (port_id, revision_number, updated_at, status, data_plane_status, override, correlated)",
            columns: [
                .text(states.map(\.id)), .bigint(states.map { Int64($0.revisionNumber) }),
                .double(states.map { $0.updatedAt.timeIntervalSinceReferenceDate }),
                .text(states.map(\.status.rawValue)),
                .optionalText(states.map { $0.dataPlaneStatus?.rawValue }),
                .optionalText(states.map { $0.dataPlaneStatusOverride?.rawValue }),
                .optionalText(states.map { $0.correlatedDataPlaneStatus?.rawValue }),
            ],
            onConflict: """
                (port_id) DO UPDATE SET revision_number = excluded.revision_number, updated_at = excluded.updated_at,
                status = excluded.status, data_plane_status = excluded.data_plane_status,
                override = excluded.override, correlated = excluded.correlated
                """)

        if let through = commit.pruneOutboxThrough {
            builder.clauses.append(
                "w\(builder.clauses.count) AS (DELETE FROM outbox WHERE sequence <= \(builder.bind(through)))")
        }
        let cursors = lastWrite(of: commit.cursors, by: \.sink)
        try builder.insert(
            "INSERT INTO sink_cursors (sink, sequence)",
            columns: [.text(cursors.map(\.sink)), .bigint(cursors.map(\.sequence))],
            onConflict: "(sink) DO UPDATE SET sequence = GREATEST(sink_cursors.sequence, excluded.sequence)")

        var storedContexts = StoredContexts()
        let contexts = commit.outbox.map { storedContexts.json(for: $0.event.context) }
        let events = commit.outbox.map(\.event)
        try builder.insert(
            "INSERT INTO outbox (sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context)",
            columns: [
                .bigint(commit.outbox.map(\.sequence)), .text(events.map(\.eventType)),
                .text(events.map(\.resourceType)),
                .text(events.map(\.resourceID)), .optionalText(events.map(\.projectID)),
                .double(events.map { $0.occurredAt.timeIntervalSince1970 }), .bytea(events.map(\.payload)),
                .bytea(contexts),
            ])

        let documents = lastWrite(of: commit.documents) { DocumentKey(kind: $0.kind, id: $0.id) }
        let deletedDocuments = documents.filter { $0.body == nil }
        if !deletedDocuments.isEmpty {
            let kinds = builder.bind(deletedDocuments.map(\.kind))
            let ids = builder.bind(deletedDocuments.map(\.id))
            builder.clauses.append(
                """
                w\(builder.clauses.count) AS (DELETE FROM documents WHERE (kind, id) IN
                    (SELECT * FROM unnest(\(kinds)::text[], \(ids)::text[])))
                """)
        }
        let storedDocuments = documents.filter { $0.body != nil }
        try builder.insert(
            "INSERT INTO documents (kind, id, body)",
            columns: [
                .text(storedDocuments.map(\.kind)), .text(storedDocuments.map(\.id)),
                .bytea(storedDocuments.map { $0.body ?? [] }),
            ],
            onConflict: "(kind, id) DO UPDATE SET body = excluded.body")

        try builder.insert(
            "INSERT INTO audit_causes (id, body)",
            columns: [.bigint(commit.auditCauses.map(\.id)), .bytea(commit.auditCauses.map(\.body))])
        try builder.insert(
            "INSERT INTO audit (sequence, subject, occurred_at, body, cause_id)",
            columns: [
                .bigint(commit.audit.map(\.sequence)), .text(commit.audit.map(\.subject)),
                .double(commit.audit.map(\.occurredAt)), .bytea(commit.audit.map(\.body)),
                .optionalBigint(commit.audit.map(\.causeID)),
            ])
        return builder
    }

    /// The last write of each key, in the order the keys first appear.
    static func lastWrite<Element, Key: Hashable>(of elements: [Element], by key: (Element) -> Key) -> [Element] {
        var positions: [Key: Int] = [:]
        positions.reserveCapacity(elements.count)
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            let key = key(element)
            // One lookup for a key seen first (nearly always: a storm's 50,000 ports are 50,000 keys).
            if let position = positions.updateValue(result.count, forKey: key) {
                positions[key] = position
                result[position] = element
            } else {
                result.append(element)
            }
        }
        return result
    }
}

/// A commit statement prepared on each connection once, then only bound and executed: PostgreSQL
/// parses and plans an unnamed statement again each time (~0.35 ms of the ~0.55 ms it spends on a
/// batch of port updates). The shape's text is the builder's own for a sample commit, so the commit
/// path uses the prepared statement exactly when its statement has that text.
protocol PreparedCommitShape: PostgresPreparedStatement where Row == Int64 {
    var bindings: PostgresBindings { get }
    init(_ bindings: PostgresBindings)
}

extension PreparedCommitShape {
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }

    /// The statement of a commit of port states and outbox records (port updates through the API, a
    /// fault's correlated states): the commits of a steady write load.
    static func stateCommitSQL(fenced: Bool) -> String {
        var commit = StoreCommit()
        let epoch = Date(timeIntervalSince1970: 0)
        commit.portStates = [
            PortwatchCore.Port(id: "p", networkID: "n", projectID: "t", macAddress: "m", createdAt: epoch)
        ]
        commit.outbox = [
            OutboxRecord(
                sequence: 1,
                event: OutboxEvent(
                    eventType: "port.update.end", resourceType: "port", resourceID: "p", projectID: "t", payload: [],
                    context: NotificationContext(Identity.system(requestID: "req")), occurredAt: epoch))
        ]
        // Building a statement of plain columns cannot fail.
        return try! PostgresStore.statement(for: commit, fencedEpoch: fenced ? 1 : nil).sql
    }
}

/// ``PreparedCommitShape/stateCommitSQL(fenced:)`` of a replica's writer (fenced by its epoch).
struct FencedStateCommit: PreparedCommitShape {
    static let sql = stateCommitSQL(fenced: true)
    let bindings: PostgresBindings
    init(_ bindings: PostgresBindings) { self.bindings = bindings }
}

/// ``PreparedCommitShape/stateCommitSQL(fenced:)`` of a store without a fence.
struct StateCommit: PreparedCommitShape {
    static let sql = stateCommitSQL(fenced: false)
    let bindings: PostgresBindings
    init(_ bindings: PostgresBindings) { self.bindings = bindings }
}

private struct DocumentKey: Hashable {
    var kind: String
    var id: String
}

/// Builds the statement of one commit: each table's rows in one data-modifying `WITH` clause of column
/// arrays (`INSERT … SELECT … FROM (SELECT unnest($1::text[]) AS c0, unnest($2::bytea[]) AS c1, …)`),
/// so a commit of thousands of rows is one statement with a few parameters per table, whatever its size.
struct StatementBuilder {
    /// The `name AS (…)` clauses, in order.
    var clauses: [String] = []
    /// The parameters of every clause.
    var bindings = PostgresBindings(capacity: 32)

    /// One column's values, in row order. `NULL`s travel as a second array of presence flags
    /// (postgres-nio's arrays have no null elements).
    enum Column {
        case text([String])
        case optionalText([String?])
        case bigint([Int64])
        case optionalBigint([Int64?])
        case double([Double])
        case bytea([[UInt8]])

        var count: Int {
            switch self {
            case .text(let values): values.count
            case .optionalText(let values): values.count
            case .bigint(let values): values.count
            case .optionalBigint(let values): values.count
            case .double(let values): values.count
            case .bytea(let values): values.count
            }
        }

        /// Appends the column's parameters and returns what to `unnest` (each array's placeholder and
        /// the name of its values) and the column's select expression. With `foldingConstants`, a
        /// column whose values are all equal is bound once, as a scalar, and not unnested.
        func bind(_ bindings: inout PostgresBindings, name: String, foldingConstants: Bool) -> (
            unnested: [(argument: String, name: String)], select: String
        ) {
            func next(_ type: String) -> String { "$\(bindings.count)::\(type)[]" }
            func array(_ type: String) -> [(argument: String, name: String)] { [(next(type), name)] }
            func scalar(_ value: some PostgresDynamicTypeEncodable, _ type: String) -> (
                unnested: [(argument: String, name: String)], select: String
            ) {
                bindings.append(value)
                return ([], "$\(bindings.count)::\(type)")
            }
            func optional(_ present: [Bool], _ value: String) -> (
                unnested: [(argument: String, name: String)], select: String
            ) {
                bindings.append(present)
                return (
                    [(value, name), (next("boolean"), name + "_present")], "CASE WHEN \(name)_present THEN \(name) END"
                )
            }
            switch self {
            case .text(let values):
                if foldingConstants, Self.allEqual(values) { return scalar(values[0], "text") }
                bindings.append(values)
                return (array("text"), name)
            case .bigint(let values):
                if foldingConstants, Self.allEqual(values) { return scalar(values[0], "bigint") }
                bindings.append(values)
                return (array("bigint"), name)
            case .double(let values):
                // Bit for bit: 0.0 and -0.0 are equal, and NaN is not equal to itself.
                if foldingConstants, Self.allEqual(values.lazy.map(\.bitPattern)) {
                    return scalar(values[0], "double precision")
                }
                bindings.append(values)
                return (array("double precision"), name)
            case .bytea(let values):
                if foldingConstants, Self.allEqual(values) { return scalar(ByteBuffer(bytes: values[0]), "bytea") }
                bindings.append(ByteaArray(elements: values))
                return (array("bytea"), name)
            case .optionalText(let values):
                if foldingConstants, Self.allEqual(values) {
                    guard let value = values[0] else { return ([], "NULL::text") }
                    return scalar(value, "text")
                }
                bindings.append(values.map { $0 ?? "" })
                return optional(values.map { $0 != nil }, next("text"))
            case .optionalBigint(let values):
                if foldingConstants, Self.allEqual(values) {
                    guard let value = values[0] else { return ([], "NULL::bigint") }
                    return scalar(value, "bigint")
                }
                bindings.append(values.map { $0 ?? 0 })
                return optional(values.map { $0 != nil }, next("bigint"))
            }
        }

        /// Whether `values` (not empty) are all equal to the first.
        static func allEqual<Values: Collection>(_ values: Values) -> Bool where Values.Element: Equatable {
            guard let first = values.first else { return false }
            return values.allSatisfy { $0 == first }
        }
    }

    /// Appends `value` as the next parameter and returns its placeholder (`$n`).
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// `DELETE … WHERE key = ANY($n)` for `ids`, when there are any.
    mutating func deleteAll(_ sql: String, _ ids: [String]) {
        guard !ids.isEmpty else { return }
        let placeholder = bind(ids)
        clauses.append("w\(clauses.count) AS (\(sql)(\(placeholder)::text[]))")
    }

    /// From this many rows, a column whose values are all equal (a storm's event type, status,
    /// timestamp, context, cause) is bound once instead of as an array: PostgreSQL then neither reads
    /// nor unnests thousands of copies. Below it every column is an array, so that the commits of API
    /// load (up to hundreds of rows) keep the text of the statement prepared for their shape
    /// (``PreparedCommitShape``); a statement this large costs far more than its parsing.
    static let constantFoldingRows = 1_000

    /// `head SELECT … FROM (SELECT unnest(…) AS c0, …) AS rows [ON CONFLICT onConflict]` for the rows
    /// of `columns` (all of one length), when there are any. The first column is always unnested
    /// (it carries the rows' count); from ``constantFoldingRows`` rows the others may be scalars.
    mutating func insert(_ head: String, columns: [Column], onConflict: String? = nil) throws {
        guard let rows = columns.first?.count, rows > 0 else { return }
        guard columns.allSatisfy({ $0.count == rows }) else {
            throw PostgresStoreError("columns of unequal lengths for \(head)")
        }
        var unnested: [(argument: String, name: String)] = []
        var selects: [String] = []
        for (index, column) in columns.enumerated() {
            let (arrays, select) = column.bind(
                &bindings, name: "c\(index)", foldingConstants: index > 0 && rows >= Self.constantFoldingRows)
            unnested += arrays
            selects.append(select)
        }
        // The arrays are unnested in a select list (PostgreSQL zips them, row by row), not in
        // `FROM unnest(…)`, whose function scan first copies every row into a tuple store (spilled to
        // disk past `work_mem`): 50,000 outbox rows were inserted in 230–250 ms instead of 295–320 ms.
        let unnestedColumns = unnested.map { "unnest(\($0.argument)) AS \($0.name)" }
        var sql = head + " SELECT " + selects.joined(separator: ", ") + " FROM (SELECT "
        sql += unnestedColumns.joined(separator: ", ") + ") AS rows"
        if let onConflict { sql += " ON CONFLICT " + onConflict }
        clauses.append("w\(clauses.count) AS (\(sql))")
    }
}

/// A `bytea[]` parameter written straight from its byte arrays, in the binary array format
/// postgres-nio writes for `[ByteBuffer]` (which would first copy every element into a buffer of its
/// own: tens of thousands of allocations for a storm's outbox and audit rows).
struct ByteaArray: PostgresNonThrowingEncodable {
    var elements: [[UInt8]]

    static var psqlType: PostgresDataType { .byteaArray }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        // Dimensions (0 for an empty array), no NULLs, the element type.
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: UInt32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(PostgresDataType.bytea.rawValue)
        guard !elements.isEmpty else { return }
        // One dimension: its length and lower bound, then each element's length and bytes.
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)
        buffer.reserveCapacity(minimumWritableBytes: elements.reduce(4 * elements.count) { $0 + $1.count })
        for element in elements {
            buffer.writeInteger(Int32(element.count))
            buffer.writeBytes(element)
        }
    }
}
