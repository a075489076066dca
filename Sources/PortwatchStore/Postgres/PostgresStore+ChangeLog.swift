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
        try await follow(after: sequence, limit: limit, documentKinds: wanted, on: connection).batch
    }

    /// Who the cluster's writer is, as the `cluster` and `replicas` tables say.
    public typealias ClusterWriter = (epoch: Int64, name: String?, url: String?)

    /// A follower's pass: ``changes(after:limit:documentKinds:on:)`` and ``writer(on:)``, read by one
    /// statement, so in one snapshot and one round trip (a follower answers a forwarded write only
    /// once it has applied the write's commit: this read is on that path, and its seven round trips
    /// in a transaction took 2.6 ms at the median under a write load).
    ///
    /// The statement returns rows of several kinds, told apart by their first column: the log's oldest
    /// sequence (`o`), the writer (`w`), the entries after `sequence` (`c`), and the rows they name:
    /// networks (`n`), ports written in full, with their state (`p`), ports whose state alone was
    /// written and by no entry in full (`s`), and the documents of `wanted` kinds (`d`).
    public func follow(
        after sequence: Int64, limit: Int = 1000, documentKinds wanted: Set<String>, on connection: PostgresConnection
    ) async throws -> (batch: ChangeLogBatch, writer: ClusterWriter) {
        let rows = try await connection.execute(
            FollowStatement(after: sequence, limit: Int64(limit), documentKinds: wanted.sorted()), logger: logger)
        var result = ChangeLogBatch(through: sequence, truncated: false)
        var writer: ClusterWriter = (0, nil, nil)
        var oldest: Int64?
        var first: Int64?
        var networks: [(id: String, network: Network?)] = []
        var ports: [(id: String, port: PortwatchCore.Port?)] = []
        var states: [(id: String, state: StoredPortState?)] = []
        var documents: [(kind: String, id: String, body: [UInt8]?)] = []
        let decoder = JSONDecoder()
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let kind = try columns[0].decode(String.self)
            switch kind {
            case "o":
                oldest = try columns[1].decode(Int64?.self)
            case "w":
                writer = (
                    try columns[1].decode(Int64.self), try columns[2].decode(String?.self),
                    try columns[3].decode(String?.self)
                )
            case "c":
                let next = try columns[1].decode(Int64.self)
                first = min(first ?? next, next)
                result.through = max(result.through, next)
                result.newestOutbox = max(result.newestOutbox, try columns[16].decode(Int64.self))
                result.documentKinds.formUnion(try columns[14].decode([String].self))
            case "n":
                let id = try columns[2].decode(String.self)
                let network = try columns[4].decode(Data?.self).map { try decoder.decode(Network.self, from: $0) }
                networks.append((id, network))
            case "p":
                let id = try columns[2].decode(String.self)
                let port = try columns[4].decode(Data?.self).map { body in
                    try Self.decodePort(
                        (
                            body, try columns[5].decode(Int64?.self), try columns[6].decode(Double?.self),
                            try columns[7].decode(String?.self), try columns[8].decode(String?.self),
                            try columns[9].decode(String?.self), try columns[10].decode(String?.self)
                        ), decoder: decoder)
                }
                ports.append((id, port))
            case "s":
                let id = try columns[2].decode(String.self)
                var state: StoredPortState?
                if let revision = try columns[5].decode(Int64?.self) {
                    state = StoredPortState(
                        revisionNumber: revision, updatedAt: try columns[6].decode(Double.self),
                        status: try columns[7].decode(String.self),
                        dataPlaneStatus: try columns[8].decode(String?.self),
                        dataPlaneStatusOverride: try columns[9].decode(String?.self),
                        correlatedDataPlaneStatus: try columns[10].decode(String?.self))
                }
                states.append((id, state))
            case "d":
                documents.append(
                    (
                        try columns[2].decode(String.self), try columns[3].decode(String.self),
                        try columns[4].decode(Data?.self).map { [UInt8]($0) }
                    ))
            default:
                throw PostgresStoreError("unexpected row kind \(kind) reading the change log")
            }
        }
        if let first, first > sequence + 1 || (oldest ?? first) > sequence + 1 {
            result.truncated = true
            return (result, writer)
        }
        result.networks = networks.sorted { $0.id < $1.id }
        result.ports = ports.sorted { $0.id < $1.id }
        result.portStates = states.sorted { $0.id < $1.id }
        result.documents = documents.sorted { [$0.kind, $0.id].lexicographicallyPrecedes([$1.kind, $1.id]) }
        return (result, writer)
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

    /// Whether commits wake the followers: unless this replica's last heartbeat found no other
    /// replica alive (see ``ChangeBell``).
    public var wakesFollowers: Bool { changeBell.isListened }

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
/// ``PostgresStore/withBoundedStatement(attempt:_:)``), at most one at a time and at most one per
/// ``spacing``: the commits stored meanwhile are announced by the next, which names the newest of
/// them. A commit after a quiet spell is announced at once.
final class ChangeBell: Sendable {
    /// The shortest time between two wake-ups (``PostgresStore/defaultWakeUpSpacing``).
    let spacing: Duration

    init(spacing: Duration) {
        self.spacing = spacing
    }

    private struct State {
        var sending = false
        var newest: Int64 = 0
        var announced: Int64 = 0
    }

    private let state = Mutex(State())
    /// Whether another replica may be listening. A store starts out assuming so; a replica's heartbeat
    /// tells it whether any other replica is alive (``PostgresStore/heartbeat(replica:url:applied:forgetAfter:)``).
    /// Alone, a writer sends no wake-up: it cost a statement and a transaction per commit, 15 % of the
    /// PUT rate of a lone process. A replica that starts follows the log every
    /// ``ClusterSettings/followInterval`` anyway until the writer's next heartbeat sees it.
    private let listened = Atomic(true)

    /// Whether wake-ups are sent (see ``listened``).
    var isListened: Bool { listened.load(ordering: .relaxed) }

    func setListened(_ value: Bool) { listened.store(value, ordering: .relaxed) }

    /// Announces that `sequence` is stored, through `store`.
    func ring(_ sequence: Int64, via store: PostgresStore) {
        guard listened.load(ordering: .relaxed) else { return }
        let start = state.withLock { state in
            state.newest = max(state.newest, sequence)
            defer { state.sending = true }
            return !state.sending
        }
        guard start else { return }
        Task { [spacing] in
            while let next = nextToAnnounce() {
                await store.notifyFollowers(through: next)
                // The commits stored meanwhile are announced together, `spacing` later.
                if spacing > .zero { try? await Task.sleep(for: spacing) }
            }
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

/// The statement of ``PostgresStore/follow(after:limit:documentKinds:on:)``, prepared once on the
/// follower's session: a follower runs it hundreds of times a second under a write load, and planning its
/// seven branches each time cost PostgreSQL more than running them.
struct FollowStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    static let sql = """
        WITH c AS (
            SELECT sequence, networks, ports, port_states, document_kinds, document_ids, outbox FROM changes
            WHERE sequence > $1 ORDER BY sequence LIMIT $2),
        full_ports AS (
            SELECT DISTINCT f.id FROM c,
                LATERAL (SELECT unnest(c.ports) EXCEPT SELECT unnest(c.port_states)) AS f(id)),
        state_ports AS (
            SELECT s.id FROM c, unnest(c.port_states) AS s(id) EXCEPT SELECT id FROM full_ports),
        network_ids AS (SELECT DISTINCT n.id FROM c, unnest(c.networks) AS n(id)),
        document_keys AS (
            SELECT DISTINCT d.kind, d.id FROM c, unnest(c.document_kinds, c.document_ids) AS d(kind, id)
            WHERE d.kind = ANY($3::text[]))
        SELECT 'o', (SELECT min(sequence) FROM changes), NULL::text, NULL::text, NULL::bytea,
            NULL::bigint, NULL::float8, NULL::text, NULL::text, NULL::text, NULL::text,
            NULL::text[], NULL::text[], NULL::text[], NULL::text[], NULL::text[], NULL::bigint
        UNION ALL
        SELECT 'w', w.epoch, w.writer, r.url, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, NULL
        FROM cluster w LEFT JOIN replicas r ON r.name = w.writer WHERE w.id = 1
        UNION ALL
        SELECT 'c', c.sequence, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            c.networks, c.ports, c.port_states, c.document_kinds, c.document_ids, c.outbox
        FROM c
        UNION ALL
        SELECT 'n', NULL, n.id, NULL, networks.body, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, NULL
        FROM network_ids n LEFT JOIN networks ON networks.id = n.id
        UNION ALL
        SELECT 'p', NULL, f.id, NULL, p.body, s.revision_number, s.updated_at, s.status,
            s.data_plane_status, s.override, s.correlated, NULL, NULL, NULL, NULL, NULL, NULL
        FROM full_ports f LEFT JOIN ports p ON p.id = f.id LEFT JOIN port_state s ON s.port_id = p.id
        UNION ALL
        SELECT 's', NULL, t.id, NULL, NULL, s.revision_number, s.updated_at, s.status,
            s.data_plane_status, s.override, s.correlated, NULL, NULL, NULL, NULL, NULL, NULL
        FROM state_ports t LEFT JOIN port_state s ON s.port_id = t.id
        UNION ALL
        SELECT 'd', NULL, k.kind, k.id, d.body, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, NULL
        FROM document_keys k LEFT JOIN documents d ON d.kind = k.kind AND d.id = k.id
        """

    var after: Int64
    var limit: Int64
    var documentKinds: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(after)
        bindings.append(limit)
        bindings.append(documentKinds)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
