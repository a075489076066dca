/// A host (hypervisor, network node or bare-metal node) with its NICs, bonds and network mappings.
///
/// `physnetMappings` mirrors the agents' `bridge_mappings` / `physical_device_mappings`: it says
/// which interface (NIC or bond name) carries each provider physnet. `tunnelInterface` names the
/// interface that carries overlay (VXLAN, Geneve, GRE) traffic.
///
/// ```json
/// {"id": "compute-a1", "nics": [{"name": "eth0"}, {"name": "eth1"}],
///  "bonds": [{"name": "bond0", "members": ["eth0", "eth1"], "mode": "802.3ad"}],
///  "physnetMappings": {"physnet1": "bond0"}, "tunnelInterface": "bond0"}
/// ```
public struct PhysicalHost: Codable, Sendable, Hashable {
    /// Host id, equal to the `binding:host_id` of the ports bound to it.
    public var id: String
    /// Physical NICs.
    public var nics: [HostNIC]
    /// Bonds over those NICs.
    public var bonds: [HostBond]
    /// Physnet name → interface (NIC or bond) name.
    public var physnetMappings: [String: String]
    /// Interface (NIC or bond) name carrying the overlay tunnels, if the host has one.
    public var tunnelInterface: String?

    /// Creates a host.
    public init(
        id: String, nics: [HostNIC] = [], bonds: [HostBond] = [], physnetMappings: [String: String] = [:],
        tunnelInterface: String? = nil
    ) {
        self.id = id
        self.nics = nics
        self.bonds = bonds
        self.physnetMappings = physnetMappings
        self.tunnelInterface = tunnelInterface
    }

    enum CodingKeys: String, CodingKey {
        case id, nics, bonds, physnetMappings, tunnelInterface
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        nics = try container.decodeIfPresent([HostNIC].self, forKey: .nics) ?? []
        bonds = try container.decodeIfPresent([HostBond].self, forKey: .bonds) ?? []
        physnetMappings = try container.decodeIfPresent([String: String].self, forKey: .physnetMappings) ?? [:]
        tunnelInterface = try container.decodeIfPresent(String.self, forKey: .tunnelInterface)
    }
}
