/// Derives a port's `status` when no agent reports it.
///
/// Without agents, a port is `DOWN` when it is new, unbound (no `binding:host_id`) or administratively
/// down, and `ACTIVE` when it is bound and administratively up. With `statusFollowsDataPlane` (what
/// Doctor's RFE first asked for, and not upstream's behaviour) a `DOWN` data plane also makes it `DOWN`.
public struct PortStatusDerivation: Sendable, Hashable {
    /// Whether `data_plane_status: DOWN` forces `status` to `DOWN`.
    public var statusFollowsDataPlane: Bool

    public init(statusFollowsDataPlane: Bool = false) {
        self.statusFollowsDataPlane = statusFollowsDataPlane
    }

    /// The status a port with these attributes has.
    public func status(of port: Port) -> PortStatus {
        guard port.adminStateUp, !port.bindingHostID.isEmpty else { return .down }
        if statusFollowsDataPlane, port.dataPlaneStatus == .down { return .down }
        return .active
    }
}
