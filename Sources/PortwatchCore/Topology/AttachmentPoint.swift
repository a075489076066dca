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
}
