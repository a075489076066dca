import Foundation

/// Computes every port's data-plane state from the physical topology and the active faults.
///
/// The engine is a value: the server keeps one inside an actor and persists what it returns.
/// Time never comes from a clock inside; every mutating call takes `now`.
///
/// How it stays fast: ports are grouped by ``AttachmentPoint`` (all ports of a host on one
/// physnet share a path), and an index maps every resource to the points whose path mentions
/// it. An event re-evaluates only the points depending on resources whose faultiness changed,
/// and each point's verdict fans out to its ports.
///
/// ```swift
/// var engine = CorrelationEngine(topology: topology)
/// _ = engine.upsertAttachment(PortAttachment(portID: "p1", hostID: "compute-a1", segment: .overlay), now: now)
/// let result = engine.apply([FaultEvent(resource: .switch("leaf-a1"), state: .down, time: t, source: "onos")], now: now)
/// for change in result.changes { /* persist, notify */ }
/// ```
public struct CorrelationEngine: Sendable {
    struct FaultKey: Hashable, Sendable {
        var source: String
        var resource: PhysicalResourceRef
    }

    struct TrackedPath: Sendable {
        var requirement: PathRequirement
        var resources: [PhysicalResourceRef]
        var ports: Set<String>
        var evaluation: PathEvaluation
    }

    /// The topology the engine correlates against.
    public internal(set) var topology: Topology
    var attachments = AttachmentTable()
    var pointByPort = PortKeyedShards<AttachmentPoint>()
    var paths = ShardedDictionary<AttachmentPoint, TrackedPath>()
    var dependentPoints: [PhysicalResourceRef: Set<AttachmentPoint>] = [:]
    var records: [FaultKey: FaultRecord] = [:]
    var sourcesByResource: [PhysicalResourceRef: Set<String>] = [:]
    var downSources: [PhysicalResourceRef: Set<String>] = [:]
    var maintenance: [PhysicalResourceRef: MaintenanceWindow] = [:]
    var portsEverDown = PortKeyedSet()

    /// Creates an engine with no ports and no faults.
    public init(topology: Topology) {
        self.topology = topology
    }

    /// Every fault record currently `down`, sorted by resource then source.
    public var activeFaults: [FaultRecord] {
        records.values.filter { $0.state == .down }.sorted(by: Self.recordOrder)
    }

    /// Every fault record, `down` and `up`, of every resource and source.
    public var allFaultRecords: [FaultRecord] { Array(records.values) }

    /// Every record, `down` and `up`, for one resource, sorted by source.
    public func faultRecords(for resource: PhysicalResourceRef) -> [FaultRecord] {
        (sourcesByResource[resource] ?? []).sorted().compactMap { records[FaultKey(source: $0, resource: resource)] }
    }

    /// The switches and hosts in maintenance, sorted by resource.
    public var maintenanceWindows: [MaintenanceWindow] {
        maintenance.values.sorted { $0.resource < $1.resource }
    }

    /// Whether faults and maintenance may name `resource`: the topology has it, or it is a host that
    /// a port's `binding:host_id` names (a host without a topology document: its ports depend on it
    /// alone).
    ///
    /// A host's `vswitch` is known with the host; a port's `vif` while the port exists, bound or not
    /// (a tap can go down before Neutron's binding lands: the port then binds with its fault).
    public func knows(_ resource: PhysicalResourceRef) -> Bool {
        switch resource.kind {
        case .host, .vswitch:
            topology.contains(resource) || dependentPoints[.host(resource.id)] != nil
        case .vif:
            attachments.contains(resource.id)
        default:
            topology.contains(resource)
        }
    }

    /// Whether the engine keeps records for `resource`: a topology resource, or any host, virtual
    /// switch or port interface (their records outlive the last bound port, so that a port bound
    /// there later sees their state).
    func records(_ resource: PhysicalResourceRef) -> Bool {
        switch resource.kind {
        case .host, .vswitch, .vif: true
        default: topology.contains(resource)
        }
    }

    /// The switches and hosts whose maintenance covers `resource`: the topology's answer, and for a
    /// port's interface, its host.
    func maintenanceScopes(of resource: PhysicalResourceRef) -> [PhysicalResourceRef] {
        guard resource.kind == .vif else { return topology.maintenanceScopes(of: resource) }
        guard let hostID = attachments.hostID(ofPort: resource.id), !hostID.isEmpty else { return [] }
        return [.host(hostID)]
    }

    /// Whether a resource counts as failed now: some source reports it down and no maintenance
    /// covers it.
    public func isFaulty(_ resource: PhysicalResourceRef) -> Bool {
        guard let sources = downSources[resource], !sources.isEmpty else { return false }
        return !isSuppressedByMaintenance(resource)
    }

    /// The attachment the engine holds for a port, if any.
    public func attachment(ofPort portID: String) -> PortAttachment? { attachments[portID] }

    /// The correlated state of a port; nil when the port is unknown or has no physical dependency.
    public func state(ofPort portID: String) -> DataPlaneState? {
        pointByPort[portID].flatMap { paths[$0]?.evaluation.state }
    }

    /// The ports whose path mentions `resource` (a what-if for operators), sorted.
    public func ports(dependingOn resource: PhysicalResourceRef) -> [String] {
        (dependentPoints[resource] ?? []).flatMap { paths[$0]?.ports ?? [] }.sorted()
    }

    /// Everything the engine knows about one port; nil when the port was never given.
    public func assessment(portID: String) -> PortAssessment? {
        guard let attachment = attachments[portID] else { return nil }
        let point = pointByPort[portID]
        let tracked = point.flatMap { paths[$0] }
        let reported = (tracked?.resources ?? []).filter { !(downSources[$0]?.isEmpty ?? true) }
        return PortAssessment(
            attachment: attachment,
            attachmentPoint: point,
            path: tracked?.requirement,
            state: tracked?.evaluation.state,
            rootCause: tracked?.evaluation.rootCause ?? [],
            faults: downRecords(for: reported.filter { !isSuppressedByMaintenance($0) }),
            suppressedFaults: downRecords(for: reported.filter(isSuppressedByMaintenance)),
            hasBeenDown: portsEverDown.contains(portID))
    }

    func isSuppressedByMaintenance(_ resource: PhysicalResourceRef) -> Bool {
        guard !maintenance.isEmpty else { return false }
        return maintenanceScopes(of: resource).contains { maintenance[$0] != nil }
    }

    func downRecords(for resources: [PhysicalResourceRef]) -> [FaultRecord] {
        resources.flatMap { resource in
            (downSources[resource] ?? []).compactMap { records[FaultKey(source: $0, resource: resource)] }
        }.sorted(by: Self.recordOrder)
    }

    static func recordOrder(_ lhs: FaultRecord, _ rhs: FaultRecord) -> Bool {
        lhs.resource == rhs.resource ? lhs.source < rhs.source : lhs.resource < rhs.resource
    }
}
