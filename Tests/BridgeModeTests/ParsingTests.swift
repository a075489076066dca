import Foundation
@testable import NeutronClient
import PortwatchCore
import Testing

@testable import BridgeMode

struct AgentHostMappingsTests {
    /// Bodies shaped after the Neutron API reference's `GET /v2.0/agents` example (Open vSwitch,
    /// SR-IOV, Linux bridge, a dead agent, a DHCP agent).
    static func agents() throws -> [NeutronAgent] {
        let url = try #require(
            Bundle.module.url(forResource: "agents", withExtension: "json", subdirectory: "Fixtures"))
        let json = try JSONValue.parse(Array(try Data(contentsOf: url)))
        return try #require(json.objectValue?["agents"]?.arrayValue).compactMap(NeutronAgent.init(json:))
    }

    @Test func agentsParse() throws {
        let agents = try Self.agents()
        #expect(agents.count == 5)
        let sriov = try #require(agents.first { $0.agentType == "NIC Switch agent" })
        #expect(sriov.deviceMappings == ["physnet2": ["ens5f0", "ens5f1"]])
        #expect(agents.first { $0.host == "compute-dead" }?.alive == false)
    }

    @Test func interfacesBeatDevicesBeatBridges() throws {
        let hosts = AgentHostMappings.hosts(from: try Self.agents())
        #expect(hosts["compute-a1"]?.physnetInterfaces == ["physnet1": "br-ex", "physnet2": "ens5f0"])
        #expect(hosts["compute-a1"]?.tunnelingIP == "172.16.0.11")
        #expect(hosts["compute-b1"]?.physnetInterfaces == ["physnet1": "eth1"])
        #expect(hosts["compute-b1"]?.tunnelingIP == nil)  // "" means no tunnels
        #expect(hosts["compute-dead"] == nil)
        #expect(hosts["network-1"]?.physnetInterfaces == [:])
    }

    @Test func noAgentsNoHosts() {
        #expect(AgentHostMappings.hosts(from: []).isEmpty)
    }
}

struct NeutronNotificationTests {
    @Test func recordedPortUpdateEnd() throws {
        let url = try #require(
            Bundle.module.url(
                forResource: "notification-port.update.end.raw", withExtension: "json", subdirectory: "Fixtures"))
        let notification = try #require(NeutronNotification(body: Array(try Data(contentsOf: url))))
        #expect(notification.eventType == "port.update.end")
        guard case .port(let port) = notification.change else {
            Issue.record("not a port: \(notification.change)")
            return
        }
        #expect(port.id == "690f8512-b3d2-4db4-8334-24e8ccfd7336")
        #expect(port.networkID == "5dc1de6f-ed2e-4797-a979-6630e34ebdee")
        #expect(port.dataPlaneStatus == .down)
        #expect(port.macAddress == "fa:16:3e:08:61:7b")
        #expect(port.revisionNumber > 1)
        #expect(notification.timestamp != nil)
    }

    static func envelope(_ eventType: String, _ payload: String, timestamp: String = "2026-12-06 11:00:00.250000")
        -> [UInt8]
    {
        let message =
            #"{"event_type": "\#(eventType)", "priority": "INFO", "payload": \#(payload), "timestamp": "\#(timestamp)"}"#
        let escaped = message.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return Array(#"{"oslo.version": "2.0", "oslo.message": "\#(escaped)"}"#.utf8)
    }

    @Test func deletesAndNetworks() throws {
        let deleted = try #require(
            NeutronNotification(body: Self.envelope("port.delete.end", #"{"port_id": "p1", "port": {"id": "p1"}}"#)))
        #expect(deleted.change == .portDeleted("p1"))
        #expect(deleted.timestamp == Date(timeIntervalSince1970: 1_796_554_800.25))
        let network = try #require(
            NeutronNotification(
                body: Self.envelope(
                    "network.create.end",
                    #"{"network": {"id": "n1", "name": "prov", "project_id": "p", "provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 120}}"#
                )))
        guard case .network(let mirrored) = network.change else {
            Issue.record("not a network")
            return
        }
        #expect(
            mirrored.segments == [NeutronSegment(networkType: "vlan", physicalNetwork: "physnet1", segmentationID: 120)]
        )
        let multi = try #require(
            NeutronNotification(
                body: Self.envelope(
                    "network.update.end",
                    #"{"network": {"id": "n2", "segments": [{"provider:network_type": "vxlan", "provider:segmentation_id": 7}, {"provider:network_type": "flat", "provider:physical_network": "physnet2"}]}}"#
                )))
        guard case .network(let segmented) = multi.change else {
            Issue.record("not a network")
            return
        }
        #expect(segmented.segments.map(\.networkType) == ["vxlan", "flat"])
    }

    @Test(arguments: [
        ("port.update.start", #"{"port": {"id": "p", "network_id": "n"}}"#),
        ("router.create.end", #"{"router": {"id": "r"}}"#),
        ("port.update.end", #"{"port": {"id": "p"}}"#),  // no network_id: not a port body
    ])
    func ignored(eventType: String, payload: String) {
        #expect(NeutronNotification(body: Self.envelope(eventType, payload)) == nil)
    }

    @Test func notJSON() {
        #expect(NeutronNotification(body: Array("not json".utf8)) == nil)
        #expect(NeutronNotification(body: Array(#"{"oslo.version": "2.0", "oslo.message": "{"}"#.utf8)) == nil)
    }
}

struct NeutronClientPagingTests {
    @Test func nextMarker() {
        let links = JSONValue.array([
            .object([
                "rel": .string("previous"), "href": .string("http://n/v2.0/ports?limit=2&marker=a&page_reverse=True"),
            ]),
            .object(["rel": .string("next"), "href": .string("http://n/v2.0/ports?fields=id&limit=2&marker=b-2")]),
        ])
        #expect(NeutronClient.nextMarker(links) == "b-2")
        #expect(NeutronClient.nextMarker(nil) == nil)
        #expect(NeutronClient.nextMarker(.array([])) == nil)
    }

    @Test func trimmed() {
        #expect(NeutronClient.trimmed("http://n:9696/v2.0/") == "http://n:9696")
        #expect(NeutronClient.trimmed("http://n:9696") == "http://n:9696")
    }
}

struct AgentTopologyFillTests {
    @Test func fillsOnlyWhatTheDocumentDoesNotSayWithInterfacesTheHostHas() throws {
        var document = TopologyDocument(
            switches: [],
            hosts: [
                PhysicalHost(
                    id: "compute-a1", nics: [HostNIC(name: "ens5f0"), HostNIC(name: "eth0")],
                    physnetMappings: ["physnet9": "eth0"]),
                PhysicalHost(id: "compute-b1", nics: [HostNIC(name: "eth1")], physnetMappings: ["physnet1": "eth9"]),
            ],
            links: [])
        let hosts = AgentHostMappings.hosts(from: try AgentHostMappingsTests.agents())
        #expect(AgentHostMappings.fill(&document, from: hosts))
        // physnet2 -> ens5f0 (a NIC of the host); physnet1 -> br-ex is a bridge, not an interface
        #expect(document.hosts[0].physnetMappings == ["physnet9": "eth0", "physnet2": "ens5f0"])
        // the document's own mapping wins over the agent's
        #expect(document.hosts[1].physnetMappings == ["physnet1": "eth9"])
        #expect(!AgentHostMappings.fill(&document, from: hosts))
    }
}
