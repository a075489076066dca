/// What a Neutron port says about where it is attached, reduced to what correlation needs.
///
/// Mapping rules, first match wins (``Topology/attachmentPoint(for:)``):
/// 1. **Local links.** When `localLinks` is not empty the port depends on those switch ports:
///    `switch_id` is matched against a switch's id or chassis MAC, then `switch_info` against its
///    id or name; `port_id` against the port's name or id. Several links are redundant (a bond):
///    the port is down only when all are. A link that matches nothing is assumed alive, so it can
///    only soften the verdict (never claim DOWN on a leg we cannot see). When no link matches at
///    all, the port falls through to the host rules.
/// 2. **Local group.** With a host and a local group whose name is a bond of that host, the port
///    depends on that bond.
/// 3. **Segment.** With a known host: `.physnet(p)` → the interface the host maps `p` to;
///    `.overlay` → the host's tunnel interface.
/// 4. **Host-wide.** With a known host and `.unspecified`, a physnet the host does not map, or
///    an overlay port on a host without a tunnel interface: the port depends on *any* of the
///    host's mapped interfaces (or all its NICs when it maps none). It is down only when the host
///    is cut off entirely; losing one interface makes it degraded.
/// 5. **Unknown.** No host (`binding:host_id` empty) or a host the topology does not know: no
///    physical dependency; the engine reports no state and never writes `data_plane_status`.
///
/// Every host-based path also depends on the host resource itself (a `compute.host.down` fault
/// takes all the host's ports down), and, for VNIC types that cross it (``vswitchVNICTypes``), on
/// the host's virtual switch.
public struct PortAttachment: Codable, Sendable, Hashable {
    /// Neutron port id.
    public var portID: String
    /// `binding:host_id`; empty when unbound.
    public var hostID: String
    /// The segment of the port's network.
    public var segment: NetworkSegment
    /// `binding:profile.local_link_information`.
    public var localLinks: [LocalLink]
    /// `binding:profile.local_group_information`.
    public var localGroup: LocalGroup?
    /// `binding:vnic_type`.
    public var vnicType: String

    /// Creates an attachment from already-parsed parts.
    public init(
        portID: String, hostID: String, segment: NetworkSegment, localLinks: [LocalLink] = [],
        localGroup: LocalGroup? = nil, vnicType: String = "normal"
    ) {
        self.portID = portID
        self.hostID = hostID
        self.segment = segment
        self.localLinks = localLinks
        self.localGroup = localGroup
        self.vnicType = vnicType
    }

    /// The VNIC types whose traffic crosses the host's virtual switch: `normal` (OVS taps and
    /// vhost-user), `virtio-forwarder` and `vdpa` (OVS-managed). SR-IOV (`direct`, `macvtap`,
    /// `direct-physical`), `baremetal`, `smart-nic` and accelerator ports bypass it.
    public static let vswitchVNICTypes: Set<String> = ["normal", "virtio-forwarder", "vdpa"]

    /// Whether the port depends on its host's virtual switch.
    public var usesVSwitch: Bool { !hostID.isEmpty && Self.vswitchVNICTypes.contains(vnicType) }
}
