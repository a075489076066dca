/// The correlation engine's verdict on a port's data plane.
///
/// Richer than Neutron's `data_plane_status` (null/ACTIVE/DOWN): `degraded` is shown in the
/// port's detail and audit trail only, and maps to ACTIVE (see ``DataPlaneStatusPrecedence``).
public enum DataPlaneState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Every path to the fabric works.
    case up
    /// At least one redundant branch (bond member, MLAG leg, uplink) is down, but a path survives.
    case degraded
    /// No path to the fabric survives.
    case down
}
