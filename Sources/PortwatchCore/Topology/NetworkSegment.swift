/// How a port's network reaches the wire, which decides the host interface the port depends on.
public enum NetworkSegment: Sendable, Hashable, Codable {
    /// Flat or VLAN network on a provider physnet: the port rides the host interface mapped to
    /// that physnet.
    case physnet(String)
    /// VXLAN, Geneve or GRE: the port rides the host's tunnel interface.
    case overlay
    /// Not known (or a network type with no physical segment): the port depends on the host as
    /// a whole, see ``PortAttachment``.
    case unspecified

    /// The segment for a Neutron network's `provider:network_type` and
    /// `provider:physical_network`.
    ///
    /// `flat` and `vlan` with a physnet give `.physnet`; `vxlan`, `geneve` and `gre` give
    /// `.overlay`; anything else (including `local`, or a missing physnet) gives `.unspecified`.
    public init(networkType: String?, physicalNetwork: String?) {
        switch networkType?.lowercased() {
        case "flat", "vlan":
            if let physicalNetwork, !physicalNetwork.isEmpty {
                self = .physnet(physicalNetwork)
            } else {
                self = .unspecified
            }
        case "vxlan", "geneve", "gre":
            self = .overlay
        default:
            self = .unspecified
        }
    }
}
