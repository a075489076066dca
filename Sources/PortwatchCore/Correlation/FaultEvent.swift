import Foundation

/// A source's report that a physical resource went down or came back up.
///
/// Event sources (Doctor, Alertmanager, ONOS, OpenDaylight, OVSDB) translate their own formats
/// into this type.
///
/// ```swift
/// FaultEvent(resource: .switch("leaf-a1"), state: .down, time: eventTime, source: "onos",
///            reason: "DEVICE_AVAILABILITY_CHANGED: available=false")
/// ```
public struct FaultEvent: Codable, Sendable, Hashable {
    /// The resource the event is about.
    public var resource: PhysicalResourceRef
    /// Down or up.
    public var state: FaultState
    /// When the source observed the change (not when it reached us); orders events per resource.
    public var time: Date
    /// Who reported it (`"onos"`, `"alertmanager"`, `"doctor:monitor_sample"`); faults are kept
    /// per source.
    public var source: String
    /// The source's severity.
    public var severity: FaultSeverity
    /// The source's id for the fault (Alertmanager fingerprint, Doctor monitor_event_id).
    public var correlationID: String?
    /// Free text explaining the event.
    public var reason: String?

    /// Creates an event.
    public init(
        resource: PhysicalResourceRef, state: FaultState, time: Date, source: String,
        severity: FaultSeverity = .critical, correlationID: String? = nil, reason: String? = nil
    ) {
        self.resource = resource
        self.state = state
        self.time = time
        self.source = source
        self.severity = severity
        self.correlationID = correlationID
        self.reason = reason
    }
}
