import Foundation

extension CorrelationEngine {
    /// Re-evaluates the attachment points depending on `resources` and returns one change per
    /// port whose state moved, sorted by port id.
    mutating func reevaluate(
        pointsDependingOn resources: some Sequence<PhysicalResourceRef>, trigger: AuditTrigger, now: Date
    ) -> [PortDataPlaneChange] {
        var points: Set<AttachmentPoint> = []
        for resource in resources {
            if let dependents = dependentPoints[resource] { points.formUnion(dependents) }
        }
        var changes: [PortDataPlaneChange] = []
        for point in points {
            guard var tracked = paths[point] else { continue }
            let previous = tracked.evaluation
            let current = tracked.requirement.evaluate(isFaulty: isFaulty)
            tracked.evaluation = current
            paths[point] = tracked
            guard current.state != previous.state else { continue }
            let cause = auditCause(trigger: trigger, current: current, previous: previous, resources: tracked.resources)
            for portID in tracked.ports {
                changes.append(
                    PortDataPlaneChange(
                        portID: portID, previous: previous.state, current: current.state, decidedAt: now, cause: cause))
            }
            if current.state == .down { portsEverDown.formUnion(tracked.ports) }
        }
        return Self.sortedByPort(changes)
    }

    /// `changes` in port-id order, a port's changes in their order. A storm has one change per port
    /// of the fabric: the ids are sorted as indices, so the changes themselves (each with its cause)
    /// are copied once instead of at every step of the sort.
    static func sortedByPort(_ changes: [PortDataPlaneChange]) -> [PortDataPlaneChange] {
        let ids = changes.map(\.portID)
        var order = Array(changes.indices)
        order.sort { ids[$0] == ids[$1] ? $0 < $1 : ids[$0] < ids[$1] }
        return order.map { changes[$0] }
    }

    /// The audit record for a path moving from `previous` to `current`.
    func auditCause(
        trigger: AuditTrigger, current: PathEvaluation, previous: PathEvaluation, resources: [PhysicalResourceRef]
    ) -> AuditCause {
        let faults: [FaultRecord]
        if current.state == .up {
            faults = previous.rootCause.flatMap(faultRecords(for:))
        } else {
            faults = downRecords(for: resources.filter(isFaulty))
        }
        return AuditCause(
            trigger: trigger, rootCause: current.rootCause, faults: faults, previousRootCause: previous.rootCause)
    }
}
