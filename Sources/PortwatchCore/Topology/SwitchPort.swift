/// A port on a physical switch, as written in a topology document.
public struct SwitchPort: Codable, Sendable, Hashable {
    /// The port's name on the switch, as LLDP and Ironic report it (`"Ethernet1/1"`, `"xe-0/0/1"`).
    public var name: String
    /// Topology-wide id; when absent the port's id is `"<switch id>:<name>"`.
    public var id: String?

    /// Creates a switch port.
    public init(name: String, id: String? = nil) {
        self.name = name
        self.id = id
    }
}
