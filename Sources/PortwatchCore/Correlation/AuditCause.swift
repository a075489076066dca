import Foundation

/// Why a port's data-plane state changed: the audit record of one ``PortDataPlaneChange``.
///
/// ```text
/// port p-42: up → down at 10:00:01 (faultEvents)
///   root cause: switch leaf-a1
///   faults: onos says switch leaf-a1 down since 10:00:00 ("DEVICE_AVAILABILITY_CHANGED")
/// ```
public struct AuditCause: Codable, Sendable, Hashable {
    /// What made the engine look again.
    public var trigger: AuditTrigger
    /// The highest-level failed resources that explain the new state (the switch, not its 500
    /// ports; for "every uplink down", the spines or uplinks). Empty when the port is `up`.
    public var rootCause: [PhysicalResourceRef]
    /// For `down` or `degraded`: every counted fault on the port's path, with source, times,
    /// reason and correlation id. For a recovery: the records, now `up` (or suppressed by
    /// maintenance), of the resources that explained the previous state.
    public var faults: [FaultRecord]
    /// The root cause of the previous state, so a recovery says what recovered.
    public var previousRootCause: [PhysicalResourceRef]

    /// Creates an audit cause.
    public init(
        trigger: AuditTrigger, rootCause: [PhysicalResourceRef], faults: [FaultRecord],
        previousRootCause: [PhysicalResourceRef] = []
    ) {
        self.trigger = trigger
        self.rootCause = rootCause
        self.faults = faults
        self.previousRootCause = previousRootCause
    }
}
