import Foundation
import PortwatchCore
import PostgresNIO
import Synchronization

extension PostgresStore {
    /// Writes `commit` in one transaction, in the order ``SQLiteStore`` applies it.
    ///
    /// Rows go in multi-row statements (a fault can rewrite tens of thousands of ports in one commit).
    /// A statement cannot upsert one key twice, so each key keeps only its last write of the commit,
    /// which leaves the same rows as applying every write in turn.
    ///
    /// With a fence (``fence(epoch:onLost:)``, a replica that won the election) the transaction first
    /// takes a share lock on the cluster row and checks that its epoch is still the fence's: a replica
    /// that lost the election since (a new writer bumped the epoch) cannot land a write. Every commit
    /// appends its entry to the change log (``changes(after:limit:)``) in the same transaction.
    public func commit(_ commit: StoreCommit) async throws {
        guard !commit.isEmpty else { return }
        let fence = fenceState.withLock { $0.fence }
        if case .refused = fence { throw PostgresStoreError.notTheWriter }
        let statements = try Self.statements(for: commit)
        let entry = Self.changeLogEntry(for: commit)
        let logger = logger
        let sequence: Int64
        do {
            sequence = try await client.withTransaction(logger: logger) { connection in
                var epoch: Int64 = 0
                if case .epoch(let fenced) = fence {
                    epoch = fenced
                    try await Self.checkFence(epoch: fenced, on: connection, logger: logger)
                }
                for statement in statements {
                    try await connection.query(statement, logger: logger)
                }
                return try await Self.appendChangeLog(entry, epoch: epoch, on: connection, logger: logger)
            }
        } catch let error as PostgresTransactionError {
            // A refusal of the fence rolled the transaction back: it is known to have changed nothing.
            if let refusal = error.closureError as? PostgresStoreError, error.commitError == nil {
                commitFailed(refusal)
                throw refusal
            }
            throw error
        }
        lastCommittedChange.withLock { $0 = max($0, sequence) }
    }

    static func statements(for commit: StoreCommit) throws -> [PostgresQuery] {
        var builder = StatementBuilder()
        let encoder = JSONEncoder()

        let networks = lastWrite(of: commit.networks, by: \.id)
        builder.deleteAll("DELETE FROM networks WHERE id = ANY", networks.filter { $0.network == nil }.map(\.id))
        try builder.insert(
            "INSERT INTO networks (id, project_id, body)", columns: 3,
            onConflict: "(id) DO UPDATE SET project_id = excluded.project_id, body = excluded.body",
            rows: networks.compactMap { $0.network }
        ) { network, bindings in
            bindings.append(network.id)
            bindings.append(network.projectID)
            try bindings.append(try encoder.encode(network))
        }

        let ports = lastWrite(of: commit.ports, by: \.id)
        builder.deleteAll("DELETE FROM ports WHERE id = ANY", ports.filter { $0.port == nil }.map(\.id))
        try builder.insert(
            "INSERT INTO ports (id, network_id, project_id, body)", columns: 4,
            onConflict:
                "(id) DO UPDATE SET network_id = excluded.network_id, project_id = excluded.project_id, body = excluded.body",
            rows: ports.compactMap { $0.port }
        ) { port, bindings in
            bindings.append(port.id)
            bindings.append(port.networkID)
            bindings.append(port.projectID)
            try bindings.append(Data(port.storageJSON()))
        }
        // A full port write supersedes its state-only row.
        builder.deleteAll("DELETE FROM port_state WHERE port_id = ANY", ports.map(\.id))
        try builder.insert(
            "INSERT INTO port_state (port_id, revision_number, updated_at, status, data_plane_status, override, correlated)",
            columns: 7,
            onConflict: """
                (port_id) DO UPDATE SET revision_number = excluded.revision_number, updated_at = excluded.updated_at,
                status = excluded.status, data_plane_status = excluded.data_plane_status,
                override = excluded.override, correlated = excluded.correlated
                """,
            rows: lastWrite(of: commit.portStates, by: \.id)
        ) { port, bindings in
            bindings.append(port.id)
            bindings.append(Int64(port.revisionNumber))
            bindings.append(port.updatedAt.timeIntervalSinceReferenceDate)
            bindings.append(port.status.rawValue)
            bindings.append(port.dataPlaneStatus?.rawValue)
            bindings.append(port.dataPlaneStatusOverride?.rawValue)
            bindings.append(port.correlatedDataPlaneStatus?.rawValue)
        }

        if let through = commit.pruneOutboxThrough {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(through)
            builder.statements.append(
                PostgresQuery(unsafeSQL: "DELETE FROM outbox WHERE sequence <= $1", binds: bindings))
        }
        try builder.insert(
            "INSERT INTO sink_cursors (sink, sequence)", columns: 2,
            onConflict: "(sink) DO UPDATE SET sequence = GREATEST(sink_cursors.sequence, excluded.sequence)",
            rows: lastWrite(of: commit.cursors, by: \.sink)
        ) { cursor, bindings in
            bindings.append(cursor.sink)
            bindings.append(cursor.sequence)
        }

        // A batch's events mostly share one context: encode each distinct context once.
        var encodedContexts: [NotificationContext: Data] = [:]
        try builder.insert(
            "INSERT INTO outbox (sequence, event_type, resource_type, resource_id, project_id, occurred_at, payload, context)",
            columns: 8, rows: commit.outbox
        ) { record, bindings in
            let event = record.event
            let context: Data
            if let known = encodedContexts[event.context] {
                context = known
            } else {
                context = try encoder.encode(event.context)
                encodedContexts[event.context] = context
            }
            bindings.append(record.sequence)
            bindings.append(event.eventType)
            bindings.append(event.resourceType)
            bindings.append(event.resourceID)
            bindings.append(event.projectID)
            bindings.append(event.occurredAt.timeIntervalSince1970)
            try bindings.append(Data(event.payload))
            try bindings.append(context)
        }

        let documents = lastWrite(of: commit.documents) { DocumentKey(kind: $0.kind, id: $0.id) }
        let deletedDocuments = documents.filter { $0.body == nil }
        if !deletedDocuments.isEmpty {
            builder.statements.append(
                """
                DELETE FROM documents WHERE (kind, id) IN
                (SELECT * FROM unnest(\(deletedDocuments.map(\.kind))::text[], \(deletedDocuments.map(\.id))::text[]))
                """)
        }
        try builder.insert(
            "INSERT INTO documents (kind, id, body)", columns: 3,
            onConflict: "(kind, id) DO UPDATE SET body = excluded.body",
            rows: documents.compactMap { document in document.body.map { (document.kind, document.id, $0) } }
        ) { document, bindings in
            bindings.append(document.0)
            bindings.append(document.1)
            try bindings.append(Data(document.2))
        }

        try builder.insert("INSERT INTO audit_causes (id, body)", columns: 2, rows: commit.auditCauses) {
            cause, bindings in
            bindings.append(cause.id)
            try bindings.append(Data(cause.body))
        }
        try builder.insert(
            "INSERT INTO audit (sequence, subject, occurred_at, body, cause_id)", columns: 5, rows: commit.audit
        ) { entry, bindings in
            bindings.append(entry.sequence)
            bindings.append(entry.subject)
            bindings.append(entry.occurredAt)
            try bindings.append(Data(entry.body))
            bindings.append(entry.causeID)
        }
        return builder.statements
    }

    /// The last write of each key, in the order the keys first appear.
    static func lastWrite<Element, Key: Hashable>(of elements: [Element], by key: (Element) -> Key) -> [Element] {
        var positions: [Key: Int] = [:]
        var result: [Element] = []
        for element in elements {
            if let position = positions[key(element)] {
                result[position] = element
            } else {
                positions[key(element)] = result.count
                result.append(element)
            }
        }
        return result
    }
}

private struct DocumentKey: Hashable {
    var kind: String
    var id: String
}

/// Builds multi-row statements, each under ``PostgresStore/maxBindsPerStatement`` parameters.
struct StatementBuilder {
    var statements: [PostgresQuery] = []

    /// `DELETE … WHERE key = ANY($1)` for `ids`, when there are any.
    mutating func deleteAll(_ sql: String, _ ids: [String]) {
        guard !ids.isEmpty else { return }
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(ids)
        statements.append(PostgresQuery(unsafeSQL: sql + "($1)", binds: bindings))
    }

    /// `head VALUES (…), (…) [ON CONFLICT onConflict]`, split into as many statements as the rows need.
    mutating func insert<Row>(
        _ head: String, columns: Int, onConflict: String? = nil, rows: [Row],
        bind: (Row, inout PostgresBindings) throws -> Void
    ) throws {
        let rowsPerStatement = max(1, PostgresStore.maxBindsPerStatement / columns)
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.endIndex)]
            var bindings = PostgresBindings(capacity: chunk.count * columns)
            var sql = head + " VALUES "
            sql.reserveCapacity(head.count + chunk.count * columns * 7)
            var parameter = 0
            for row in chunk {
                sql += parameter == 0 ? "(" : ",("
                for column in 0..<columns {
                    parameter += 1
                    sql += column == 0 ? "$\(parameter)" : ",$\(parameter)"
                }
                sql += ")"
                try bind(row, &bindings)
            }
            if let onConflict { sql += " ON CONFLICT " + onConflict }
            statements.append(PostgresQuery(unsafeSQL: sql, binds: bindings))
            start = chunk.endIndex
        }
    }
}
