import Foundation
import Logging
import Metrics
import PortwatchCore
import PortwatchStore
import ServiceLifecycle
import Synchronization

/// Runs fault correlation against the live store: fault events, maintenance and topology changes go
/// in; the affected ports' `data_plane_status` comes out through the same write path as an API
/// update (revision bump, `updated_at`, `port.update.end` in the outbox), one transaction per batch,
/// with an audit line per port saying why.
///
/// Every step is an operation of the repository's single writer: it computes the engine's and the
/// damper's next state on the batch's ``ChangeSet`` (``CorrelationState``), together with the port
/// states, audit lines and the documents that record its inputs (topology, the latest event per
/// source and resource, maintenance windows). Memory takes that state only when the transaction is
/// durable; a failed commit leaves nothing behind, and the repository rebuilds correlation from the
/// store before the next write. Steps never interleave: the writer runs them one after another.
///
/// Flap damping holds a port's change inside its hold-down; a timer writes the final state when the
/// window ends. Held changes are not stored: at start (and after a reload) every port is reconciled
/// with the verdict of the stored faults, and a graceful shutdown writes what is still held.
public final class CorrelationService: Sendable {
    /// Tuning of the service.
    public struct Options: Sendable {
        /// Flap-damping hold-down per port, in seconds; 0 disables damping.
        public var holdDown: TimeInterval
        /// How far in the future an event's `time` may be (a clock ahead of ours); later times are
        /// clamped to the time of arrival, so that one bad clock cannot make every later real event
        /// of its source "older".
        public var maxClockSkew: TimeInterval
        /// How long a learned link stays after its host's reports stop naming it.
        public var learnedLinkGrace: TimeInterval

        public init(holdDown: TimeInterval = 1.0, maxClockSkew: TimeInterval = 5, learnedLinkGrace: TimeInterval = 300) {
            self.holdDown = holdDown
            self.maxClockSkew = maxClockSkew
            self.learnedLinkGrace = learnedLinkGrace
        }
    }

    /// What a batch of events did.
    public struct Submission: Sendable {
        public var result: CorrelationResult
        /// Ports whose change was committed now (others may be held by flap damping).
        public var committedChanges: Int
        /// Ports whose change is held by flap damping.
        public var heldChanges: Int
        /// The events whose `time` was too far in the future, by the clamped event, with the time
        /// they carried.
        public var clamped: [FaultEvent: Date] = [:]
    }

    enum DocumentKind {
        static let topology = "topology"
        static let faultEvent = FaultEventDocument.kind
        static let maintenance = "maintenance"
        static let learnedLinks = "learned-links"
    }

    /// The kinds of the documents that record the fabric's state (topology, learned links, faults,
    /// maintenance): a commit that writes one changed what the fabric view shows.
    public static let fabricDocumentKinds: Set<String> = [
        DocumentKind.topology, DocumentKind.faultEvent, DocumentKind.maintenance, DocumentKind.learnedLinks,
    ]

    private struct Timer {
        var task: Task<Void, Never>?
        var due: Date?
        var stopped = false
    }

    let repository: Repository
    let options: Options
    let logger: Logger
    private let timer = Mutex(Timer())

    /// Rebuilds the engine from the store, attaches every port, and installs the result in the
    /// repository. Call it before the repository's writer runs; then ``reconcile()`` once it runs.
    public init(repository: Repository, options: Options = Options(), logger: Logger) async throws {
        self.repository = repository
        self.options = options
        self.logger = logger
        let backend = repository.backend
        let holdDown = options.holdDown
        let state = try await Self.load(from: backend, model: repository.committedState, holdDown: holdDown)
        repository.installCorrelation(state) { model in
            try await Self.load(from: backend, model: model, holdDown: holdDown)
        }
        repository.observeCommits { [weak self] _ in self?.scheduleDamperFlush() }
    }

    /// Builds correlation's state from what the store committed: the topology document, maintenance
    /// windows, the latest event per source and resource, and every port's attachment.
    static func load(
        from backend: any StoreBackend, model: ModelState, holdDown: TimeInterval
    ) async throws -> CorrelationState {
        let decoder = JSONDecoder()
        let declared =
            try await backend.documents(ofKind: DocumentKind.topology).first
            .map { try decoder.decode(TopologyDocument.self, from: Data($0.body)) }?.declaredPart ?? TopologyDocument()
        var learned: [String: [LearnedLink]] = [:]
        for stored in try await backend.documents(ofKind: DocumentKind.learnedLinks) {
            learned[stored.id] = try decoder.decode([LearnedLink].self, from: Data(stored.body))
        }
        let effective = declared.merging(learned: learned).document
        let declaredTopology = try Topology(declared)
        var engine = CorrelationEngine(topology: (try? Topology(effective)) ?? declaredTopology)
        for stored in try await backend.documents(ofKind: DocumentKind.maintenance) {
            let window = try decoder.decode(MaintenanceWindow.self, from: Data(stored.body))
            _ = try? engine.setMaintenance(window.resource, active: true, now: window.since, source: window.source)
        }
        let events = try await backend.documents(ofKind: DocumentKind.faultEvent)
            .map { try decoder.decode(FaultEvent.self, from: Data($0.body)) }
            .sorted { $0.time < $1.time }
        let now = Date()
        _ = engine.apply(events, now: now)
        for port in model.ports.values {
            _ = engine.upsertAttachment(PortAttachment(port: port, network: model.networks[port.networkID]), now: now)
        }
        return CorrelationState(engine: engine, holdDown: holdDown, declaredTopology: declared, learnedLinks: learned)
    }

    // MARK: Reads

    private func engine<T>(_ body: (CorrelationEngine) -> T) -> T? {
        repository.read { state in state.correlation.map { body($0.engine) } }
    }

    /// The topology in force (nil only before the service is installed).
    public var topology: Topology? { engine(\.topology) }

    /// The topology document in force.
    public var topologyDocument: TopologyDocument { engine { $0.topology.document } ?? TopologyDocument() }

    /// Fault records that currently report a resource down, by every source.
    public var activeFaults: [FaultRecord] { engine(\.activeFaults) ?? [] }

    public var maintenanceWindows: [MaintenanceWindow] { engine(\.maintenanceWindows) ?? [] }

    /// A port's data-plane assessment (state including `degraded`, root cause, faults).
    public func assessment(portID: String) -> PortAssessment? { engine { $0.assessment(portID: portID) } ?? nil }

    /// Whether faults and maintenance may name `resource`: the topology has it, or it is a host some
    /// port's `binding:host_id` names.
    public func knows(_ resource: PhysicalResourceRef) -> Bool { engine { $0.knows(resource) } ?? false }

    // MARK: Writes

    /// Applies fault events: all of them or, when one names a resource the topology does not know,
    /// none (``CorrelationServiceError/unknownResources``).
    public func submit(_ events: [FaultEvent]) async throws -> Submission {
        let (events, clamped) = Self.clampingFutureTimes(events, now: Date(), maxSkew: options.maxClockSkew)
        // Encoded first: the operation below must not fail once it has changed anything.
        let encoder = JSONEncoder()
        var bodies: [FaultEvent: [UInt8]] = [:]
        for event in events where bodies[event] == nil { bodies[event] = [UInt8](try encoder.encode(event)) }
        let frozenBodies = bodies
        var submission = try await repository.writeValidatingFirst { changeSet throws in
            guard let engine = changeSet.correlation?.engine else { return Self.emptySubmission }
            let unknown = events.map(\.resource).filter { !engine.knows($0) }
            if !unknown.isEmpty { throw CorrelationServiceError.unknownResources(unknown) }
            let now = Date()
            guard let result = changeSet.correlation?.engine.apply(events, now: now) else {
                return Self.emptySubmission
            }
            for event in result.accepted + result.duplicates {
                changeSet.putDocument(
                    kind: DocumentKind.faultEvent, id: Self.key(event.source, event.resource), body: frozenBodies[event]
                )
            }
            let written = changeSet.commitCorrelated(result.changes, now: now)
            return Submission(result: result, committedChanges: written.committed, heldChanges: written.held)
        }
        submission.clamped = clamped
        let result = submission.result
        Counter(label: "portwatch_fault_events_total", dimensions: [("outcome", "accepted")]).increment(
            by: result.accepted.count)
        Counter(label: "portwatch_fault_events_total", dimensions: [("outcome", "duplicate")]).increment(
            by: result.duplicates.count)
        Counter(label: "portwatch_fault_events_total", dimensions: [("outcome", "ignored")]).increment(
            by: result.ignored.count)
        Counter(label: "portwatch_correlated_port_changes_total").increment(by: submission.committedChanges)
        if !clamped.isEmpty {
            Counter(label: "portwatch_fault_events_clamped_total").increment(by: clamped.count)
            logger.warning(
                "fault event times in the future clamped to their arrival",
                metadata: ["events": "\(clamped.count)", "max_skew_seconds": "\(options.maxClockSkew)"])
        }
        return submission
    }

    /// Applies the events on resources correlation knows; the others come back in the result as
    /// ignored (`unknownResource`) instead of refusing all of them. For sources that describe more
    /// than Portwatch models (an OVSDB with interfaces of ports Portwatch does not serve).
    public func submitKnown(_ events: [FaultEvent]) async throws -> Submission {
        var unknown: [FaultEvent] = []
        var known: [FaultEvent] = []
        for event in events {
            if knows(event.resource) { known.append(event) } else { unknown.append(event) }
        }
        var submission: Submission
        do {
            submission = try await submit(known)
        } catch CorrelationServiceError.unknownResources(let gone) {
            // A port deleted (or a host dropped) meanwhile.
            let vanished = Set(gone)
            unknown += known.filter { vanished.contains($0.resource) }
            submission = try await submit(known.filter { !vanished.contains($0.resource) })
        }
        submission.result.ignored += unknown.map { IgnoredFaultEvent(event: $0, reason: .unknownResource) }
        return submission
    }

    static let emptySubmission = Submission(result: CorrelationResult(), committedChanges: 0, heldChanges: 0)

    /// Events dated more than `maxSkew` after `now` get `now` as their time; returns them and, per
    /// clamped event, the time it carried.
    static func clampingFutureTimes(
        _ events: [FaultEvent], now: Date, maxSkew: TimeInterval
    ) -> ([FaultEvent], [FaultEvent: Date]) {
        var clamped: [FaultEvent: Date] = [:]
        let limit = now.addingTimeInterval(maxSkew)
        let events = events.map { event in
            guard event.time > limit else { return event }
            var event = event
            let original = event.time
            event.time = now
            clamped[event] = original
            return event
        }
        return (events, clamped)
    }

    /// Starts or ends maintenance of a switch or host.
    public func setMaintenance(_ resource: PhysicalResourceRef, active: Bool, source: String) async throws
        -> CorrelationResult
    {
        try await repository.writeValidatingFirst { changeSet throws in
            guard let engine = changeSet.correlation?.engine else { return CorrelationResult() }
            // A host only port bindings name is maintainable while a port is bound to it (and its
            // maintenance can always be ended).
            if resource.kind == .host, !engine.knows(resource),
                !engine.maintenanceWindows.contains(where: { $0.resource == resource })
            {
                throw CorrelationError(code: .unknownResource, message: "no \(resource) in the topology or bound ports")
            }
            let now = Date()
            let body =
                active
                ? [UInt8](try JSONEncoder().encode(MaintenanceWindow(resource: resource, since: now, source: source)))
                : nil
            // Throws (unknown or not maintainable) before it changes anything.
            guard
                let result = try changeSet.correlation?.engine.setMaintenance(
                    resource, active: active, now: now, source: source)
            else { return CorrelationResult() }
            changeSet.putDocument(kind: DocumentKind.maintenance, id: Self.key("", resource), body: body)
            changeSet.commitCorrelated(result.changes, now: now)
            return result
        }
    }

    /// Replaces the whole topology; returns the ports whose state changed.
    public func replaceTopology(_ document: TopologyDocument) async throws -> [PortDataPlaneChange] {
        try await updateTopology { $0 = document }.changes
    }

    /// Edits the topology in force with `edit` and applies the result, in one step of the writer (so
    /// that concurrent edits never lose one another). Returns the new document and the ports whose
    /// state changed. `edit` may throw to refuse; a document that does not validate throws
    /// ``TopologyValidationError``; either way nothing changes.
    public func updateTopology(
        _ edit: @escaping @Sendable (inout TopologyDocument) throws -> Void
    ) async throws -> (document: TopologyDocument, changes: [PortDataPlaneChange]) {
        try await repository.writeValidatingFirst { changeSet throws in
            guard let correlation = changeSet.correlation else { return (TopologyDocument(), []) }
            var document = correlation.declaredTopology
            try edit(&document)
            document = document.declaredPart
            _ = try Topology(document)  // the declaration alone must validate
            let body = [UInt8](try JSONEncoder().encode(document))
            changeSet.correlation?.declaredTopology = document
            changeSet.putDocument(kind: DocumentKind.topology, id: "current", body: body)
            let installed = Self.install(correlation.learnedLinks, declared: document, in: &changeSet)
            return (installed.document, installed.changes)
        }
    }

    /// Replaces one host's learned links with what its latest LLDP report says (links no longer
    /// seen stay for `grace`), and puts the resulting topology in force. Returns how each of the
    /// host's links stands, and the ports whose state changed.
    public func reportLearnedLinks(
        host: String, _ links: [LearnedLink]
    ) async throws -> (reports: [LearnedLink.Report], changes: [PortDataPlaneChange]) {
        let grace = options.learnedLinkGrace
        return try await repository.writeValidatingFirst { changeSet throws in
            guard let correlation = changeSet.correlation else { return ([], []) }
            let now = Date()
            let merged = LearnedLink.merge(
                correlation.learnedLinks[host] ?? [], reported: links, now: now, grace: grace)
            var learned = correlation.learnedLinks
            learned[host] = merged.isEmpty ? nil : merged
            let stored = merged.isEmpty ? nil : [UInt8](try JSONEncoder().encode(merged))
            changeSet.correlation?.learnedLinks = learned
            changeSet.putDocument(kind: DocumentKind.learnedLinks, id: host, body: stored)
            // Most reports repeat the host's cabling: only the times moved, and the topology, which
            // depends on the links alone, stays as it is (no rebuild of every port's path).
            let before = Set((correlation.learnedLinks[host] ?? []).map(\.identity))
            if Set(merged.map(\.identity)) == before {
                let reports = correlation.declaredTopology.merging(learned: learned).reports
                return (reports.filter { $0.host == host }, [])
            }
            let installed = Self.install(learned, declared: correlation.declaredTopology, in: &changeSet)
            return (installed.reports.filter { $0.host == host }, installed.changes)
        }
    }

    /// How every learned link stands against the topology in force.
    public var learnedLinkReports: [LearnedLink.Report] {
        repository.read { state in
            guard let correlation = state.correlation else { return [] }
            return correlation.declaredTopology.merging(learned: correlation.learnedLinks).reports
        }
    }

    /// Puts `declared` plus the `learned` links it does not contradict in force in the engine, with
    /// the store following: returns the document in force, how each learned link stands, and the
    /// ports whose state changed.
    static func install(
        _ learned: [String: [LearnedLink]], declared: TopologyDocument, in changeSet: inout ChangeSet
    ) -> (document: TopologyDocument, reports: [LearnedLink.Report], changes: [PortDataPlaneChange]) {
        let (document, reports) = declared.merging(learned: learned)
        // `merging` falls back to the declaration when learned links would not validate.
        guard let topology = try? Topology(document) else { return (declared, reports, []) }
        let now = Date()
        // The engine forgets the faults and maintenance of resources the new topology lacks;
        // their stored documents go too, or a restart would replay them onto a resource of the
        // same name added later.
        let before = changeSet.correlation?.engine.topology
        let forgottenFaults =
            changeSet.correlation?.engine.allFaultRecords.filter {
                before?.contains($0.resource) == true && !topology.contains($0.resource)
            } ?? []
        let forgottenMaintenance =
            changeSet.correlation?.engine.maintenanceWindows.filter {
                before?.contains($0.resource) == true && !topology.contains($0.resource)
            } ?? []
        guard let changes = changeSet.correlation?.engine.replaceTopology(topology, now: now) else {
            return (document, reports, [])
        }
        for record in forgottenFaults {
            changeSet.putDocument(
                kind: DocumentKind.faultEvent, id: Self.key(record.source, record.resource), body: nil)
        }
        for window in forgottenMaintenance {
            changeSet.putDocument(kind: DocumentKind.maintenance, id: Self.key("", window.resource), body: nil)
        }
        changeSet.commitCorrelated(changes, now: now)
        return (document, reports, changes)
    }

    /// Writes the verdict of the stored faults to every port that disagrees with it (changes flap
    /// damping held when the server last stopped, or lost with a crash). Run once the writer runs,
    /// before the API is served; returns the number of ports changed.
    @discardableResult
    public func reconcile() async throws -> Int {
        let changed = try await repository.writeValidatingFirst { $0.reconcileCorrelatedStates(now: Date()) }
        if changed > 0 {
            logger.notice("reconciled ports with the stored faults", metadata: ["ports": "\(changed)"])
        } else {
            logger.info("every port agrees with the stored faults")
        }
        return changed
    }

    // MARK: Damping

    /// Writes every change flap damping still holds (graceful shutdown) and stops the timer.
    public func flushHeldChanges() async {
        let task = timer.withLock { timer in
            timer.stopped = true
            defer { timer.task = nil }
            return timer.task
        }
        task?.cancel()
        do {
            let written = try await repository.writeValidatingFirst { $0.flushDampedChanges(now: Date(), force: true) }
            if written > 0 { logger.info("wrote held port states before stopping", metadata: ["ports": "\(written)"]) }
        } catch {
            logger.warning("could not write held port states; they are reconciled at the next start")
        }
    }

    /// Arms the timer for the damper's next due time (runs after every commit).
    func scheduleDamperFlush() {
        guard let due = repository.read({ $0.correlation?.damper.nextDueTime }) else { return }
        timer.withLock { timer in
            guard !timer.stopped else { return }
            if let armed = timer.due, timer.task != nil, armed <= due { return }
            timer.task?.cancel()
            timer.due = due
            timer.task = Task { [weak self] in
                let delay = max(0, due.timeIntervalSinceNow)
                do { try await Task.sleep(for: .milliseconds(Int(delay * 1000) + 1)) } catch { return }
                await self?.flushDueChanges()
            }
        }
    }

    private func flushDueChanges() async {
        timer.withLock { timer in
            timer.task = nil
            timer.due = nil
        }
        do {
            _ = try await repository.writeValidatingFirst { $0.flushDampedChanges(now: Date()) }
        } catch {
            // The repository reconciles after a failed commit; a stopping writer leaves it to the next start.
            logger.warning("could not write damped port states", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Helpers

    static func key(_ source: String, _ resource: PhysicalResourceRef) -> String {
        FaultEventDocument.key(source: source, resource: resource)
    }
}

/// Why the service refused a request.
public enum CorrelationServiceError: Error, Sendable {
    /// The events name resources the topology does not have; nothing was applied.
    case unknownResources([PhysicalResourceRef])
}

/// Brings fault correlation up and down with the server: reconciles the ports through the writer
/// before the API is served (``StartupGate``), and writes held changes on graceful shutdown.
public struct CorrelationBackgroundService: Service {
    let correlation: CorrelationService
    let ready: StartupGate?

    public init(_ correlation: CorrelationService, ready: StartupGate? = nil) {
        self.correlation = correlation
        self.ready = ready
    }

    public func run() async throws {
        try await correlation.reconcile()
        ready?.open()
        try? await gracefulShutdown()
        await correlation.flushHeldChanges()
    }
}

/// A one-shot gate: ``wait()`` returns once ``open()`` was called (or the task is cancelled).
public final class StartupGate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the gate was opened.
    public var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Opens the gate and releases every waiter.
    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the gate is open or the task is cancelled.
    public func wait() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.isOpen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
