/// A bond (LAG) grouping several NICs of one host, as written in a topology document.
///
/// The bond carries traffic while at least one member NIC has a path to the fabric.
public struct HostBond: Codable, Sendable, Hashable {
    /// The bond's interface name on the host (`"bond0"`); also matched against
    /// `binding:profile.local_group_information.name`.
    public var name: String
    /// Topology-wide id; when absent the bond's id is `"<host id>:<name>"`.
    public var id: String?
    /// Names of the member NICs on the same host.
    public var members: [String]
    /// Bonding mode (`"802.3ad"`, `"active-backup"`), informational.
    public var mode: String?

    /// Creates a bond.
    public init(name: String, id: String? = nil, members: [String], mode: String? = nil) {
        self.name = name
        self.id = id
        self.members = members
        self.mode = mode
    }
}
