import Foundation

/// A switch or host in maintenance (Doctor's `IN_MAINTENANCE` until `MAINTENANCE_COMPLETE`).
///
/// While it lasts, faults on the resource and on its ports, NICs, bonds and links are recorded
/// but do not count towards any port's state.
public struct MaintenanceWindow: Codable, Sendable, Hashable {
    /// The switch or host.
    public var resource: PhysicalResourceRef
    /// When maintenance began.
    public var since: Date
    /// Who declared it.
    public var source: String

    public init(resource: PhysicalResourceRef, since: Date, source: String) {
        self.resource = resource
        self.since = since
        self.source = source
    }
}
