import Foundation
import PortwatchCore
import Testing

struct TopologyDocumentCodingTests {
    static let minimalJSON = """
        {
          "switches": [
            {"id": "spine-1", "role": "spine", "ports": [{"name": "Ethernet1"}]},
            {"id": "leaf-1", "mac": "52:54:00:AA:BB:01", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49", "id": "leaf-1-up"}]}
          ],
          "hosts": [
            {"id": "compute-1", "nics": [{"name": "eth0", "mac": "fa:16:3e:00:00:01"}],
             "physnetMappings": {"physnet1": "eth0"}, "tunnelInterface": "eth0"}
          ],
          "links": [
            {"a": {"switch": "leaf-1", "port": "Ethernet1"}, "b": {"host": "compute-1", "nic": "eth0"}},
            {"id": "uplink-1", "a": {"switch": "leaf-1", "port": "leaf-1-up"}, "b": {"switch": "spine-1", "port": "Ethernet1"}}
          ]
        }
        """

    @Test func decodesADocumentAndResolvesDefaultIDs() throws {
        let document = try JSONDecoder().decode(TopologyDocument.self, from: Data(Self.minimalJSON.utf8))
        #expect(document.switches[1].role == .leaf)
        #expect(document.hosts[0].bonds.isEmpty)
        let topology = try Topology(document)
        #expect(topology.contains(.switchPort("leaf-1:Ethernet1")))
        #expect(topology.contains(.switchPort("leaf-1-up")))
        #expect(!topology.contains(.switchPort("leaf-1:Ethernet49")))
        #expect(topology.contains(.hostNIC("compute-1:eth0")))
        #expect(topology.contains(.link("leaf-1:Ethernet1--compute-1:eth0")))
        #expect(topology.contains(.link("uplink-1")))
        #expect(
            topology.uplinks(ofSwitch: "leaf-1")
                == [
                    SwitchUplink(
                        linkID: "uplink-1", localPortID: "leaf-1-up", remotePortID: "spine-1:Ethernet1",
                        remoteSwitchID: "spine-1")
                ])
        #expect(topology.switchID(matching: "5254.00aa.bb01") == "leaf-1")
        #expect(topology.switchID(matching: "52-54-00-aa-bb-01") == "leaf-1")
        #expect(topology.switchPortID(switchID: "leaf-1", port: "Ethernet49") == "leaf-1-up")
    }

    /// The example of `docs/topology.md`, which promises these verdicts.
    static let documentationExampleJSON = """
        {
          "switches": [
            {"id": "spine-a1", "role": "spine", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet2"}]},
            {"id": "leaf-a1", "name": "leaf-a1", "mac": "52:54:00:0a:00:01", "role": "leaf",
             "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]},
            {"id": "leaf-a2", "name": "leaf-a2", "mac": "52:54:00:0a:00:02", "role": "leaf",
             "ports": [{"name": "Ethernet1"}, {"name": "Ethernet49"}]}
          ],
          "hosts": [
            {"id": "compute-a1",
             "nics": [{"name": "eth0"}, {"name": "eth1"}],
             "bonds": [{"name": "bond0", "members": ["eth0", "eth1"], "mode": "802.3ad"}],
             "physnetMappings": {"physnet1": "bond0"},
             "tunnelInterface": "bond0"}
          ],
          "links": [
            {"a": {"switch": "leaf-a1", "port": "Ethernet49"}, "b": {"switch": "spine-a1", "port": "Ethernet1"}},
            {"a": {"switch": "leaf-a2", "port": "Ethernet49"}, "b": {"switch": "spine-a1", "port": "Ethernet2"}},
            {"a": {"switch": "leaf-a1", "port": "Ethernet1"}, "b": {"host": "compute-a1", "nic": "eth0"}},
            {"a": {"switch": "leaf-a2", "port": "Ethernet1"}, "b": {"host": "compute-a1", "nic": "eth1"}}
          ]
        }
        """

    @Test func documentationExampleBehavesAsDocumented() throws {
        let document = try JSONDecoder().decode(TopologyDocument.self, from: Data(Self.documentationExampleJSON.utf8))
        var engine = CorrelationEngine(topology: try Topology(document))
        let epoch = Date(timeIntervalSince1970: 0)
        _ = engine.upsertAttachment(
            PortAttachment(portID: "p", hostID: "compute-a1", segment: .physnet("physnet1")), now: epoch)
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a1"), state: .down, time: epoch, source: "onos")], now: epoch)
        #expect(engine.state(ofPort: "p") == .degraded)
        _ = engine.apply(
            [FaultEvent(resource: .switch("leaf-a1"), state: .up, time: epoch + 1, source: "onos")], now: epoch)
        let result = engine.apply(
            [FaultEvent(resource: .switch("spine-a1"), state: .down, time: epoch + 2, source: "onos")], now: epoch)
        #expect(result.changes.map(\.current) == [.down])
        #expect(result.changes.first?.cause.rootCause == [.switch("spine-a1")])
    }

    @Test func documentRoundTripsThroughJSON() throws {
        let document = TestFabric.document
        let decoded = try JSONDecoder().decode(TopologyDocument.self, from: JSONEncoder().encode(document))
        #expect(decoded == document)
    }

    @Test func emptyDocumentIsAnEmptyTopology() throws {
        let document = try JSONDecoder().decode(TopologyDocument.self, from: Data("{}".utf8))
        let topology = try Topology(document)
        #expect(topology.switchIDs.isEmpty)
    }

    @Test func linkEndpointNeedsSwitchOrHost() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LinkEndpoint.self, from: Data(#"{"port": "Ethernet1"}"#.utf8))
        }
    }

    struct InvalidCase: Sendable, CustomTestStringConvertible {
        var name: String
        var document: TopologyDocument
        var code: TopologyValidationError.Code
        var testDescription: String { name }
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(
            name: "duplicate switch",
            document: TopologyDocument(switches: [PhysicalSwitch(id: "s"), PhysicalSwitch(id: "s")]),
            code: .duplicateID),
        InvalidCase(
            name: "duplicate port name",
            document: TopologyDocument(switches: [
                PhysicalSwitch(id: "s", ports: [SwitchPort(name: "e1"), SwitchPort(name: "e1")])
            ]),
            code: .duplicateID),
        InvalidCase(
            name: "bond and NIC share a name",
            document: TopologyDocument(hosts: [
                PhysicalHost(id: "h", nics: [HostNIC(name: "eth0")], bonds: [HostBond(name: "eth0", members: ["eth0"])])
            ]),
            code: .duplicateID),
        InvalidCase(
            name: "bond member that is not a NIC",
            document: TopologyDocument(hosts: [
                PhysicalHost(id: "h", bonds: [HostBond(name: "bond0", members: ["eth9"])])
            ]),
            code: .unknownReference),
        InvalidCase(
            name: "physnet mapped to a missing interface",
            document: TopologyDocument(hosts: [PhysicalHost(id: "h", physnetMappings: ["physnet1": "eth0"])]),
            code: .unknownReference),
        InvalidCase(
            name: "tunnel on a missing interface",
            document: TopologyDocument(hosts: [PhysicalHost(id: "h", tunnelInterface: "eth0")]),
            code: .unknownReference),
        InvalidCase(
            name: "link to a missing switch port",
            document: TopologyDocument(
                switches: [PhysicalSwitch(id: "s")], hosts: [PhysicalHost(id: "h", nics: [HostNIC(name: "eth0")])],
                links: [PhysicalLink(a: .switchPort(switchID: "s", port: "e1"), b: .hostNIC(hostID: "h", nic: "eth0"))]),
            code: .unknownReference),
        InvalidCase(
            name: "host-to-host link",
            document: TopologyDocument(
                hosts: [PhysicalHost(id: "h", nics: [HostNIC(name: "eth0"), HostNIC(name: "eth1")])],
                links: [PhysicalLink(a: .hostNIC(hostID: "h", nic: "eth0"), b: .hostNIC(hostID: "h", nic: "eth1"))]),
            code: .invalidLink),
        InvalidCase(
            name: "port linked to itself",
            document: TopologyDocument(
                switches: [PhysicalSwitch(id: "s", ports: [SwitchPort(name: "e1")])],
                links: [
                    PhysicalLink(a: .switchPort(switchID: "s", port: "e1"), b: .switchPort(switchID: "s", port: "e1"))
                ]),
            code: .invalidLink),
    ]

    @Test(arguments: invalidCases)
    func rejectsInvalidDocuments(_ invalid: InvalidCase) {
        do {
            _ = try Topology(invalid.document)
            Issue.record("expected \(invalid.code)")
        } catch {
            #expect(error.code == invalid.code, "\(error.message)")
        }
    }
}
