import Foundation

/// Uncommitted changes layered over a committed ``ModelState``, with the outbox events they produce.
///
/// The single writer runs every operation of a group-commit batch against one change set; an
/// operation that throws leaves it as it was (operations work on a copy and assign it back on success).
public struct ChangeSet: Sendable {
    /// The committed state the changes apply to.
    public let base: ModelState
    /// The clock reading of this batch; every timestamp written by it is this value.
    public let now: Date
    public var derivation: PortStatusDerivation
    public private(set) var changes = Changes()
    public private(set) var events: [OutboxEvent] = []
    /// Documents of other parts of the domain (topology, fault records) to write in the same transaction.
    public private(set) var documents: [(kind: String, id: String, body: [UInt8]?)] = []
    /// Audit trail lines (subject, JSON record, index into `auditCauses`) to write in the same transaction.
    public private(set) var audit: [(subject: String, body: [UInt8], cause: Int?)] = []
    /// Causes shared by audit lines (a switch failure is one cause for thousands of ports).
    public private(set) var auditCauses: [[UInt8]] = []
    /// Outbox events and audit lines still being rendered (a storm's): they are in `events` and
    /// `audit` with empty bodies, which the store takes from here as they are rendered.
    public private(set) var backgroundRows: [BackgroundRows] = []
    /// Sink cursors to store in the same transaction (sink name → last delivered sequence).
    public private(set) var cursors: [String: Int64] = [:]
    /// Outbox records up to this sequence are deleted by the transaction (retention).
    public private(set) var pruneOutboxThrough: Int64?
    /// Fault correlation's state as of this change set (nil when the repository runs without
    /// correlation). Operations change it like any other part of the state: it becomes the
    /// committed state only when the transaction is durable, and a failed operation leaves no trace.
    public var correlation: CorrelationState?
    /// Put before the type of every event this change set emits: empty when Portwatch is the port
    /// API; in bridge mode ``bridgeEventTypePrefix``, so that Portwatch's `portwatch.port.update.end`
    /// cannot be taken for the `port.update.end` the cloud's Neutron emits once a verdict lands there.
    public var eventTypePrefix = ""
    private var lastContext: NotificationContext?

    /// Resources written by the batch: a value of nil means deleted. Ordered by first write.
    public struct Changes: Sendable {
        public var networks: [(String, Network?)] = []
        public var ports: [(String, Port?)] = []
        public var securityGroups: [(String, SecurityGroup?)] = []
        /// Ports whose change touches only their state (status, data-plane status, revision,
        /// `updated_at`): the store can write those without rewriting the whole port.
        public var stateOnlyPorts: Set<String> = []
        var networkIndex: [String: Int] = [:]
        var portIndex: [String: Int] = [:]
        var securityGroupIndex: [String: Int] = [:]

        public init() {}

        public var isEmpty: Bool { networks.isEmpty && ports.isEmpty && securityGroups.isEmpty }
    }

    /// The event type prefix of bridge mode (see ``eventTypePrefix``).
    public static let bridgeEventTypePrefix = "portwatch."

    public init(base: ModelState, now: Date, derivation: PortStatusDerivation) {
        self.base = base
        self.now = NeutronTimestamp.truncate(now)
        self.derivation = derivation
        correlation = base.correlation
    }

    public func network(_ id: String) -> Network? {
        if let index = changes.networkIndex[id] { return changes.networks[index].1 }
        return base.networks[id]
    }

    public func port(_ id: String) -> Port? {
        if let index = changes.portIndex[id] { return changes.ports[index].1 }
        return base.ports[id]
    }

    public func securityGroup(_ id: String) -> SecurityGroup? {
        if let index = changes.securityGroupIndex[id] { return changes.securityGroups[index].1 }
        return base.securityGroups[id]
    }

    /// The default security group of `project`, counting this change set's own writes.
    public func defaultSecurityGroup(ofProject project: String) -> SecurityGroup? {
        for case (_, let group?) in changes.securityGroups where group.isDefault && group.projectID == project {
            return group
        }
        return base.defaultSecurityGroupIDs[project].flatMap(securityGroup)
    }

    /// Ports currently on `networkID`, counting this change set's own writes.
    public func portIDs(inNetwork networkID: String) -> Set<String> {
        var ids = base.portIDsByNetwork[networkID] ?? []
        for (id, port) in changes.ports {
            if let port, port.networkID == networkID { ids.insert(id) } else { ids.remove(id) }
        }
        return ids
    }

    /// Whether `mac` is taken on `networkID` by a port other than `excluding`.
    public func isMACInUse(_ mac: String, inNetwork networkID: String, excluding: String? = nil) -> Bool {
        for (id, port) in changes.ports where id != excluding {
            if let port, port.networkID == networkID, port.macAddress == mac { return true }
        }
        guard let owner = base.portID(withMAC: mac, inNetwork: networkID), owner != excluding else { return false }
        // The committed owner may have changed or gone in this change set.
        if let index = changes.portIndex[owner] {
            guard let current = changes.ports[index].1 else { return false }
            return current.networkID == networkID && current.macAddress == mac
        }
        return true
    }

    public mutating func put(_ network: Network) {
        Self.record(network.id, network, in: &changes.networks, index: &changes.networkIndex)
    }

    public mutating func deleteNetwork(_ id: String) {
        Self.record(id, nil, in: &changes.networks, index: &changes.networkIndex)
    }

    public mutating func put(_ group: SecurityGroup) {
        Self.record(group.id, group, in: &changes.securityGroups, index: &changes.securityGroupIndex)
    }

    public mutating func deleteSecurityGroup(_ id: String) {
        Self.record(id, nil, in: &changes.securityGroups, index: &changes.securityGroupIndex)
    }

    /// Records the latest value of `id` (nil: deleted), keeping the order of first writes.
    private static func record<Value>(
        _ id: String, _ value: Value?, in entries: inout [(String, Value?)], index: inout [String: Int]
    ) {
        if let position = index[id] {
            entries[position].1 = value
        } else {
            index[id] = entries.count
            entries.append((id, value))
        }
    }

    /// Records a change of a port's state only (see ``Changes/stateOnlyPorts``); a port already
    /// changed in full by this change set stays a full change.
    /// Returns the port's position in the batch's ports.
    @discardableResult
    public mutating func putState(_ port: Port) -> Int {
        // One lookup for the common case, a port not yet changed by this change set (a storm).
        if let position = changes.portIndex[port.id] {
            changes.ports[position].1 = port
            return position  // already a state-only change, or a full one that stays full
        }
        let position = changes.ports.count
        changes.portIndex[port.id] = position
        changes.ports.append((port.id, port))
        changes.stateOnlyPorts.insert(port.id)
        return position
    }

    /// Makes room for `count` more port states with their events and audit lines, so that a storm
    /// does not grow (and rehash) the batch's tables step by step.
    mutating func reserveCapacity(forPortStates count: Int) {
        changes.ports.reserveCapacity(changes.ports.count + count)
        changes.portIndex.reserveCapacity(changes.portIndex.count + count)
        changes.stateOnlyPorts.reserveCapacity(changes.stateOnlyPorts.count + count)
        events.reserveCapacity(events.count + count)
        audit.reserveCapacity(audit.count + count)
    }

    public mutating func put(_ port: Port) {
        changes.stateOnlyPorts.remove(port.id)
        Self.record(port.id, port, in: &changes.ports, index: &changes.portIndex)
    }

    public mutating func deletePort(_ id: String) {
        changes.stateOnlyPorts.remove(id)
        Self.record(id, nil, in: &changes.ports, index: &changes.portIndex)
    }

    /// Adds an outbox event to the batch's transaction.
    public mutating func emit(
        _ eventType: String, resourceType: String, resourceID: String, projectID: String?,
        payload: [UInt8], by identity: Identity
    ) {
        // One request (or one correlation batch) emits many events with the same context.
        let context: NotificationContext
        if let cached = lastContext, cached.requestID == identity.requestID, cached.userID == identity.userID {
            context = cached
        } else {
            context = NotificationContext(identity)
            lastContext = context
        }
        events.append(
            OutboxEvent(
                eventType: eventTypePrefix + eventType, resourceType: resourceType, resourceID: resourceID,
                projectID: projectID,
                payload: payload, context: context, occurredAt: Date()))
    }

    /// Stores (or, with a nil body, deletes) a document in the batch's transaction.
    public mutating func putDocument(kind: String, id: String, body: [UInt8]?) {
        documents.append((kind, id, body))
    }

    /// Adds a cause that audit lines can share; returns its index for ``appendAudit(subject:body:cause:)``.
    public mutating func addAuditCause(_ body: [UInt8]) -> Int {
        auditCauses.append(body)
        return auditCauses.count - 1
    }

    /// Appends an audit trail line (a JSON object) for `subject`, optionally sharing a cause.
    public mutating func appendAudit(subject: String, body: [UInt8], cause: Int? = nil) {
        audit.append((subject, body, cause))
    }

    /// Records rows rendered in the background: `events` and `audit` already hold them, bodies empty.
    mutating func appendBackgroundRows(_ rows: BackgroundRows) {
        backgroundRows.append(rows)
    }

    /// Records that `sink` delivered everything up to `sequence` (a cursor never moves back).
    public mutating func setCursor(of sink: String, to sequence: Int64) {
        cursors[sink] = max(cursors[sink] ?? sequence, sequence)
    }

    /// Deletes the outbox records up to `sequence` in this transaction.
    public mutating func pruneOutbox(through sequence: Int64) {
        pruneOutboxThrough = max(pruneOutboxThrough ?? sequence, sequence)
    }

    /// Runs `operation` atomically: on error, nothing it changed or emitted remains.
    public mutating func atomically<T>(_ operation: (inout ChangeSet) throws -> T) throws -> T {
        var attempt = self
        let result = try operation(&attempt)
        self = attempt
        return result
    }
}
