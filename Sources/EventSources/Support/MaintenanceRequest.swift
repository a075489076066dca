import Foundation
import PortwatchCore

/// A request, carried by a foreign event, to start or end maintenance of a switch or host.
///
/// Doctor reports maintenance with the event types `IN_MAINTENANCE` and `MAINTENANCE_COMPLETE`;
/// the endpoint applies these through the correlation service's maintenance call rather than as
/// faults, so that faults on the resource stop counting until maintenance ends.
public struct MaintenanceRequest: Sendable, Hashable {
    /// The switch or host.
    public var resource: PhysicalResourceRef
    /// `true` to start maintenance, `false` to end it.
    public var active: Bool
    /// Who asked (`"doctor:<monitor>"`).
    public var source: String
    /// When the source said it happened.
    public var time: Date

    /// Creates a request.
    public init(resource: PhysicalResourceRef, active: Bool, source: String, time: Date) {
        self.resource = resource
        self.active = active
        self.source = source
        self.time = time
    }
}
