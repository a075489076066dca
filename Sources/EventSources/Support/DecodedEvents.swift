import PortwatchCore

/// What an ``EventSourceAdapter`` made of one body: fault events to submit, maintenance changes to
/// apply, and the items it left out with the reason.
public struct DecodedEvents: Sendable, Hashable {
    /// Fault events, in the order of the body.
    public var events: [FaultEvent]
    /// Maintenance starts and ends (Doctor `IN_MAINTENANCE` / `MAINTENANCE_COMPLETE`), in the order
    /// of the body.
    public var maintenance: [MaintenanceRequest]
    /// Items that produced nothing, and why.
    public var ignored: [IgnoredSourceItem]

    /// Creates a result.
    public init(events: [FaultEvent] = [], maintenance: [MaintenanceRequest] = [], ignored: [IgnoredSourceItem] = []) {
        self.events = events
        self.maintenance = maintenance
        self.ignored = ignored
    }

    /// Whether the body produced nothing to apply.
    public var isEmpty: Bool { events.isEmpty && maintenance.isEmpty }
}
