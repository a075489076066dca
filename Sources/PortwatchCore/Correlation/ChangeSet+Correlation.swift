import Foundation

/// Fault correlation as steps of a change set: each computes the engine's and the damper's next
/// state on ``ChangeSet/correlation`` and writes the consequences (port states, audit lines,
/// `port.update.end`) into the same change set, so that they commit in one transaction or not at
/// all. Nothing here does I/O or reads a clock: the caller passes `now`.
extension ChangeSet {
    /// The identity of correlation's own writes (the `context` of their notifications).
    public static let correlationIdentity = Identity.system(requestID: "req-portwatch-correlation")

    /// How many changes ``commitCorrelated(_:now:)`` wrote now and how many flap damping holds.
    public struct CorrelatedWrite: Sendable, Hashable {
        public var committed: Int = 0
        public var held: Int = 0
    }

    /// Offers `changes` to the flap damper and writes what it lets through. `inRequest`: the ports
    /// are an API request's, which bumped their revision and notifies their new state itself.
    @discardableResult
    public mutating func commitCorrelated(
        _ changes: [PortDataPlaneChange], now: Date, inRequest: Bool = false
    ) -> CorrelatedWrite {
        guard !changes.isEmpty, let holdDown = correlation?.damper.holdDown else { return CorrelatedWrite() }
        guard holdDown > 0 else {
            writeCorrelated(changes, inRequest: inRequest)
            return CorrelatedWrite(committed: changes.count)
        }
        // Made only once the damper holds, drops or rewrites a change: a storm's changes usually
        // all pass as they came, and are then written from the engine's own array (not a copy of
        // 100,000 changes beside it while the store writes).
        var committed: [PortDataPlaneChange]?
        var held = 0
        for index in changes.indices {
            // Mutated in place: the damper's history is not copied per change.
            let decision = correlation?.damper.offer(changes[index], now: now)
            if case .commit(let change)? = decision, change.previous == changes[index].previous {
                committed?.append(change)
                continue
            }
            if committed == nil { committed = Array(changes[..<index]) }
            switch decision {
            case .commit(let change)?: committed?.append(change)
            case .held?: held += 1
            case .unchanged?, nil: break
            }
        }
        let written = committed ?? changes
        writeCorrelated(written, inRequest: inRequest)
        return CorrelatedWrite(committed: written.count, held: held)
    }

    /// Writes the held changes whose hold-down has ended (all of them with `force`, at shutdown);
    /// returns how many it wrote.
    @discardableResult
    public mutating func flushDampedChanges(now: Date, force: Bool = false) -> Int {
        guard let due = correlation?.damper.due(now: now, force: force), !due.isEmpty else { return 0 }
        writeCorrelated(due)
        return due.count
    }

    /// Brings correlation in line with the ports this change set wrote in full (created, rebound,
    /// deleted). The repository runs it at the end of every batch, so a port and the correlated
    /// consequence of its binding commit together.
    public mutating func correlateWrittenPorts(now: Date) {
        // A storm's batch wrote states only: nothing to look through (50,000 set lookups).
        guard correlation != nil, changes.stateOnlyPorts.count < changes.ports.count else { return }
        var affected: [PortDataPlaneChange] = []
        for (id, port) in changes.ports where !changes.stateOnlyPorts.contains(id) {
            if let change = reattach(id, port, now: now) { affected.append(change) }
        }
        commitCorrelated(affected, now: now)
    }

    /// Correlates a port an API request created or rebound, inside that request: the request's answer
    /// and its `port.update.end` show the correlated state, and the one revision bump is the request's.
    public mutating func correlateRequestPort(_ id: String, now: Date) {
        guard correlation != nil, let change = reattach(id, port(id), now: now) else { return }
        commitCorrelated([change], now: now, inRequest: true)
    }

    /// Moves the engine's attachment of `id` to the port as written (nil: deleted) and returns the
    /// change of its data plane state, if any.
    private mutating func reattach(_ id: String, _ port: Port?, now: Date) -> PortDataPlaneChange? {
        guard let port else {
            if correlation?.engine.attachment(ofPort: id) != nil {
                // The port's interface goes with it, in the store too.
                for record in correlation?.engine.removeAttachment(portID: id) ?? [] {
                    putDocument(
                        kind: FaultEventDocument.kind,
                        id: FaultEventDocument.key(source: record.source, resource: record.resource), body: nil)
                }
                correlation?.damper.forget(id)
            }
            return nil
        }
        // Most full writes (a name, a manual data_plane_status) leave the binding alone.
        if let before = base.ports[id], before.bindingHostID == port.bindingHostID,
            before.networkID == port.networkID, before.bindingProfile == port.bindingProfile,
            before.bindingVnicType == port.bindingVnicType,
            correlation?.engine.attachment(ofPort: id) != nil
        {
            return nil
        }
        let attachment = PortAttachment(port: port, network: network(port.networkID))
        guard correlation?.engine.attachment(ofPort: id) != attachment else { return nil }
        return correlation?.engine.upsertAttachment(attachment, now: now)
    }

    /// Writes the verdict of the engine to every port whose stored correlated value disagrees with
    /// it — a change flap damping still held when the server stopped, or one lost with a crash —
    /// and returns how many ports it changed. Run once at start, after the engine was rebuilt from
    /// the stored topology, faults and maintenance.
    public mutating func reconcileCorrelatedStates(now: Date) -> Int {
        guard let engine = correlation?.engine else { return 0 }
        var changes: [PortDataPlaneChange] = []
        for id in base.ports.keys.sorted() {
            guard let port = port(id) else { continue }
            let state = engine.state(ofPort: id)
            let everDown = port.correlatedDataPlaneStatus != nil || state == .down
            let desired: DataPlaneStatus? = DataPlaneStatusPrecedence.resolve(
                manualOverride: nil, correlated: state, hasBeenDown: everDown)
            guard desired != port.correlatedDataPlaneStatus else { continue }
            let assessment = engine.assessment(portID: id)
            let previous: DataPlaneState? =
                switch port.correlatedDataPlaneStatus {
                case .down?: .down
                case .active?: .up
                case nil: nil
                }
            changes.append(
                PortDataPlaneChange(
                    portID: id, previous: previous, current: state, decidedAt: now,
                    cause: AuditCause(
                        trigger: .reconciledAtStart, rootCause: assessment?.rootCause ?? [],
                        faults: assessment?.faults ?? [])))
        }
        return commitCorrelated(changes, now: now).committed
    }

    /// Writes port states and their audit lines (the shared causes once each).
    ///
    /// The states are applied in order; the notification payloads and audit lines, each a pure
    /// function of one port's new state, are then rendered on every core (``ParallelRendering``:
    /// rendering was most of a storm's preparation) and appended in the same order. `changes` has at
    /// most one change per port (the engine's, the damper's and reconciliation's all do): a port's
    /// payload is rendered from where the batch holds its state, after every change was applied.
    mutating func writeCorrelated(_ changes: [PortDataPlaneChange], inRequest: Bool = false) {
        guard !changes.isEmpty else { return }
        let (causes, causeOfChange) = AuditRenderer.encodeCauses(changes)
        let causeIndices = causes.map { addAuditCause($0) }
        reserveCapacity(forPortStates: changes.count)
        // Each element is read in place: a storm copying tens of thousands of changes and ports
        // (a reference count each of their strings and arrays) cost as much as rendering them.
        struct Written {
            var change: Int
            var decidedAt: String
            var visible: DataPlaneStatus?
            var cause: Int
            /// Where the port is in the batch's ports when its change is visible; `notify` when its
            /// `port.update.end` is emitted here.
            var position: Int?
            var notify: Bool
        }
        var written: [Written] = []
        written.reserveCapacity(changes.count)
        var decidedAt = (Date.distantPast, "")
        for index in changes.indices {
            guard let current = port(changes[index].portID) else { continue }
            if changes[index].decidedAt != decidedAt.0 {
                decidedAt = (changes[index].decidedAt, NeutronTimestamp.formatOslo(changes[index].decidedAt))
            }
            let visibleBefore = current.dataPlaneStatus
            let (position, notify) = applyCorrelatedState(
                to: current, changes[index].current, hasBeenDown: false, inRequest: inRequest)
            written.append(
                Written(
                    change: index, decidedAt: decidedAt.1,
                    visible: position.flatMap { self.changes.ports[$0].1?.dataPlaneStatus } ?? visibleBefore,
                    cause: causeIndices[causeOfChange[index]], position: position, notify: notify))
        }
        let items = written
        // Shares the batch's storage: nothing below changes the batch's ports, so nothing copies them.
        // A later operation of the batch that changes one of them changes a copy: a payload rendered
        // later is still the port as this write left it.
        let ports = self.changes.ports
        let render: @Sendable (Int) -> (line: [UInt8], payload: [UInt8]?) = { index in
            let change = items[index].change
            let line = AuditRenderer.line(
                portID: changes[change].portID, previous: changes[change].previous, current: changes[change].current,
                decidedAt: items[index].decidedAt, dataPlaneStatus: items[index].visible,
                portChanged: items[index].position != nil)
            var payload: [UInt8]?
            if items[index].notify, let position = items[index].position {
                payload = ports[position].1?.envelope(view: .full)
            }
            return (line: line, payload: payload)
        }
        if items.count >= BackgroundRendering.minimumCount {
            // A storm: the rows now, bodies empty, rendered while the store writes the port states.
            let rendering = BackgroundRendering(count: items.count, render: render)
            let firstEvent = events.count
            let firstAudit = audit.count
            var eventItems: [Int] = []
            for index in items.indices {
                if items[index].notify, let position = items[index].position, let port = ports[position].1 {
                    emitPortUpdate(
                        id: ports[position].0, projectID: port.projectID, payload: [], by: Self.correlationIdentity)
                    eventItems.append(index)
                }
                appendAudit(subject: changes[items[index].change].portID, body: [], cause: items[index].cause)
            }
            appendBackgroundRows(
                BackgroundRows(
                    rendering: rendering, firstEvent: firstEvent, eventItems: eventItems, firstAudit: firstAudit))
            return
        }
        let rendered = ParallelRendering.map(items.count, render)
        for index in items.indices {
            if let payload = rendered[index].payload, let position = items[index].position {
                emitPortUpdate(
                    id: ports[position].0, projectID: ports[position].1?.projectID, payload: payload,
                    by: Self.correlationIdentity)
            }
            appendAudit(
                subject: changes[items[index].change].portID, body: rendered[index].line, cause: items[index].cause)
        }
    }
}
