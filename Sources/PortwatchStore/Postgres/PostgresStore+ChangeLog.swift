import Foundation
import Logging
import PortwatchCore
import PostgresNIO
import Synchronization

/// The change log: one row per commit, written in the commit's transaction, naming what it touched.
/// Followers replay it from the last sequence they applied: they reload the rows it names, so their
/// memory follows the store and a missed wake-up costs only latency.
extension PostgresStore {
    /// How many of the newest entries the log keeps; a follower further behind reloads everything.
    static let changeLogRetention: Int64 = 10_000

    /// What one commit touched, as its change-log row records it.
    struct ChangeLogEntry {
        var networks: [String]
        /// Every port written, in full or state only (what a follower of the previous release reads
        /// in full).
        var ports: [String]
        /// The ports of ``ports`` whose state alone was written: a follower reads their state only.
        var portStates: [String]
        var documentKinds: [String]
        var documentIDs: [String]
        /// The newest outbox sequence the commit wrote (0 when it wrote none).
        var outbox: Int64
    }

    static func changeLogEntry(for commit: StoreCommit) -> ChangeLogEntry {
        var ports = commit.ports.map(\.id)
        let full = Set(ports)
        let states = commit.portStates.lazy.map(\.id).filter { !full.contains($0) }
        ports.append(contentsOf: commit.portStates.map(\.id))
        return ChangeLogEntry(
            networks: commit.networks.map(\.id), ports: ports, portStates: Array(states),
            documentKinds: commit.documents.map(\.kind), documentIDs: commit.documents.map(\.id),
            outbox: commit.outbox.last?.sequence ?? 0)
    }

    /// The `NOTIFY` channel a commit wakes (its payload is the commit's change-log sequence).
    public static let changeChannel = "portwatch_changes"

    /// The commits after `sequence` (at most `limit`) and the rows they touched, read in one snapshot,
    /// so that the rows are exactly as the newest of those commits left them. Document bodies are read
    /// only for `documentKinds`.
    public func changes(after sequence: Int64, limit: Int = 1000, documentKinds wanted: Set<String>) async throws
        -> ChangeLogBatch
    {
        try await withBoundedLease { connection in
            try await self.changes(after: sequence, limit: limit, documentKinds: wanted, on: connection)
        }
    }

    /// ``changes(after:limit:documentKinds:)`` on `connection` (a session of the caller's own).
    public func changes(
        after sequence: Int64, limit: Int = 1000, documentKinds wanted: Set<String>, on connection: PostgresConnection
    ) async throws -> ChangeLogBatch {
        let logger = logger
        return try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var result = ChangeLogBatch(through: sequence, truncated: false)
            var oldest: Int64?
            let bounds = try await connection.query("SELECT min(sequence) FROM changes", logger: logger)
            for try await value in bounds.decode(Int64?.self) { oldest = value }
            var networkIDs: Set<String> = []
            var portIDs: Set<String> = []
            var stateIDs: Set<String> = []
            var documentKeys: Set<[String]> = []
            let rows = try await connection.query(
                """
                SELECT sequence, networks, ports, port_states, document_kinds, document_ids, outbox FROM changes
                WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(Int64(limit))
                """, logger: logger)
            var first: Int64?
            for try await (next, networks, ports, states, kinds, ids, outbox) in rows.decode(
                (Int64, [String], [String], [String], [String], [String], Int64).self)
            {
                if first == nil { first = next }
                result.through = next
                result.newestOutbox = max(result.newestOutbox, outbox)
                networkIDs.formUnion(networks)
                // A port written in full by any of these commits is read in full.
                if states.isEmpty {
                    portIDs.formUnion(ports)
                } else {
                    let stateOnly = Set(states)
                    portIDs.formUnion(ports.lazy.filter { !stateOnly.contains($0) })
                    stateIDs.formUnion(stateOnly)
                }
                for (kind, id) in zip(kinds, ids) {
                    result.documentKinds.insert(kind)
                    if wanted.contains(kind) { documentKeys.insert([kind, id]) }
                }
            }
            if let first, first > sequence + 1 || (oldest ?? first) > sequence + 1 {
                result.truncated = true
                return result
            }
            result.networks = try await Self.networks(networkIDs, on: connection, logger: logger)
            result.ports = try await Self.ports(portIDs, on: connection, logger: logger)
            result.portStates = try await Self.portStates(
                stateIDs.subtracting(portIDs), on: connection, logger: logger)
            result.documents = try await Self.documents(documentKeys, on: connection, logger: logger)
            return result
        }
    }

    private static func networks(
        _ ids: Set<String>, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(id: String, network: Network?)] {
        guard !ids.isEmpty else { return [] }
        let decoder = JSONDecoder()
        var found: [String: Network] = [:]
        let rows = try await connection.query(
            "SELECT id, body FROM networks WHERE id = ANY(\(Array(ids))::text[])", logger: logger)
        for try await (id, body) in rows.decode((String, Data).self) {
            found[id] = try decoder.decode(Network.self, from: body)
        }
        return ids.sorted().map { ($0, found[$0]) }
    }

    private static func ports(
        _ ids: Set<String>, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(id: String, port: PortwatchCore.Port?)] {
        guard !ids.isEmpty else { return [] }
        var found: [String: PortwatchCore.Port] = [:]
        let rows = try await connection.query(
            """
            SELECT \(unescaped: portColumns) FROM ports p LEFT JOIN port_state s ON s.port_id = p.id
            WHERE p.id = ANY(\(Array(ids))::text[])
            """, logger: logger)
        let decoder = JSONDecoder()
        for try await row in rows.decode(PortRow.self) {
            let port = try decodePort(row, decoder: decoder)
            found[port.id] = port
        }
        return ids.sorted().map { ($0, found[$0]) }
    }

    /// The stored state of each port of `ids` (no JSON to decode: a storm's 50,000 state changes
    /// are read as columns).
    private static func portStates(
        _ ids: Set<String>, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(id: String, state: StoredPortState?)] {
        guard !ids.isEmpty else { return [] }
        var found: [String: StoredPortState] = [:]
        found.reserveCapacity(ids.count)
        let rows = try await connection.query(
            """
            SELECT port_id, revision_number, updated_at, status, data_plane_status, override, correlated
            FROM port_state WHERE port_id = ANY(\(Array(ids))::text[])
            """, logger: logger)
        for try await (id, revision, updatedAt, status, dataPlane, override, correlated) in rows.decode(
            (String, Int64, Double, String, String?, String?, String?).self)
        {
            found[id] = StoredPortState(
                revisionNumber: revision, updatedAt: updatedAt, status: status, dataPlaneStatus: dataPlane,
                dataPlaneStatusOverride: override, correlatedDataPlaneStatus: correlated)
        }
        return ids.sorted().map { ($0, found[$0]) }
    }

    private static func documents(
        _ keys: Set<[String]>, on connection: PostgresConnection, logger: Logger
    ) async throws -> [(kind: String, id: String, body: [UInt8]?)] {
        guard !keys.isEmpty else { return [] }
        let sorted = keys.sorted { $0.lexicographicallyPrecedes($1) }
        var found: [[String]: [UInt8]] = [:]
        let rows = try await connection.query(
            """
            SELECT kind, id, body FROM documents WHERE (kind, id) IN
            (SELECT * FROM unnest(\(sorted.map { $0[0] })::text[], \(sorted.map { $0[1] })::text[]))
            """, logger: logger)
        for try await (kind, id, body) in rows.decode((String, String, Data).self) {
            found[[kind, id]] = [UInt8](body)
        }
        return sorted.map { ($0[0], $0[1], found[$0]) }
    }

    /// The columns of a port row with its state (``PortRow``), for `ports p LEFT JOIN port_state s`.
    static let portColumns =
        "p.body, s.revision_number, s.updated_at, s.status, s.data_plane_status, s.override, s.correlated"

    typealias PortRow = (Data, Int64?, Double?, String?, String?, String?, String?)

    /// A stored port with its state-only row applied (a newer revision than the body's).
    static func decodePort(_ row: PortRow, decoder: JSONDecoder) throws -> PortwatchCore.Port {
        let (body, revision, updatedAt, status, dataPlane, override, correlated) = row
        var port = try decoder.decode(PortwatchCore.Port.self, from: body)
        if let revision, let updatedAt, let status {
            StoredPortState(
                revisionNumber: revision, updatedAt: updatedAt, status: status, dataPlaneStatus: dataPlane,
                dataPlaneStatusOverride: override, correlatedDataPlaneStatus: correlated
            ).apply(to: &port)
        }
        return port
    }
}

extension PostgresStore {
    /// Deletes the change log's entries up to `sequence`, in a statement of its own after a commit:
    /// the commit does not wait for it, and a failure only leaves the log longer until the next.
    func pruneChangeLog(through sequence: Int64) {
        guard sequence > 0 else { return }
        Task { [self] in
            do {
                try await withBoundedLease { connection in
                    try await connection.query("DELETE FROM changes WHERE sequence <= \(sequence)", logger: self.logger)
                }
            } catch {
                logger.debug("pruning the change log failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Sends the followers' wake-up: `NOTIFY` on ``changeChannel`` with `sequence`, in a transaction
    /// of its own that does not wait for the disk (a wake-up lost in a crash costs a follower latency
    /// only: it reads the log every ``ClusterSettings/followInterval`` anyway).
    func notifyFollowers(through sequence: Int64) async {
        do {
            try await withBoundedLease { connection in
                try await connection.query(
                    """
                    SELECT set_config('synchronous_commit', 'off', true), \
                    pg_notify(\(Self.changeChannel), \(String(sequence)))
                    """, logger: self.logger)
            }
        } catch {
            logger.debug("waking the followers failed", metadata: ["error": "\(error)"])
        }
    }
}

/// The followers' wake-up after commits. It is sent after a commit, not in its statement (see
/// ``PostgresStore/withBoundedStatement(attempt:_:)``), at most one at a time: the commits stored
/// while one is on its way are announced by the next, which names the newest of them.
final class ChangeBell: Sendable {
    private struct State {
        var sending = false
        var newest: Int64 = 0
        var announced: Int64 = 0
    }

    private let state = Mutex(State())

    /// Announces that `sequence` is stored, through `store`.
    func ring(_ sequence: Int64, via store: PostgresStore) {
        let start = state.withLock { state in
            state.newest = max(state.newest, sequence)
            defer { state.sending = true }
            return !state.sending
        }
        guard start else { return }
        Task {
            while let next = nextToAnnounce() { await store.notifyFollowers(through: next) }
        }
    }

    /// The sequence to announce next, or nil (and the bell idle) when the newest is announced.
    private func nextToAnnounce() -> Int64? {
        state.withLock { state in
            guard state.newest > state.announced else {
                state.sending = false
                return nil
            }
            state.announced = state.newest
            return state.announced
        }
    }
}
