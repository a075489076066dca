import Foundation
import Logging
import Metrics
import PortwatchCore
import PortwatchStore
import ServiceLifecycle

/// Runs fault correlation against the live store: fault events, maintenance and topology changes go
/// in; the affected ports' `data_plane_status` comes out through the same write path as an API
/// update (revision bump, `updated_at`, `port.update.end` in the outbox), one transaction per batch,
/// with an audit line per port saying why.
///
/// The engine's inputs (topology document, the latest event per source and resource, maintenance
/// windows) are stored as documents in the same transaction as the port changes they cause, so a
/// restart rebuilds exactly the state that was committed. Flap damping holds a port's change while
/// it is inside its hold-down window; the final state is committed when the window ends.
public actor CorrelationService {
    /// Tuning of the service.
    public struct Options: Sendable {
        /// Flap-damping hold-down per port, in seconds; 0 disables damping.
        public var holdDown: TimeInterval

        public init(holdDown: TimeInterval = 1.0) {
            self.holdDown = holdDown
        }
    }

    /// What a batch of events did.
    public struct Submission: Sendable {
        public var result: CorrelationResult
        /// Ports whose change was committed now (others may be held by flap damping).
        public var committedChanges: Int
        /// Ports whose change is held by flap damping.
        public var heldChanges: Int
    }

    enum DocumentKind {
        static let topology = "topology"
        static let faultEvent = "fault-event"
        static let maintenance = "maintenance"
    }

    let repository: Repository
    let logger: Logger
    var engine: CorrelationEngine
    var damper: FlapDamper
    var attachments: [String: PortAttachment] = [:]
    var damperTimer: Task<Void, Never>?
    let portChanges: AsyncStream<[(String, PortwatchCore.Port?)]>
    let portChangesContinuation: AsyncStream<[(String, PortwatchCore.Port?)]>.Continuation
    let identity = Identity.system(requestID: "req-portwatch-correlation")

    /// Rebuilds the engine from the store and attaches every port.
    public init(repository: Repository, options: Options = Options(), logger: Logger) async throws {
        self.repository = repository
        self.logger = logger
        damper = FlapDamper(holdDown: options.holdDown)
        (portChanges, portChangesContinuation) = AsyncStream.makeStream()
        let (engine, attachments, changes) = try await Self.loadEngine(from: repository)
        self.engine = engine
        self.attachments = attachments
        if !changes.isEmpty {
            logger.notice("reconciling ports with the stored faults", metadata: ["ports": "\(changes.count)"])
            try await commit(changes, documents: [])
        }
        repository.observeCommits { [portChangesContinuation] batch in
            // State-only changes (this service's own writes) cannot move a port on the fabric.
            let stateOnly = batch.changes.stateOnlyPorts
            let moved =
                stateOnly.isEmpty ? batch.changes.ports : batch.changes.ports.filter { !stateOnly.contains($0.0) }
            guard !moved.isEmpty else { return }
            portChangesContinuation.yield(moved)
        }
    }

    /// Rebuilds the engine from what the store committed: the topology document, maintenance
    /// windows, the latest event per source and resource, and every port's attachment. Returns the
    /// ports whose stored state disagrees with the rebuilt engine.
    static func loadEngine(
        from repository: Repository
    ) async throws -> (CorrelationEngine, [String: PortAttachment], [PortDataPlaneChange]) {
        let decoder = JSONDecoder()
        let topologyDocument =
            try await repository.backend.documents(ofKind: DocumentKind.topology).first
            .map { try decoder.decode(TopologyDocument.self, from: Data($0.body)) } ?? TopologyDocument()
        var engine = CorrelationEngine(topology: try Topology(topologyDocument))
        for stored in try await repository.backend.documents(ofKind: DocumentKind.maintenance) {
            let window = try decoder.decode(MaintenanceWindow.self, from: Data(stored.body))
            _ = try? engine.setMaintenance(window.resource, active: true, now: window.since, source: window.source)
        }
        let events = try await repository.backend.documents(ofKind: DocumentKind.faultEvent)
            .map { try decoder.decode(FaultEvent.self, from: Data($0.body)) }
            .sorted { $0.time < $1.time }
        _ = engine.apply(events, now: Date())
        let (ports, networks) = repository.read { state in (Array(state.ports.values), state.networks) }
        var attachments: [String: PortAttachment] = [:]
        var changes: [PortDataPlaneChange] = []
        for port in ports {
            let attachment = attachment(of: port, network: networks[port.networkID])
            attachments[port.id] = attachment
            if let change = engine.upsertAttachment(attachment, now: Date()),
                visibleStatusWouldChange(port, change.current)
            {
                changes.append(change)
            }
        }
        return (engine, attachments, changes)
    }

    /// After a failed commit the engine is ahead of the store: start again from the store.
    func resynchronize(after error: any Error) async {
        logger.error("commit failed; rebuilding fault correlation from the store", metadata: ["error": "\(error)"])
        do {
            (engine, attachments, _) = try await Self.loadEngine(from: repository)
        } catch {
            logger.critical("could not rebuild fault correlation", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Reads

    /// The topology document in force.
    public var topologyDocument: TopologyDocument { engine.topology.document }

    /// Fault records that currently report a resource down, by every source.
    public var activeFaults: [FaultRecord] { engine.activeFaults }

    public var maintenanceWindows: [MaintenanceWindow] { engine.maintenanceWindows }

    /// A port's data-plane assessment (state including `degraded`, root cause, faults).
    public func assessment(portID: String) -> PortAssessment? { engine.assessment(portID: portID) }

    /// Whether the topology knows `resource`.
    public func knows(_ resource: PhysicalResourceRef) -> Bool { engine.topology.contains(resource) }

    // MARK: Writes

    /// Applies fault events: all of them or, when one names a resource the topology does not know,
    /// none (``CorrelationServiceError/unknownResources``).
    public func submit(_ events: [FaultEvent]) async throws -> Submission {
        let unknown = events.map(\.resource).filter { !engine.topology.contains($0) }
        if !unknown.isEmpty { throw CorrelationServiceError.unknownResources(unknown) }
        let now = Date()
        let result = engine.apply(events, now: now)
        var documents: [(String, String, [UInt8]?)] = []
        let encoder = JSONEncoder()
        for event in result.accepted + result.duplicates {
            documents.append(
                (DocumentKind.faultEvent, Self.key(event.source, event.resource), [UInt8](try encoder.encode(event))))
        }
        let (committed, held) = damp(result.changes, now: now)
        Counter(label: "portwatch_fault_events_total", dimensions: [("outcome", "accepted")]).increment(
            by: result.accepted.count)
        Counter(label: "portwatch_fault_events_total", dimensions: [("outcome", "duplicate")]).increment(
            by: result.duplicates.count)
        Counter(label: "portwatch_fault_events_total", dimensions: [("outcome", "ignored")]).increment(
            by: result.ignored.count)
        Counter(label: "portwatch_correlated_port_changes_total").increment(by: committed.count)
        do {
            try await commit(committed, documents: documents)
        } catch {
            await resynchronize(after: error)
            throw error
        }
        return Submission(result: result, committedChanges: committed.count, heldChanges: held)
    }

    /// Starts or ends maintenance of a switch or host.
    public func setMaintenance(_ resource: PhysicalResourceRef, active: Bool, source: String) async throws
        -> CorrelationResult
    {
        let now = Date()
        let result = try engine.setMaintenance(resource, active: active, now: now, source: source)
        let key = Self.key("", resource)
        let body =
            active
            ? [UInt8](try JSONEncoder().encode(MaintenanceWindow(resource: resource, since: now, source: source))) : nil
        let (committed, _) = damp(result.changes, now: now)
        do {
            try await commit(committed, documents: [(DocumentKind.maintenance, key, body)])
        } catch {
            await resynchronize(after: error)
            throw error
        }
        return result
    }

    /// Replaces the whole topology; returns the ports whose state changed.
    public func replaceTopology(_ document: TopologyDocument) async throws -> [PortDataPlaneChange] {
        let topology = try Topology(document)
        let now = Date()
        let changes = engine.replaceTopology(topology, now: now)
        let body = [UInt8](try JSONEncoder().encode(document))
        do {
            try await commit(changes, documents: [(DocumentKind.topology, "current", body)])
        } catch {
            await resynchronize(after: error)
            throw error
        }
        return changes
    }

    /// Follows port changes committed by the API (bindings, deletions); run it as a service.
    public func followPortChanges() async {
        for await changes in portChanges {
            await refreshAttachments(changes)
        }
    }

    /// Stops following port changes.
    public nonisolated func finish() {
        portChangesContinuation.finish()
    }

    func refreshAttachments(_ changes: [(String, PortwatchCore.Port?)]) async {
        var affected: [PortDataPlaneChange] = []
        let now = Date()
        for (id, port) in changes {
            guard let port else {
                if attachments.removeValue(forKey: id) != nil { engine.removeAttachment(portID: id) }
                continue
            }
            let attachment = Self.attachment(of: port, network: repository.network(port.networkID))
            guard attachments[id] != attachment else { continue }
            attachments[id] = attachment
            if let change = engine.upsertAttachment(attachment, now: now) { affected.append(change) }
        }
        guard !affected.isEmpty else { return }
        let (committed, _) = damp(affected, now: now)
        do {
            try await commit(committed, documents: [])
        } catch {
            logger.error("could not commit correlated port states", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Damping and commit

    /// Splits changes into those to commit now and those flap damping holds; schedules the flush.
    func damp(_ changes: [PortDataPlaneChange], now: Date) -> (commit: [PortDataPlaneChange], held: Int) {
        guard damper.holdDown > 0 else { return (changes, 0) }
        var committed: [PortDataPlaneChange] = []
        var held = 0
        for change in changes {
            switch damper.offer(change, now: now) {
            case .commit: committed.append(change)
            case .held: held += 1
            case .unchanged: break
            }
        }
        scheduleDamperFlush()
        return (committed, held)
    }

    func scheduleDamperFlush() {
        guard damperTimer == nil, let due = damper.nextDueTime else { return }
        damperTimer = Task { [weak self] in
            let delay = max(0, due.timeIntervalSinceNow)
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000) + 1))
            await self?.flushDamper()
        }
    }

    func flushDamper() async {
        damperTimer = nil
        let due = damper.due(now: Date())
        if !due.isEmpty {
            do {
                try await commit(due, documents: [])
            } catch {
                logger.error("could not commit damped port states", metadata: ["error": "\(error)"])
            }
        }
        scheduleDamperFlush()
    }

    /// Writes port states, audit lines and documents in one transaction.
    func commit(_ changes: [PortDataPlaneChange], documents: [(String, String, [UInt8]?)]) async throws {
        guard !changes.isEmpty || !documents.isEmpty else { return }
        let (causes, causeOfChange) = AuditRenderer.encodeCauses(changes)
        let identity = identity
        try await repository.write { changeSet in
            for (kind, id, body) in documents { changeSet.putDocument(kind: kind, id: id, body: body) }
            let causeIndices = causes.map { changeSet.addAuditCause($0) }
            var decidedAt = (Date.distantPast, "")
            for (change, cause) in zip(changes, causeOfChange) {
                if change.decidedAt != decidedAt.0 {
                    decidedAt = (change.decidedAt, NeutronTimestamp.formatOslo(change.decidedAt))
                }
                let port = changeSet.applyCorrelatedState(
                    portID: change.portID, change.current, hasBeenDown: false, by: identity)
                let visible = port?.dataPlaneStatus ?? changeSet.port(change.portID)?.dataPlaneStatus
                changeSet.appendAudit(
                    subject: change.portID,
                    body: AuditRenderer.line(
                        change, decidedAt: decidedAt.1, dataPlaneStatus: visible, portChanged: port != nil),
                    cause: causeIndices[cause])
            }
        }
    }

    // MARK: Helpers

    static func key(_ source: String, _ resource: PhysicalResourceRef) -> String {
        "\(source)|\(resource.kind.rawValue)|\(resource.id)"
    }

    /// Where a port sits on the fabric, from its binding and its network's provider attributes.
    static func attachment(of port: PortwatchCore.Port, network: Network?) -> PortAttachment {
        PortAttachment(
            portID: port.id, hostID: port.bindingHostID,
            segment: NetworkSegment(networkType: network?.networkType, physicalNetwork: network?.physicalNetwork),
            bindingProfile: port.bindingProfile)
    }

    static func visibleStatusWouldChange(_ port: PortwatchCore.Port, _ state: DataPlaneState?) -> Bool {
        let everDown = port.correlatedDataPlaneStatus != nil || state == .down
        let desired: DataPlaneStatus? = DataPlaneStatusPrecedence.resolve(
            manualOverride: nil, correlated: state, hasBeenDown: everDown)
        return desired != port.correlatedDataPlaneStatus
    }
}

/// Why the service refused a request.
public enum CorrelationServiceError: Error, Sendable {
    /// The events name resources the topology does not have; nothing was applied.
    case unknownResources([PhysicalResourceRef])
}

/// Runs the correlation service's background work (following port changes) until shutdown.
public struct CorrelationBackgroundService: Service {
    let correlation: CorrelationService

    public init(_ correlation: CorrelationService) {
        self.correlation = correlation
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await correlation.followPortChanges()
        } onGracefulShutdown: {
            correlation.finish()
        }
    }
}
