/// A reference to one physical resource of the topology: its kind and its topology-wide id.
///
/// Ids are those of the topology document: a switch's `id`, a switch port's `id`
/// (by default `"<switch id>:<port name>"`), a host's `id`, a NIC or bond `id`
/// (by default `"<host id>:<interface name>"`) and a link's `id`.
///
/// ```swift
/// let leaf: PhysicalResourceRef = .switch("leaf-a1")
/// let port: PhysicalResourceRef = .switchPort("leaf-a1:Ethernet1")
/// ```
public struct PhysicalResourceRef: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What kind of resource this is.
    public var kind: PhysicalResourceKind
    /// The resource's id, unique among resources of the same kind.
    public var id: String

    /// Creates a reference from a kind and an id.
    public init(kind: PhysicalResourceKind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// A switch, by id.
    public static func `switch`(_ id: String) -> Self { Self(kind: .switch, id: id) }
    /// A switch port, by its topology-wide id.
    public static func switchPort(_ id: String) -> Self { Self(kind: .switchPort, id: id) }
    /// A link, by id.
    public static func link(_ id: String) -> Self { Self(kind: .link, id: id) }
    /// A host NIC, by its topology-wide id.
    public static func hostNIC(_ id: String) -> Self { Self(kind: .hostNIC, id: id) }
    /// A bond (LAG) of host NICs, by its topology-wide id.
    public static func bond(_ id: String) -> Self { Self(kind: .bond, id: id) }
    /// A host, by id (the value Neutron ports carry in `binding:host_id`).
    public static func host(_ id: String) -> Self { Self(kind: .host, id: id) }
    /// A host's virtual switch, by the host's id.
    public static func vswitch(_ hostID: String) -> Self { Self(kind: .vswitch, id: hostID) }
    /// A port's interface on its host's virtual switch, by the Neutron port id.
    public static func vif(_ portID: String) -> Self { Self(kind: .vif, id: portID) }

    public var description: String { "\(kind.rawValue) \(id)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.kind.rawValue, lhs.id) < (rhs.kind.rawValue, rhs.id)
    }
}
