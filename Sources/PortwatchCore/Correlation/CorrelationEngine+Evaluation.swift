import Foundation

extension CorrelationEngine {
    /// Re-evaluates the attachment points depending on `resources` and returns one change per
    /// port whose state moved, sorted by port id.
    mutating func reevaluate(
        pointsDependingOn resources: some Sequence<PhysicalResourceRef>, trigger: AuditTrigger, now: Date
    ) -> [PortDataPlaneChange] {
        var points: Set<AttachmentPoint> = []
        for resource in resources {
            guard let dependents = dependentPoints[resource] else { continue }
            // One resource (a spine) is the common case: its set is shared, not rebuilt point by point.
            if points.isEmpty { points = dependents } else { points.formUnion(dependents) }
        }
        // A storm moves every port of the fabric: each moved point's decision is kept once, and its
        // ports refer to it, so each change is built once, in its final place.
        var decisions: [(previous: DataPlaneState, current: DataPlaneState, cause: AuditCause)] = []
        var portIDs: [String] = []
        var decisionOfPort: [Int] = []
        var downPoints: [Set<String>] = []
        for point in points {
            guard var tracked = paths[point] else { continue }
            let previous = tracked.evaluation
            // A closure over `self`, not the method `isFaulty`: that would copy the engine per point.
            let current = tracked.requirement.evaluate { isFaulty($0) }
            tracked.evaluation = current
            paths[point] = tracked
            guard current.state != previous.state else { continue }
            let cause = auditCause(trigger: trigger, current: current, previous: previous, resources: tracked.resources)
            decisions.append((previous.state, current.state, cause))
            for portID in tracked.ports {
                portIDs.append(portID)
                decisionOfPort.append(decisions.count - 1)
            }
            if current.state == .down { downPoints.append(tracked.ports) }
        }
        portsEverDown.formUnion(downPoints)
        return Self.portOrder(of: portIDs).map { index in
            let decision = decisions[decisionOfPort[index]]
            return PortDataPlaneChange(
                portID: portIDs[index], previous: decision.previous, current: decision.current, decidedAt: now,
                cause: decision.cause)
        }
    }

    /// The indices of `ids` in `String` order of the ids, equal ids in index order. An all-ASCII id
    /// (every id Neutron or Portwatch makes) is compared by its first eight bytes as one integer,
    /// the whole strings only when those are equal: for ASCII, byte order is `String`'s order.
    static func portOrder(of ids: [String]) -> [Int] {
        var order = ids.indices.map { SortKey(index: $0, id: ids[$0]) }
        order.sort { a, b in
            if a.prefix != b.prefix, a.isASCII, b.isASCII { return a.prefix < b.prefix }
            let left = ids[a.index]
            let right = ids[b.index]
            return left == right ? a.index < b.index : left < right
        }
        return order.map(\.index)
    }

    /// An id's position and, when the id is ASCII, its first eight bytes as a big-endian integer
    /// (zero-padded: a shorter id orders first, and equal prefixes fall back to the whole strings).
    private struct SortKey {
        let index: Int
        let prefix: UInt64
        let isASCII: Bool

        init(index: Int, id: String) {
            self.index = index
            var id = id
            (prefix, isASCII) = id.withUTF8 { bytes in
                var prefix: UInt64 = 0
                for (position, byte) in bytes.prefix(8).enumerated() {
                    prefix |= UInt64(byte) << (56 - 8 * position)
                }
                return (prefix, bytes.allSatisfy { $0 < 0x80 })
            }
        }
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
