/// A physical network interface of a host, as written in a topology document.
public struct HostNIC: Codable, Sendable, Hashable {
    /// The interface name on the host (`"eth0"`, `"ens1f0"`).
    public var name: String
    /// Topology-wide id; when absent the NIC's id is `"<host id>:<name>"`.
    public var id: String?
    /// The NIC's MAC address, informational.
    public var mac: String?

    /// Creates a host NIC.
    public init(name: String, id: String? = nil, mac: String? = nil) {
        self.name = name
        self.id = id
        self.mac = mac
    }
}
