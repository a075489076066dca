/// A host interface that can carry a network: a single NIC or a bond, by topology-wide id.
public enum HostInterfaceRef: Sendable, Hashable {
    /// A single NIC.
    case nic(String)
    /// A bond of NICs.
    case bond(String)

    /// The resource this interface is.
    public var resource: PhysicalResourceRef {
        switch self {
        case .nic(let id): .hostNIC(id)
        case .bond(let id): .bond(id)
        }
    }
}
