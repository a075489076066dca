import Foundation
import PortwatchCore
import Testing

struct CorrelationAttachmentTests {
    private func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    struct MappingCase: Sendable, CustomTestStringConvertible {
        var name: String
        var attachment: PortAttachment
        var expected: AttachmentPoint?
        var testDescription: String { name }
    }

    static let mappingCases: [MappingCase] = [
        MappingCase(
            name: "VLAN port rides the interface mapped to its physnet",
            attachment: PortAttachment(portID: "p", hostID: "compute-a2", segment: .physnet("physnet2")),
            expected: .hostInterface(hostID: "compute-a2", interface: .nic("compute-a2:eth2"))),
        MappingCase(
            name: "overlay port rides the tunnel interface",
            attachment: PortAttachment(portID: "p", hostID: "compute-a4", segment: .overlay),
            expected: .hostInterface(hostID: "compute-a4", interface: .nic("compute-a4:eth1"))),
        MappingCase(
            name: "unmapped physnet falls back to the whole host",
            attachment: PortAttachment(portID: "p", hostID: "compute-a4", segment: .physnet("physnet9")),
            expected: .hostWide(hostID: "compute-a4")),
        MappingCase(
            name: "unspecified segment depends on the whole host",
            attachment: PortAttachment(portID: "p", hostID: "compute-a1", segment: .unspecified),
            expected: .hostWide(hostID: "compute-a1")),
        MappingCase(
            name: "local group naming a host bond maps to that bond",
            attachment: PortAttachment(
                portID: "p", hostID: "compute-a2", segment: .physnet("physnet2"),
                localGroup: LocalGroup(name: "bond0")),
            expected: .hostInterface(hostID: "compute-a2", interface: .bond("compute-a2:bond0"))),
        MappingCase(
            name: "local link by chassis MAC in another notation",
            attachment: PortAttachment(
                portID: "p", hostID: "", segment: .physnet("physnet1"),
                localLinks: [LocalLink(switchID: "5254.000b.0003", portID: "Ethernet5")]),
            expected: .switchPorts(portIDs: ["leaf-b3:Ethernet5"], unresolvedLinks: 0)),
        MappingCase(
            name: "local link by switch_info when switch_id is unknown",
            attachment: PortAttachment(
                portID: "p", hostID: "", segment: .physnet("physnet1"),
                localLinks: [LocalLink(switchID: "of:00000000000000ff", portID: "Ethernet5", switchInfo: "leaf-b4")]),
            expected: .switchPorts(portIDs: ["leaf-b4:Ethernet5"], unresolvedLinks: 0)),
        MappingCase(
            name: "local link whose port_id is the port's topology id",
            attachment: PortAttachment(
                portID: "p", hostID: "", segment: .physnet("physnet1"),
                localLinks: [LocalLink(switchID: "leaf-b4", portID: "leaf-b4:Ethernet5")]),
            expected: .switchPorts(portIDs: ["leaf-b4:Ethernet5"], unresolvedLinks: 0)),
        MappingCase(
            name: "an unresolvable local link is kept as an unseen leg",
            attachment: PortAttachment(
                portID: "p", hostID: "", segment: .physnet("physnet1"),
                localLinks: [
                    LocalLink(switchID: "leaf-b4", portID: "Ethernet5"),
                    LocalLink(switchID: "aa:aa:aa:aa:aa:aa", portID: "Ethernet5"),
                ]),
            expected: .switchPorts(portIDs: ["leaf-b4:Ethernet5"], unresolvedLinks: 1)),
        MappingCase(
            name: "local links win over the host",
            attachment: PortAttachment(
                portID: "p", hostID: "compute-b1", segment: .overlay,
                localLinks: [LocalLink(switchID: "leaf-b1", portID: "Ethernet6")]),
            expected: .switchPorts(portIDs: ["leaf-b1:Ethernet6"], unresolvedLinks: 0)),
        MappingCase(
            name: "unresolvable local links fall back to the host",
            attachment: PortAttachment(
                portID: "p", hostID: "compute-b1", segment: .overlay,
                localLinks: [LocalLink(switchID: "nope", portID: "Ethernet6")]),
            expected: .hostInterface(hostID: "compute-b1", interface: .bond("compute-b1:bond0"))),
        MappingCase(
            name: "unbound port has no physical dependency",
            attachment: PortAttachment(portID: "p", hostID: "", segment: .overlay),
            expected: nil),
        MappingCase(
            name: "a host only the binding names is a host: the port depends on it alone",
            attachment: PortAttachment(portID: "p", hostID: "compute-zz", segment: .physnet("physnet1")),
            expected: .hostWide(hostID: "compute-zz")),
    ]

    @Test(arguments: mappingCases)
    func mapsAttachmentToTheFabric(_ mapping: MappingCase) throws {
        let topology = try TestFabric.topology()
        // Host-based points of `normal` ports sit behind the host's virtual switch.
        var expected = mapping.expected
        if let point = expected, let hostID = point.hostID { expected = .vswitch(hostID: hostID, point) }
        #expect(topology.attachmentPoint(for: mapping.attachment) == expected)
    }

    @Test func onlyPortsThatCrossTheVirtualSwitchDependOnIt() throws {
        let topology = try TestFabric.topology()
        let base = AttachmentPoint.hostInterface(hostID: "compute-a4", interface: .nic("compute-a4:eth1"))
        for vnic in ["normal", "virtio-forwarder", "vdpa"] {
            let attachment = PortAttachment(portID: "p", hostID: "compute-a4", segment: .overlay, vnicType: vnic)
            #expect(topology.attachmentPoint(for: attachment) == .vswitch(hostID: "compute-a4", base), "\(vnic)")
        }
        for vnic in ["direct", "direct-physical", "macvtap", "baremetal", "smart-nic"] {
            let attachment = PortAttachment(portID: "p", hostID: "compute-a4", segment: .overlay, vnicType: vnic)
            #expect(topology.attachmentPoint(for: attachment) == base, "\(vnic)")
        }
        let path = topology.pathRequirement(for: .vswitch(hostID: "compute-a4", base))
        #expect(path.resources.contains(.vswitch("compute-a4")))
        #expect(path.resources.contains(.host("compute-a4")))
    }

    @Test func unseenLegKeepsABareMetalPortFromGoingDown() throws {
        var engine = try TestFabric.engine()
        let attachment = PortAttachment(
            portID: "bm-3", hostID: "", segment: .physnet("physnet1"),
            localLinks: [
                LocalLink(switchID: "leaf-b4", portID: "Ethernet5"),
                LocalLink(switchID: "unknown", portID: "Ethernet5"),
            ])
        _ = engine.upsertAttachment(attachment, now: at(0))
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-b4"), state: .down, time: at(1), source: "onos")], now: at(1))
        #expect(engine.state(ofPort: "bm-3") == .degraded)
    }

    @Test func portsAttachedAlikeReadBackTheirOwnAttachments() throws {
        var engine = try TestFabric.engine()
        let alike = (1...3).map { PortAttachment(portID: "vm-\($0)", hostID: "compute-a4", segment: .overlay) }
        let other = PortAttachment(portID: "vm-9", hostID: "compute-a2", segment: .physnet("physnet2"), vnicType: "direct")
        for attachment in alike + [other] { _ = engine.upsertAttachment(attachment, now: at(0)) }
        for attachment in alike + [other] { #expect(engine.attachment(ofPort: attachment.portID) == attachment) }

        // Moving one port moves that port only.
        var moved = alike[0]
        moved.hostID = "compute-a2"
        moved.segment = .physnet("physnet2")
        _ = engine.upsertAttachment(moved, now: at(1))
        #expect(engine.attachment(ofPort: "vm-1") == moved)
        #expect(engine.attachment(ofPort: "vm-2") == alike[1])
        #expect(engine.assessment(portID: "vm-1")?.attachmentPoint != engine.assessment(portID: "vm-2")?.attachmentPoint)

        engine.removeAttachment(portID: "vm-2")
        #expect(engine.attachment(ofPort: "vm-2") == nil)
        #expect(!engine.knows(.vif("vm-2")))
        #expect(engine.attachment(ofPort: "vm-3") == alike[2])

        // A new topology re-places every attachment the engine holds.
        let changes = engine.replaceTopology(try TestFabric.topology(), now: at(2))
        #expect(changes.isEmpty)
        for attachment in [moved, alike[2], other] {
            #expect(engine.attachment(ofPort: attachment.portID) == attachment)
            #expect(engine.state(ofPort: attachment.portID) == .up)
        }
        _ = engine.apply(
            [FaultEvent(resource: .host("compute-a4"), state: .down, time: at(3), source: "doctor")], now: at(3))
        #expect(engine.state(ofPort: "vm-3") == .down)
        #expect(engine.state(ofPort: "vm-1") == .up)
    }

    @Test func aHostOnlyBindingsNameIsKnownWhileAPortIsBoundToIt() throws {
        var engine = CorrelationEngine(topology: try Topology(TopologyDocument()))
        #expect(!engine.knows(.host("compute-x")))
        _ = engine.upsertAttachment(PortAttachment(portID: "p1", hostID: "compute-x", segment: .overlay), now: at(0))
        #expect(engine.knows(.host("compute-x")))
        #expect(!engine.knows(.hostNIC("compute-x:eth0")), "only the host itself: its NICs need a document")
        #expect(engine.state(ofPort: "p1") == .up)
        let result = engine.apply(
            [FaultEvent(resource: .host("compute-x"), state: .down, time: at(1), source: "doctor")], now: at(1))
        #expect(result.changes.map(\.portID) == ["p1"])
        #expect(engine.state(ofPort: "p1") == .down)
        #expect(engine.assessment(portID: "p1")?.rootCause == [.host("compute-x")])

        // A topology that does not describe the host keeps its fault.
        _ = engine.replaceTopology(try TestFabric.topology(), now: at(2))
        #expect(engine.state(ofPort: "p1") == .down)
        #expect(engine.activeFaults.map(\.resource) == [.host("compute-x")])

        // The last port leaves: the host is unknown again, but its record stays for the next port.
        engine.removeAttachment(portID: "p1")
        #expect(!engine.knows(.host("compute-x")))
        _ = engine.upsertAttachment(PortAttachment(portID: "p2", hostID: "compute-x", segment: .overlay), now: at(3))
        #expect(engine.state(ofPort: "p2") == .down)
    }

    @Test func bondMemberWithUnknownCablingIsAssumedAlive() throws {
        var document = TestFabric.document
        document.links.removeAll { $0.b == .hostNIC(hostID: "compute-a1", nic: "eth1") }
        var engine = CorrelationEngine(topology: try Topology(document))
        _ = engine.upsertAttachment(TestFabric.attachments[0], now: at(0))
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a1"), state: .down, time: at(1), source: "onos")], now: at(1))
        #expect(engine.state(ofPort: "vm-a1-vlan") == .degraded)
        _ = engine.apply(
            [FaultEvent(resource: .hostNIC("compute-a1:eth1"), state: .down, time: at(2), source: "ovsdb")], now: at(2))
        #expect(engine.state(ofPort: "vm-a1-vlan") == .down)
    }

    @Test func bondedHostPathIsAnOrOverMembersBehindTheirLeaves() throws {
        let topology = try TestFabric.topology()
        let path = topology.pathRequirement(
            for: .hostInterface(hostID: "compute-a1", interface: .bond("compute-a1:bond0")))
        guard case .allOf(let top) = path, top.count == 3, case .anyOf(let members) = top[2] else {
            Issue.record("unexpected shape \(path)")
            return
        }
        #expect(top[0] == .resource(.host("compute-a1")))
        #expect(top[1] == .resource(.bond("compute-a1:bond0")))
        #expect(members.count == 2)
        #expect(path.resources.contains(.switch("spine-a2")))
        #expect(!path.resources.contains(.switch("spine-b1")))
    }

    @Test func newPortOnAFailedPathComesBackAsAChange() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "onos")], now: at(1))
        let change = engine.upsertAttachment(
            PortAttachment(portID: "vm-new", hostID: "compute-a3", segment: .overlay), now: at(2))
        #expect(change?.previous == nil)
        #expect(change?.current == .down)
        #expect(change?.cause.trigger == .attachmentChanged)
        #expect(change?.cause.rootCause == [.switch("leaf-a3")])
        #expect(engine.assessment(portID: "vm-new")?.hasBeenDown == true)
    }

    @Test func newHealthyPortIsNoChange() throws {
        var engine = try TestFabric.engine()
        #expect(
            engine.upsertAttachment(PortAttachment(portID: "x", hostID: "compute-a3", segment: .overlay), now: at(0))
                == nil)
    }

    @Test func rebindingMovesThePortToItsNewPath() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "onos")], now: at(1))
        let change = engine.upsertAttachment(
            PortAttachment(portID: "vm-a3-vlan", hostID: "compute-b2", segment: .physnet("physnet1")), now: at(2))
        #expect(change?.previous == .down)
        #expect(change?.current == .up)
        #expect(!engine.ports(dependingOn: .switch("leaf-a3")).contains("vm-a3-vlan"))
        #expect(engine.ports(dependingOn: .switch("leaf-b1")).contains("vm-a3-vlan"))
    }

    @Test func removedPortLeavesNoTrace() throws {
        var engine = try TestFabric.engine()
        engine.removeAttachment(portID: "bm-2")
        #expect(engine.assessment(portID: "bm-2") == nil)
        #expect(!engine.ports(dependingOn: .switchPort("leaf-b1:Ethernet6")).contains("bm-2"))
        let result = engine.apply(
            [FaultEvent(resource: .switchPort("leaf-b1:Ethernet6"), state: .down, time: at(1), source: "onos")],
            now: at(1))
        #expect(result.changes.isEmpty)
    }

    @Test func replacingTheTopologyReevaluatesEveryPort() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a1"), state: .down, time: at(1), source: "onos")], now: at(1))
        #expect(engine.state(ofPort: "vm-a1-vlan") == .degraded)

        var document = TestFabric.document
        let hostIndex = try #require(document.hosts.firstIndex { $0.id == "compute-a1" })
        document.hosts[hostIndex].bonds[0].members = ["eth0"]
        let changes = engine.replaceTopology(try Topology(document), now: at(2))
        #expect(changes.map(\.portID) == ["vm-a1-vlan", "vm-a1-vxlan"])
        #expect(changes.allSatisfy { $0.previous == .degraded && $0.current == .down })
        #expect(changes.first?.cause.trigger == .topologyReplaced)
        #expect(changes.first?.cause.rootCause == [.switch("leaf-a1")])
    }

    @Test func replacingTheTopologyDropsFaultsOnVanishedResources() throws {
        var engine = try TestFabric.engine()
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a3"), state: .down, time: at(1), source: "onos")], now: at(1))
        var document = TestFabric.document
        document.switches.removeAll { $0.id == "leaf-a3" }
        document.links.removeAll {
            [$0.a, $0.b].contains { endpoint in
                if case .switchPort("leaf-a3", _) = endpoint { return true }
                return false
            }
        }
        let changes = engine.replaceTopology(try Topology(document), now: at(2))
        #expect(engine.activeFaults.isEmpty)
        #expect(Set(changes.map(\.portID)) == ["vm-a3-vlan", "vm-a3-vxlan", "vm-a4-vlan"])
        #expect(changes.allSatisfy { $0.current == .up })
    }
}
