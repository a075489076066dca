import Foundation

extension CorrelationEngine {
    /// Puts a switch or host into maintenance (`active: true`) or takes it out.
    ///
    /// While in maintenance, faults on the resource and on its ports, NICs, bonds and links keep
    /// being recorded but do not count: ports do not go `down` because of them. Ending
    /// maintenance re-evaluates, so faults still active then take effect immediately. Setting
    /// the state it already has changes nothing.
    ///
    /// - Throws: ``CorrelationError`` `.unknownResource` when the topology has no such resource,
    ///   `.notMaintainable` when it is neither a switch nor a host.
    public mutating func setMaintenance(
        _ resource: PhysicalResourceRef, active: Bool, now: Date, source: String
    ) throws(CorrelationError) -> CorrelationResult {
        guard records(resource) else {
            throw CorrelationError(code: .unknownResource, message: "no \(resource) in the topology")
        }
        guard resource.kind == .switch || resource.kind == .host else {
            throw CorrelationError(
                code: .notMaintainable, message: "maintenance applies to switches and hosts, not to a \(resource.kind)")
        }
        var result = CorrelationResult()
        guard (maintenance[resource] != nil) != active else { return result }
        let trigger: AuditTrigger
        if active {
            maintenance[resource] = MaintenanceWindow(resource: resource, since: now, source: source)
            trigger = .maintenanceStarted(resource: resource, source: source)
        } else {
            maintenance[resource] = nil
            trigger = .maintenanceEnded(resource: resource, source: source)
        }
        // Every path through a switch's ports or links, or a host's NICs and bonds, also names
        // the switch or host itself, so its dependents are all the points to look at.
        result.changes = reevaluate(pointsDependingOn: [resource], trigger: trigger, now: now)
        return result
    }
}
