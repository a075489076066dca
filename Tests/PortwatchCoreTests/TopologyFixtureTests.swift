import Foundation
import PortwatchCore
import Testing

/// The small two-pod leaf-spine fabric the correlation tests run on; also stored as
/// `Tests/Fixtures/fabric-small.json`.
///
/// Each pod has spines `spine-<pod>1/2` and leaf pairs `leaf-<pod>1/2`, `leaf-<pod>3/4`; every
/// leaf has uplinks `Ethernet49` → spine 1 and `Ethernet50` → spine 2.
/// - compute-a1: bond0 (eth0 → leaf-a1:Ethernet1, eth1 → leaf-a2:Ethernet1) carries physnet1 and tunnels
/// - compute-a2: bond0 on leaf-a1/a2 Ethernet2 (physnet1, tunnels); eth2 → leaf-a1:Ethernet3 (physnet2, SR-IOV)
/// - compute-a3: single-homed eth0 → leaf-a3:Ethernet1 (physnet1, tunnels)
/// - compute-a4: eth0 → leaf-a3:Ethernet2 (physnet1), eth1 → leaf-a4:Ethernet2 (tunnels)
/// - compute-b1: bond0 on leaf-b1/b2 Ethernet1 (physnet1, tunnels)
/// - compute-b2: single-homed eth0 → leaf-b1:Ethernet2 (physnet1, tunnels)
/// - compute-b3: bond0 on leaf-b3/b4 Ethernet1 (physnet1, tunnels)
/// - compute-b4: eth0 → leaf-b4:Ethernet2 (physnet1), eth1 → leaf-b3:Ethernet2 (tunnels)
/// - bare-metal nodes (not hosts) on leaf-b3/b4:Ethernet5 (bonded) and leaf-b1:Ethernet6.
enum TestFabric {
    static func mac(pod: String, index: Int) -> String {
        String(format: "52:54:00:%02x:00:%02x", pod == "a" ? 0x0a : 0x0b, index)
    }

    static var document: TopologyDocument {
        var switches: [PhysicalSwitch] = []
        var links: [PhysicalLink] = []
        for pod in ["a", "b"] {
            for spine in 1...2 {
                switches.append(
                    PhysicalSwitch(
                        id: "spine-\(pod)\(spine)", name: "spine-\(pod)\(spine)",
                        mac: mac(pod: pod, index: 0x10 + spine),
                        role: .spine, pod: pod, ports: (1...4).map { SwitchPort(name: "Ethernet\($0)") }))
            }
            for leaf in 1...4 {
                let leafID = "leaf-\(pod)\(leaf)"
                switches.append(
                    PhysicalSwitch(
                        id: leafID, name: leafID, mac: mac(pod: pod, index: leaf), role: .leaf, pod: pod,
                        ports: ((1...8).map { "Ethernet\($0)" } + ["Ethernet49", "Ethernet50"]).map {
                            SwitchPort(name: $0)
                        }))
                for spine in 1...2 {
                    links.append(
                        PhysicalLink(
                            a: .switchPort(switchID: leafID, port: "Ethernet\(48 + spine)"),
                            b: .switchPort(switchID: "spine-\(pod)\(spine)", port: "Ethernet\(leaf)")))
                }
            }
        }
        var hosts: [PhysicalHost] = []
        func cable(_ host: String, _ nic: String, _ leaf: String, _ port: String) {
            links.append(PhysicalLink(a: .switchPort(switchID: leaf, port: port), b: .hostNIC(hostID: host, nic: nic)))
        }
        func bonded(_ host: String, legs: [(String, String)]) {
            hosts.append(
                PhysicalHost(
                    id: host, nics: [HostNIC(name: "eth0"), HostNIC(name: "eth1")],
                    bonds: [HostBond(name: "bond0", members: ["eth0", "eth1"], mode: "802.3ad")],
                    physnetMappings: ["physnet1": "bond0"], tunnelInterface: "bond0"))
            cable(host, "eth0", legs[0].0, legs[0].1)
            cable(host, "eth1", legs[1].0, legs[1].1)
        }
        bonded("compute-a1", legs: [("leaf-a1", "Ethernet1"), ("leaf-a2", "Ethernet1")])
        bonded("compute-a2", legs: [("leaf-a1", "Ethernet2"), ("leaf-a2", "Ethernet2")])
        hosts[1].nics.append(HostNIC(name: "eth2"))
        hosts[1].physnetMappings["physnet2"] = "eth2"
        cable("compute-a2", "eth2", "leaf-a1", "Ethernet3")
        hosts.append(
            PhysicalHost(
                id: "compute-a3", nics: [HostNIC(name: "eth0")], physnetMappings: ["physnet1": "eth0"],
                tunnelInterface: "eth0"))
        cable("compute-a3", "eth0", "leaf-a3", "Ethernet1")
        hosts.append(
            PhysicalHost(
                id: "compute-a4", nics: [HostNIC(name: "eth0"), HostNIC(name: "eth1")],
                physnetMappings: ["physnet1": "eth0"], tunnelInterface: "eth1"))
        cable("compute-a4", "eth0", "leaf-a3", "Ethernet2")
        cable("compute-a4", "eth1", "leaf-a4", "Ethernet2")
        bonded("compute-b1", legs: [("leaf-b1", "Ethernet1"), ("leaf-b2", "Ethernet1")])
        hosts.append(
            PhysicalHost(
                id: "compute-b2", nics: [HostNIC(name: "eth0")], physnetMappings: ["physnet1": "eth0"],
                tunnelInterface: "eth0"))
        cable("compute-b2", "eth0", "leaf-b1", "Ethernet2")
        bonded("compute-b3", legs: [("leaf-b3", "Ethernet1"), ("leaf-b4", "Ethernet1")])
        hosts.append(
            PhysicalHost(
                id: "compute-b4", nics: [HostNIC(name: "eth0"), HostNIC(name: "eth1")],
                physnetMappings: ["physnet1": "eth0"], tunnelInterface: "eth1"))
        cable("compute-b4", "eth0", "leaf-b4", "Ethernet2")
        cable("compute-b4", "eth1", "leaf-b3", "Ethernet2")
        return TopologyDocument(switches: switches, hosts: hosts, links: links)
    }

    static func topology() throws -> Topology { try Topology(document) }

    /// The ports of the scenarios: VLAN and overlay VMs, SR-IOV, bare metal, unbound.
    static let attachments: [PortAttachment] = [
        PortAttachment(portID: "vm-a1-vlan", hostID: "compute-a1", segment: .physnet("physnet1")),
        PortAttachment(portID: "vm-a1-vxlan", hostID: "compute-a1", segment: .overlay),
        PortAttachment(portID: "vm-a2-vlan", hostID: "compute-a2", segment: .physnet("physnet1")),
        PortAttachment(portID: "vm-a2-sriov", hostID: "compute-a2", segment: .physnet("physnet2")),
        PortAttachment(portID: "vm-a3-vlan", hostID: "compute-a3", segment: .physnet("physnet1")),
        PortAttachment(portID: "vm-a3-vxlan", hostID: "compute-a3", segment: .overlay),
        PortAttachment(portID: "vm-a4-vlan", hostID: "compute-a4", segment: .physnet("physnet1")),
        PortAttachment(portID: "vm-a4-vxlan", hostID: "compute-a4", segment: .overlay),
        PortAttachment(portID: "vm-b1-vxlan", hostID: "compute-b1", segment: .overlay),
        PortAttachment(portID: "vm-b2-vlan", hostID: "compute-b2", segment: .physnet("physnet1")),
        PortAttachment(portID: "vm-b3-vlan", hostID: "compute-b3", segment: .physnet("physnet1")),
        PortAttachment(portID: "vm-b4-any", hostID: "compute-b4", segment: .unspecified),
        PortAttachment(
            portID: "bm-1", hostID: "ironic-node-1", segment: .physnet("physnet1"),
            bindingProfile: [
                "local_link_information": .array([
                    .object([
                        "switch_id": .string(mac(pod: "b", index: 3).uppercased()), "port_id": .string("Ethernet5"),
                    ]),
                    .object([
                        "switch_id": .string("00:00:00:00:00:00"), "port_id": .string("Ethernet5"),
                        "switch_info": .string("leaf-b4"),
                    ]),
                ]),
                "local_group_information": .object([
                    "id": .string("pg-1"), "name": .string("bm1-bond"), "bond_mode": .string("802.3ad"),
                ]),
            ]),
        PortAttachment(
            portID: "bm-2", hostID: "ironic-node-2", segment: .physnet("physnet1"),
            bindingProfile: [
                "local_link_information": .array([
                    .object(["switch_id": .string(mac(pod: "b", index: 1)), "port_id": .string("Ethernet6")])
                ])
            ]),
        PortAttachment(portID: "unbound", hostID: "", segment: .overlay),
        PortAttachment(portID: "unknown-host", hostID: "compute-zz", segment: .overlay),
    ]

    /// An engine over the fabric with every scenario port attached.
    static func engine() throws -> CorrelationEngine {
        var engine = CorrelationEngine(topology: try topology())
        for attachment in attachments {
            _ = engine.upsertAttachment(attachment, now: Date(timeIntervalSince1970: 0))
        }
        return engine
    }

    static var fixtureURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fabric-small.json")
    }
}

struct TopologyFixtureTests {
    @Test func fabricValidates() throws {
        let topology = try TestFabric.topology()
        #expect(topology.switchIDs.count == 12)
        #expect(topology.hostIDs.count == 8)
        #expect(topology.uplinks(ofSwitch: "leaf-a1").map(\.remoteSwitchID) == ["spine-a1", "spine-a2"])
        #expect(topology.uplinks(ofSwitch: "spine-a1").isEmpty)
    }

    @Test func storedFixtureMatchesTheBuilder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if ProcessInfo.processInfo.environment["PORTWATCH_WRITE_FIXTURES"] != nil {
            try FileManager.default.createDirectory(
                at: TestFabric.fixtureURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(TestFabric.document).write(to: TestFabric.fixtureURL)
        }
        let stored = try JSONDecoder().decode(TopologyDocument.self, from: Data(contentsOf: TestFabric.fixtureURL))
        #expect(stored == TestFabric.document)
    }

    @Test func everyScenarioPortStartsUpOrUnknown() throws {
        let engine = try TestFabric.engine()
        for attachment in TestFabric.attachments {
            // A port bound to a host no document describes depends on that host alone: up.
            let expected: DataPlaneState? = attachment.portID.hasPrefix("unbound") ? nil : .up
            #expect(engine.state(ofPort: attachment.portID) == expected, "\(attachment.portID)")
        }
    }
}
