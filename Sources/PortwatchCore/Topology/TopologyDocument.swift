/// A whole physical topology as imported in bulk (JSON here; YAML is decoded into the same type).
///
/// The document is plain data; ``Topology/init(_:)`` validates it and builds the indexes the
/// correlation engine needs. See `docs/topology.md` for the schema.
public struct TopologyDocument: Codable, Sendable, Hashable {
    /// Every switch, spine and leaf alike.
    public var switches: [PhysicalSwitch]
    /// Every host the fabric serves.
    public var hosts: [PhysicalHost]
    /// Every cable: switch ↔ host and switch ↔ switch.
    public var links: [PhysicalLink]

    /// Creates a document.
    public init(switches: [PhysicalSwitch] = [], hosts: [PhysicalHost] = [], links: [PhysicalLink] = []) {
        self.switches = switches
        self.hosts = hosts
        self.links = links
    }

    enum CodingKeys: String, CodingKey {
        case switches, hosts, links
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switches = try container.decodeIfPresent([PhysicalSwitch].self, forKey: .switches) ?? []
        hosts = try container.decodeIfPresent([PhysicalHost].self, forKey: .hosts) ?? []
        links = try container.decodeIfPresent([PhysicalLink].self, forKey: .links) ?? []
    }
}
