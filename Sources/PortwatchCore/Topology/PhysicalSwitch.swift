/// A physical switch of the fabric, as written in a topology document.
///
/// ```json
/// {"id": "leaf-a1", "name": "leaf-a1", "mac": "52:54:00:0a:01:01", "role": "leaf", "pod": "a",
///  "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]}
/// ```
public struct PhysicalSwitch: Codable, Sendable, Hashable {
    /// Topology-wide id; also the id used in fault events.
    public var id: String
    /// Host name of the switch; `local_link_information[].switch_info` is matched against it.
    public var name: String?
    /// Chassis MAC address; `local_link_information[].switch_id` is matched against it
    /// (case and separators ignored).
    public var mac: String?
    /// The switch's tier; `leaf` when absent.
    public var role: SwitchRole
    /// Free-form pod or rack label, informational.
    public var pod: String?
    /// The switch's ports.
    public var ports: [SwitchPort]

    /// Creates a switch.
    public init(
        id: String, name: String? = nil, mac: String? = nil, role: SwitchRole = .leaf, pod: String? = nil,
        ports: [SwitchPort] = []
    ) {
        self.id = id
        self.name = name
        self.mac = mac
        self.role = role
        self.pod = pod
        self.ports = ports
    }

    enum CodingKeys: String, CodingKey {
        case id, name, mac, role, pod, ports
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        mac = try container.decodeIfPresent(String.self, forKey: .mac)
        role = try container.decodeIfPresent(SwitchRole.self, forKey: .role) ?? .leaf
        pod = try container.decodeIfPresent(String.self, forKey: .pod)
        ports = try container.decodeIfPresent([SwitchPort].self, forKey: .ports) ?? []
    }
}
