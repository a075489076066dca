import NeutronClient
import PortwatchCore

/// What a host's agents say about its interfaces: which interface (or bridge, or device) carries
/// each physnet, and the IP its tunnels use. Read from `GET /v2.0/agents`; it fills the host's
/// `physnetMappings` where the topology document does not say.
public struct AgentHostMappings: Sendable, Hashable {
    /// Physnet → interface name: Linux bridge `interface_mappings` first, then SR-IOV
    /// `device_mappings` (the first device), then Open vSwitch `bridge_mappings` (the bridge name,
    /// which is what a topology names when it models the bridge as the host's interface).
    public var physnetInterfaces: [String: String] = [:]
    /// The agents' `tunneling_ip` (the same on every agent of a host, in practice).
    public var tunnelingIP: String?

    public init(physnetInterfaces: [String: String] = [:], tunnelingIP: String? = nil) {
        self.physnetInterfaces = physnetInterfaces
        self.tunnelingIP = tunnelingIP
    }

    /// Per host, the mappings of its live agents (dead agents' reports may be stale).
    public static func hosts(from agents: [NeutronAgent]) -> [String: AgentHostMappings] {
        var bridges: [String: [String: String]] = [:]
        var devices: [String: [String: String]] = [:]
        var interfaces: [String: [String: String]] = [:]
        var tunnels: [String: String] = [:]
        for agent in agents where agent.alive {
            bridges[agent.host, default: [:]].merge(agent.bridgeMappings) { old, _ in old }
            devices[agent.host, default: [:]].merge(agent.deviceMappings.compactMapValues(\.first)) { old, _ in old }
            interfaces[agent.host, default: [:]].merge(agent.interfaceMappings) { old, _ in old }
            if tunnels[agent.host] == nil, let ip = agent.tunnelingIP { tunnels[agent.host] = ip }
        }
        var hosts: [String: AgentHostMappings] = [:]
        for host in Set(bridges.keys).union(devices.keys).union(interfaces.keys) {
            let merged = (bridges[host] ?? [:]).merging(devices[host] ?? [:]) { _, new in new }
                .merging(interfaces[host] ?? [:]) { _, new in new }
            hosts[host] = AgentHostMappings(physnetInterfaces: merged, tunnelingIP: tunnels[host])
        }
        return hosts
    }
}

extension AgentHostMappings {
    /// Fills, for each host the document describes, the physnets its `physnetMappings` do not name
    /// with the interface the agents report, when that interface is one of the host's NICs or
    /// bonds (an Open vSwitch bridge name is not, and is left out). What the document says is
    /// never changed. Returns whether anything was added.
    ///
    /// `tunneling_ip` cannot fill `tunnelInterface`: the document does not say which interface
    /// holds which address.
    @discardableResult
    public static func fill(_ document: inout TopologyDocument, from hosts: [String: AgentHostMappings]) -> Bool {
        var changed = false
        for index in document.hosts.indices {
            guard let reported = hosts[document.hosts[index].id] else { continue }
            let host = document.hosts[index]
            let interfaces = Set(host.nics.map(\.name)).union(host.bonds.map(\.name))
            for (physnet, interface) in reported.physnetInterfaces.sorted(by: { $0.key < $1.key })
            where host.physnetMappings[physnet] == nil && interfaces.contains(interface) {
                document.hosts[index].physnetMappings[physnet] = interface
                changed = true
            }
        }
        return changed
    }
}
