/// The kinds of physical resource a fault can be reported against.
public enum PhysicalResourceKind: String, Codable, Sendable, Hashable, CaseIterable {
    case `switch`
    case switchPort
    case link
    case hostNIC
    case bond
    case host
    /// A host's virtual switch (Open vSwitch), by the host's id: the ports bound to the host through
    /// it (VNIC type `normal`, `virtio-forwarder`, `vdpa`) depend on it.
    case vswitch
    /// A port's own interface on its host's virtual switch (a VM's tap, a vhost-user socket), by the
    /// Neutron port id: that port alone depends on it.
    case vif

    /// How much of the fabric a failure of this kind explains, used to pick a root cause.
    ///
    /// A switch explains the loss of its ports and links; a link explains both of its ends
    /// (a pulled cable is seen as the NIC and the switch port going down).
    var rootCauseRank: Int {
        switch self {
        case .switch, .host: 6
        case .bond, .vswitch: 5
        case .link: 4
        case .switchPort: 3
        case .hostNIC: 2
        case .vif: 1
        }
    }
}
