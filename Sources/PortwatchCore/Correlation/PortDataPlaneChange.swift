import Foundation

/// A port whose correlated data-plane state changed, with the reason.
///
/// `nil` states mean "unknown" (the port has no physical dependency the topology can see). For
/// change detection `nil` counts as `up`: a port that becomes known and healthy is no change.
public struct PortDataPlaneChange: Codable, Sendable, Hashable {
    /// Neutron port id.
    public var portID: String
    /// State before.
    public var previous: DataPlaneState?
    /// State after.
    public var current: DataPlaneState?
    /// When the engine decided it (the `now` passed in).
    public var decidedAt: Date
    /// Why.
    public var cause: AuditCause

    /// Creates a change.
    public init(
        portID: String, previous: DataPlaneState?, current: DataPlaneState?, decidedAt: Date, cause: AuditCause
    ) {
        self.portID = portID
        self.previous = previous
        self.current = current
        self.decidedAt = decidedAt
        self.cause = cause
    }
}
