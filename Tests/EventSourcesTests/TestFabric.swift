import EventSources
import Foundation
import PortwatchCore

/// A small fabric for adapter tests: two spines, three leaves, a ToR named `tor-1` (id `sw-17`),
/// and hosts compute-a1 (bond0 over eth0 on leaf-a1 and eth1 on leaf-a2) and compute-a3 (eth0 on
/// leaf-a3). leaf-a3 has uplinks Ethernet49 → spine-a1 Ethernet3 and Ethernet50 → spine-a2 Ethernet3.
enum TestFabric {
    static let topology: Topology = {
        func leaf(_ n: Int) -> PhysicalSwitch {
            PhysicalSwitch(
                id: "leaf-a\(n)", name: "leaf-a\(n)", mac: "52:54:00:0a:00:0\(n)", role: .leaf,
                ports: ["Ethernet1", "Ethernet2", "Ethernet5", "Ethernet49", "Ethernet50"].map { SwitchPort(name: $0) })
        }
        func spine(_ n: Int) -> PhysicalSwitch {
            PhysicalSwitch(
                id: "spine-a\(n)", name: "spine-a\(n)", mac: "52:54:00:0a:00:1\(n)", role: .spine,
                ports: ["Ethernet1", "Ethernet2", "Ethernet3"].map { SwitchPort(name: $0) })
        }
        let tor = PhysicalSwitch(
            id: "sw-17", name: "tor-1", mac: "aa:bb:cc:00:00:01", ports: [SwitchPort(name: "Ethernet12")])
        let document = TopologyDocument(
            switches: [spine(1), spine(2), leaf(1), leaf(2), leaf(3), tor],
            hosts: [
                PhysicalHost(
                    id: "compute-a1", nics: [HostNIC(name: "eth0"), HostNIC(name: "eth1")],
                    bonds: [HostBond(name: "bond0", members: ["eth0", "eth1"], mode: "802.3ad")],
                    physnetMappings: ["physnet1": "bond0"], tunnelInterface: "bond0"),
                PhysicalHost(id: "compute-a3", nics: [HostNIC(name: "eth0")], physnetMappings: ["physnet1": "eth0"]),
            ],
            links: [
                PhysicalLink(
                    a: .switchPort(switchID: "leaf-a1", port: "Ethernet1"),
                    b: .hostNIC(hostID: "compute-a1", nic: "eth0")),
                PhysicalLink(
                    a: .switchPort(switchID: "leaf-a2", port: "Ethernet1"),
                    b: .hostNIC(hostID: "compute-a1", nic: "eth1")),
                PhysicalLink(
                    a: .switchPort(switchID: "leaf-a3", port: "Ethernet1"),
                    b: .hostNIC(hostID: "compute-a3", nic: "eth0")),
                PhysicalLink(
                    a: .switchPort(switchID: "leaf-a3", port: "Ethernet49"),
                    b: .switchPort(switchID: "spine-a1", port: "Ethernet3")),
                PhysicalLink(
                    a: .switchPort(switchID: "leaf-a3", port: "Ethernet50"),
                    b: .switchPort(switchID: "spine-a2", port: "Ethernet3")),
            ])
        return try! Topology(document)
    }()

    /// The "current time" handed to adapters.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Parses JSON text.
    static func json(_ text: String) -> JSONValue {
        try! JSONValue.parse(Array(text.utf8))
    }
}
