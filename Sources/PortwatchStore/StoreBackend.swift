import PortwatchCore

/// Durable storage for Portwatch's state: networks, ports, the notification outbox, sink cursors,
/// and documents of other modules (topology, faults) and the audit trail.
///
/// Contract: ``commit(_:)`` is the only way anything is written (the ``Repository``'s single
/// writer calls it); it writes everything in one transaction and returns only when it is durable
/// (an acknowledged write survives `kill -9`); it either applies all of a commit or nothing.
/// Implementations: ``SQLiteStore`` (embedded, default); PostgreSQL plugs in behind the same protocol.
public protocol StoreBackend: Sendable {
    /// Creates or migrates the schema.
    func migrate() async throws
    /// Everything needed to rebuild the in-memory state at start-up.
    func loadSnapshot() async throws -> StoreSnapshot
    /// Writes one batch in one transaction.
    func commit(_ commit: StoreCommit) async throws
    /// Outbox records with a sequence greater than `sequence`, in order, at most `limit`.
    func outboxRecords(after sequence: Int64, limit: Int) async throws -> [OutboxRecord]
    /// The last sequence delivered to `sink` (0 when it has never delivered). Cursors are written
    /// by ``commit(_:)`` (``StoreCommit/cursors``), like every other write.
    func cursor(of sink: String) async throws -> Int64
    /// Documents of one kind, e.g. the topology or the fault records.
    func documents(ofKind kind: String) async throws -> [StoredDocument]
    /// Audit entries of one subject (a port id), newest last, at most `limit`.
    func auditEntries(subject: String, limit: Int) async throws -> [AuditEntry]
    /// Housekeeping that must stay off the commit path (SQLite: WAL checkpoints). Called periodically.
    func checkpoint() async throws
    /// Whether ``commit(_:)`` takes a commit whose ``StoreCommit/backgroundRows`` are still being
    /// rendered, reading each body as it writes its row (``StoreCommit/forEachRowBody(outbox:audit:)``).
    /// Otherwise the repository waits for them and fills them in first.
    var writesRowsAsRendered: Bool { get }
}

/// A store whose commit the writer may wait for on its own thread (``SQLiteStore``: the transaction
/// runs on the calling thread) instead of handing it to another thread and awaiting it.
public protocol CommitsOnCallingThread: StoreBackend {
    /// ``StoreBackend/commit(_:)``, on the calling thread, which it blocks until the commit is durable.
    func commitWaiting(_ commit: StoreCommit) throws
}

extension StoreBackend {
    public func checkpoint() async throws {}
    public var writesRowsAsRendered: Bool { false }
}

/// The state loaded at start-up.
public struct StoreSnapshot: Sendable {
    public var networks: [Network]
    public var ports: [PortwatchCore.Port]
    public var lastOutboxSequence: Int64
    public var lastAuditSequence: Int64
    public var lastAuditCause: Int64
    /// The newest change-log sequence the snapshot includes (PostgreSQL's replicas follow the log
    /// from there; 0 for a store without one).
    public var lastChange: Int64 = 0

    public init(
        networks: [Network], ports: [PortwatchCore.Port], lastOutboxSequence: Int64, lastAuditSequence: Int64,
        lastAuditCause: Int64 = 0
    ) {
        self.networks = networks
        self.ports = ports
        self.lastOutboxSequence = lastOutboxSequence
        self.lastAuditSequence = lastAuditSequence
        self.lastAuditCause = lastAuditCause
    }
}

/// One transaction's worth of writes.
public struct StoreCommit: Sendable {
    public var networks: [(id: String, network: Network?)] = []
    public var ports: [(id: String, port: PortwatchCore.Port?)] = []
    /// Ports whose state alone changed (see `ChangeSet.Changes.stateOnlyPorts`).
    public var portStates: [PortwatchCore.Port] = []
    public var outbox: [OutboxRecord] = []
    public var documents: [(kind: String, id: String, body: [UInt8]?)] = []
    public var audit: [AuditEntry] = []
    public var auditCauses: [(id: Int64, body: [UInt8])] = []
    /// Sink cursors to store (sink name, last delivered sequence); a stored cursor never moves back.
    public var cursors: [(sink: String, sequence: Int64)] = []
    /// Deletes outbox records with a sequence up to this one (retention), before inserting `outbox`.
    public var pruneOutboxThrough: Int64?
    /// Rows of `outbox` and `audit` (the same indices as the change set's `events` and `audit`) whose
    /// bodies are still being rendered, empty there until ``fillInBackgroundRows()``.
    public var backgroundRows: [BackgroundRows] = []

    /// Hands every `outbox` row's payload to `outbox` and every `audit` row's body to `audit`, once
    /// rendered, in an order that keeps few rendered rows in memory: the rows not rendered in the
    /// background first, then the background rows chunk by chunk (a chunk's outbox rows, then its
    /// audit lines), each chunk freed once handed on. Call it once: freed rows are gone.
    public func forEachRowBody(
        outbox writeOutbox: (_ index: Int, _ payload: [UInt8]) throws -> Void,
        audit writeAudit: (_ index: Int, _ body: [UInt8]) throws -> Void
    ) rethrows {
        let backgroundEvents = backgroundRows.map(\.events)
        for index in outbox.indices where !backgroundEvents.contains(where: { $0.contains(index) }) {
            try writeOutbox(index, outbox[index].event.payload)
        }
        let backgroundAudit = backgroundRows.map(\.audit)
        for index in audit.indices where !backgroundAudit.contains(where: { $0.contains(index) }) {
            try writeAudit(index, audit[index].body)
        }
        for rows in backgroundRows {
            try rows.forEachChunk { events, lines in
                for index in events { try writeOutbox(index, rows.payload(ofEvent: index)) }
                for index in lines { try writeAudit(index, rows.line(ofAudit: index)) }
            }
        }
    }

    /// Waits for every row still being rendered and puts its body in `outbox` or `audit` (for a
    /// store that writes them all at once).
    public mutating func fillInBackgroundRows() {
        for rows in backgroundRows {
            rows.forEachChunk { events, lines in
                for index in events { outbox[index].event.payload = rows.payload(ofEvent: index) }
                for index in lines { audit[index].body = rows.line(ofAudit: index) }
            }
        }
        backgroundRows = []
    }

    public init() {}

    public var isEmpty: Bool {
        networks.isEmpty && ports.isEmpty && portStates.isEmpty && outbox.isEmpty && documents.isEmpty && audit.isEmpty
            && auditCauses.isEmpty && cursors.isEmpty && pruneOutboxThrough == nil
    }
}

/// A JSON document stored by kind and id.
public struct StoredDocument: Sendable, Hashable {
    public var kind: String
    public var id: String
    public var body: [UInt8]

    public init(kind: String, id: String, body: [UInt8]) {
        self.kind = kind
        self.id = id
        self.body = body
    }
}

/// One line of the audit trail: why a subject (a port) changed.
public struct AuditEntry: Sendable, Hashable {
    public var sequence: Int64
    public var subject: String
    public var occurredAt: Double
    /// The JSON record (when read back, with its shared cause spliced in as `"cause"`).
    public var body: [UInt8]
    /// The id of a shared cause in the store, if any.
    public var causeID: Int64?

    public init(sequence: Int64, subject: String, occurredAt: Double, body: [UInt8], causeID: Int64? = nil) {
        self.sequence = sequence
        self.subject = subject
        self.occurredAt = occurredAt
        self.body = body
        self.causeID = causeID
    }
}

/// A commit that failed, and what is known of its outcome: the writer answers both 503, but only a
/// commit that certainly changed nothing lets it go on; after an unknown outcome it must fail-stop
/// until the store says what happened.
///
/// ```swift
/// do { try await backend.commit(commit) } catch let error as StoreCommitError where error.outcome == .unknown {
///     // memory may lag the store: reload (or, as a replica, step down) before the next write
/// }
/// ```
public struct StoreCommitError: Error, CustomStringConvertible {
    /// What is known of a failed commit.
    public struct Outcome: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case notApplied, unknown
        }

        private let value: Value

        /// The commit changed nothing: it failed before it was sent (no connection in time), or the
        /// database refused it.
        public static let notApplied = Outcome(value: .notApplied)
        /// The commit was sent and no answer came: the store may or may not hold the commit.
        public static let unknown = Outcome(value: .unknown)

        public var description: String { value == .notApplied ? "not applied" : "unknown" }
    }

    public var outcome: Outcome
    /// What went wrong, for the log (never shown to API clients).
    public var reason: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    public init(_ outcome: Outcome, reason: String, cause: (any Error)? = nil) {
        self.outcome = outcome
        self.reason = reason
        self.cause = cause
    }

    public var description: String {
        "commit \(outcome): \(reason)" + (cause.map { " (\($0))" } ?? "")
    }
}
