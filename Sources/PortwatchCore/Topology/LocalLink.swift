/// One entry of `binding:profile.local_link_information`: the switch port a bare-metal or
/// SR-IOV NIC is cabled to, as Ironic learned it from LLDP.
public struct LocalLink: Codable, Sendable, Hashable {
    /// The switch's chassis MAC or datapath id (`switch_id`).
    public var switchID: String
    /// The switch port's name (`port_id`), e.g. `"Ethernet3/1"`.
    public var portID: String
    /// The switch's name (`switch_info`), used when `switch_id` matches no switch.
    public var switchInfo: String?

    /// Creates a local link.
    public init(switchID: String, portID: String, switchInfo: String? = nil) {
        self.switchID = switchID
        self.portID = portID
        self.switchInfo = switchInfo
    }

    enum CodingKeys: String, CodingKey {
        case switchID = "switch_id"
        case portID = "port_id"
        case switchInfo = "switch_info"
    }
}
