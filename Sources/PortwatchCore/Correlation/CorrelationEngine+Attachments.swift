import Foundation

extension CorrelationEngine {
    /// Adds or replaces a port's attachment and returns the change in its state, if any.
    ///
    /// A new port that is `up` (or unknown) is no change; a new port on an already failed path
    /// comes back as a change from `nil` to `down` or `degraded`.
    public mutating func upsertAttachment(_ attachment: PortAttachment, now: Date) -> PortDataPlaneChange? {
        let previous = pointByPort[attachment.portID].flatMap { paths[$0]?.evaluation } ?? .up
        let previousState = state(ofPort: attachment.portID)
        detach(portID: attachment.portID)
        attachments[attachment.portID] = attachment
        let current = place(attachment)
        let currentState = state(ofPort: attachment.portID)
        guard (currentState ?? .up) != (previousState ?? .up) else { return nil }
        if currentState == .down { portsEverDown.insert(attachment.portID) }
        let resources = pointByPort[attachment.portID].flatMap { paths[$0]?.resources } ?? []
        return PortDataPlaneChange(
            portID: attachment.portID, previous: previousState, current: currentState, decidedAt: now,
            cause: auditCause(trigger: .attachmentChanged, current: current, previous: previous, resources: resources))
    }

    /// Forgets a port (deleted or unbound for good), and the records of its interface (returned, so
    /// that their stored documents go too). Nothing to notify: the port is gone.
    @discardableResult
    public mutating func removeAttachment(portID: String) -> [FaultRecord] {
        detach(portID: portID)
        attachments[portID] = nil
        portsEverDown.remove(portID)
        let vif = PhysicalResourceRef.vif(portID)
        let forgotten = faultRecords(for: vif)
        for record in forgotten { records[FaultKey(source: record.source, resource: vif)] = nil }
        sourcesByResource[vif] = nil
        downSources[vif] = nil
        return forgotten
    }

    /// Swaps in a new topology, keeping ports, maintenance and the fault records of resources
    /// that still exist, and returns every port whose state changed.
    public mutating func replaceTopology(_ newTopology: Topology, now: Date) -> [PortDataPlaneChange] {
        var before: [AttachmentPoint: (evaluation: PathEvaluation, ports: Set<String>)] = [:]
        for (point, tracked) in paths.entries { before[point] = (tracked.evaluation, tracked.ports) }
        let previousPoints = pointByPort

        let oldTopology = topology
        topology = newTopology
        // Resources the topology drops take their records along; hosts only some port's binding
        // names were never in it and keep theirs.
        for key in records.keys where oldTopology.contains(key.resource) && !newTopology.contains(key.resource) {
            records[key] = nil
            sourcesByResource[key.resource] = nil
            downSources[key.resource] = nil
        }
        for resource in maintenance.keys where oldTopology.contains(resource) && !newTopology.contains(resource) {
            maintenance[resource] = nil
        }
        paths = ShardedDictionary()
        dependentPoints = [:]
        pointByPort = PortKeyedShards()
        for attachment in attachments.all { place(attachment) }

        var causes: [[AttachmentPoint?]: AuditCause] = [:]
        var changes: [PortDataPlaneChange] = []
        for portID in attachments.portIDs {
            let oldPoint = previousPoints[portID]
            let newPoint = pointByPort[portID]
            let previous = oldPoint.flatMap { before[$0]?.evaluation } ?? .up
            let current = newPoint.flatMap { paths[$0]?.evaluation } ?? .up
            let previousState = oldPoint.flatMap { before[$0]?.evaluation.state }
            let currentState = newPoint.flatMap { paths[$0]?.evaluation.state }
            guard (previousState ?? .up) != (currentState ?? .up) else { continue }
            let cacheKey = [oldPoint, newPoint]
            let cause =
                causes[cacheKey]
                ?? auditCause(
                    trigger: .topologyReplaced, current: current, previous: previous,
                    resources: newPoint.flatMap { paths[$0]?.resources } ?? [])
            causes[cacheKey] = cause
            if currentState == .down { portsEverDown.insert(portID) }
            changes.append(
                PortDataPlaneChange(
                    portID: portID, previous: previousState, current: currentState, decidedAt: now, cause: cause))
        }
        changes.sort { $0.portID < $1.portID }
        return changes
    }

    /// Puts a port on its attachment point, creating and indexing the point's path on first use.
    @discardableResult
    mutating func place(_ attachment: PortAttachment) -> PathEvaluation {
        guard var point = topology.attachmentPoint(for: attachment) else { return .up }
        // A port whose own interface is reported down leaves the shared point for one of its own.
        if downSources[.vif(attachment.portID)] != nil { point = .vif(portID: attachment.portID, point) }
        let joined = paths.modifyValue(forKey: point) { storedPoint, tracked in
            tracked.ports.insert(attachment.portID)
            return (storedPoint, tracked.evaluation)
        }
        if let (storedPoint, evaluation) = joined {
            // The stored key, so that the ports of one point share its storage.
            pointByPort[attachment.portID] = storedPoint
            return evaluation
        }
        pointByPort[attachment.portID] = point
        let requirement = topology.pathRequirement(for: point)
        let resources = requirement.resources.sorted()
        let evaluation = requirement.evaluate(isFaulty: isFaulty)
        paths[point] = TrackedPath(
            requirement: requirement, resources: resources, ports: [attachment.portID], evaluation: evaluation)
        for resource in resources {
            dependentPoints[resource, default: []].insert(point)
        }
        return evaluation
    }

    /// Moves the ports whose interface records flipped between down and up onto (or off) points of
    /// their own, returning one change per port whose state moved.
    mutating func replacePorts(withInterfaceFaultsIn resources: some Sequence<PhysicalResourceRef>, now: Date)
        -> [PortDataPlaneChange]
    {
        var changes: [PortDataPlaneChange] = []
        for resource in resources where resource.kind == .vif {
            let portID = resource.id
            guard let attachment = attachments[portID], let before = pointByPort[portID] else { continue }
            let wantsOwn = downSources[resource] != nil
            let hasOwn: Bool
            if case .vif = before { hasOwn = true } else { hasOwn = false }
            guard wantsOwn != hasOwn, let previous = paths[before]?.evaluation else { continue }
            detach(portID: portID)
            let current = place(attachment)
            guard current.state != previous.state else { continue }
            if current.state == .down { portsEverDown.insert(portID) }
            let resources = pointByPort[portID].flatMap { paths[$0]?.resources } ?? []
            changes.append(
                PortDataPlaneChange(
                    portID: portID, previous: previous.state, current: current.state, decidedAt: now,
                    cause: auditCause(trigger: .faultEvents, current: current, previous: previous, resources: resources)
                ))
        }
        return changes
    }

    /// Takes a port off its attachment point, dropping the point when it was the last port.
    mutating func detach(portID: String) {
        guard let point = pointByPort.removeValue(forKey: portID), var tracked = paths[point] else { return }
        tracked.ports.remove(portID)
        guard tracked.ports.isEmpty else {
            paths[point] = tracked
            return
        }
        paths[point] = nil
        for resource in tracked.resources {
            dependentPoints[resource]?.remove(point)
            if dependentPoints[resource]?.isEmpty == true { dependentPoints[resource] = nil }
        }
    }
}
