/// `binding:profile.local_group_information`: the Ironic port group (bond) a port's local links
/// belong to.
public struct LocalGroup: Codable, Sendable, Hashable {
    /// Port group UUID.
    public var id: String?
    /// Port group name; matched against a host bond's name when the port has no local links.
    public var name: String?
    /// Bond mode (`"802.3ad"`, `"4"`, `"active-backup"`).
    public var bondMode: String?

    /// Creates a local group.
    public init(id: String? = nil, name: String? = nil, bondMode: String? = nil) {
        self.id = id
        self.name = name
        self.bondMode = bondMode
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case bondMode = "bond_mode"
    }
}
