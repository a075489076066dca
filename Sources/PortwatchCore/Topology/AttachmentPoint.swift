/// Where on the physical fabric a port attaches; ports sharing an attachment point share a path.
///
/// Many ports share one point (all the ports of a host on one physnet), so the engine evaluates
/// each point once and fans the verdict out to its ports.
public enum AttachmentPoint: Sendable, Hashable {
    /// A host's NIC or bond, chosen by the port's segment or local group.
    case hostInterface(hostID: String, interface: HostInterfaceRef)
    /// A host as a whole: any of its interfaces will do.
    case hostWide(hostID: String)
    /// Switch ports named by `local_link_information` (sorted ids), plus the number of listed
    /// links that matched no switch port (assumed alive).
    case switchPorts(portIDs: [String], unresolvedLinks: Int)
    /// Through the host's virtual switch, then on to the host's point.
    indirect case vswitch(hostID: String, AttachmentPoint)
    /// One port whose own interface on the virtual switch is reported down: that interface, then the
    /// point its port shares with others. Only such a port leaves the shared point, so that ports
    /// keep sharing paths while their interfaces are up.
    indirect case vif(portID: String, AttachmentPoint)

    /// The host a host-based point is on.
    public var hostID: String? {
        switch self {
        case .hostInterface(let hostID, _), .hostWide(let hostID), .vswitch(let hostID, _): hostID
        case .switchPorts: nil
        case .vif(_, let inner): inner.hostID
        }
    }
}
