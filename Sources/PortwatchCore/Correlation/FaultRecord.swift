import Foundation

/// What one source currently says about one resource.
///
/// The engine keeps one record per (source, resource). A resource is faulty while *any* source's
/// record is `down` (and no maintenance covers it): when ONOS and Alertmanager both report a
/// switch down, ONOS's `up` clears only ONOS's record and the switch stays faulty until
/// Alertmanager resolves too.
public struct FaultRecord: Codable, Sendable, Hashable {
    /// The reporting source.
    public var source: String
    /// The resource reported on.
    public var resource: PhysicalResourceRef
    /// The source's current view.
    public var state: FaultState
    /// Event time of the report that put the record in its current state.
    public var since: Date
    /// Latest event time seen from this source for this resource (repeats of the same state
    /// advance it); older events are ignored as out of order.
    public var lastEventTime: Date
    /// When the engine accepted the report that put the record in its current state.
    public var recordedAt: Date
    /// Severity of that report.
    public var severity: FaultSeverity
    /// The source's fault id from that report.
    public var correlationID: String?
    /// The reason text from that report.
    public var reason: String?
}
