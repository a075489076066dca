/// A cable between a switch port and a host NIC, or between two switch ports.
///
/// Direction does not matter. A link between switches of different roles is an uplink of the
/// lower one (see ``SwitchRole``).
///
/// ```json
/// {"a": {"switch": "leaf-a1", "port": "Ethernet1"}, "b": {"host": "compute-a1", "nic": "eth0"}}
/// ```
public struct PhysicalLink: Codable, Sendable, Hashable {
    /// Topology-wide id; when absent it is `"<a>--<b>"` with each end written as
    /// `"<switch id>:<port name>"` or `"<host id>:<nic name>"`.
    public var id: String?
    /// One end.
    public var a: LinkEndpoint
    /// The other end.
    public var b: LinkEndpoint
    /// `learned` for a link Portwatch learned from a host's LLDP neighbours (``LearnedLink``); absent
    /// for a declared one.
    public var origin: String?

    /// Creates a link.
    public init(id: String? = nil, a: LinkEndpoint, b: LinkEndpoint, origin: String? = nil) {
        self.id = id
        self.a = a
        self.b = b
        self.origin = origin
    }
}
