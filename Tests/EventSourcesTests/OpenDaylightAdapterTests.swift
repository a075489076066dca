import EventSources
import Foundation
import PortwatchCore
import Testing

struct OpenDaylightAdapterTests {
    static let matcher = OpenFlowDeviceMatcher(portNameTemplates: ["Ethernet{n}"])
    /// leaf-a3's datapath id in decimal (its chassis MAC 52:54:00:0a:00:03).
    static let leafA3 = "openflow:90520731385859"
    static let spineA1 = "openflow:90520731385873"
    static let inventory =
        "/opendaylight-inventory:nodes/opendaylight-inventory:node[opendaylight-inventory:id='\(leafA3)']"

    func decode(_ text: String, adapter: OpenDaylightAdapter = OpenDaylightAdapter(matcher: Self.matcher)) throws
        -> DecodedEvents
    {
        try adapter.decode(TestFabric.json(text), topology: TestFabric.topology, now: TestFabric.now)
    }

    /// A notification carrying `changes` (JSON objects) with the given eventTime.
    func notification(_ changes: String, eventTime: String = "2017-03-23T09:28:55.379-07:00") -> String {
        #"""
        {"notification":{"xmlns":"urn:ietf:params:xml:ns:netconf:notification:1.0",
          "data-changed-notification":{"xmlns":"urn:opendaylight:params:xml:ns:yang:controller:md:sal:remote",
            "data-change-event":\#(changes)},
          "eventTime":"\#(eventTime)"}}
        """#
    }

    func connectorPath(_ port: Int, _ tail: String = "") -> String {
        Self.inventory + "/opendaylight-inventory:node-connector[opendaylight-inventory:id='\(Self.leafA3):\(port)']"
            + tail
    }

    /// networking-odl's test notification (doctor-sdn.md §3.2), byte for byte: a Neutron port status.
    static let neutronStatusNotification = #"""
        {"notification":{"xmlns":"urn:ietf:params:xml:ns:netconf:notification:1.0",
          "data-changed-notification":{"xmlns":"urn:opendaylight:params:xml:ns:yang:controller:md:sal:remote",
            "data-change-event":[{"path":"/neutron:neutron/neutron:ports/neutron:port[neutron:uuid='a51e…']/neutron:status",
                                  "data":{"status":{"xmlns":"urn:opendaylight:neutron","content":"ACTIVE"}},
                                  "operation":"updated"}]},
          "eventTime":"2017-03-23T09:28:55.379-07:00"}}
        """#

    @Test func neutronPortStatusIsNotAPhysicalFault() throws {
        let decoded = try decode(Self.neutronStatusNotification)
        #expect(decoded.events.isEmpty)
        #expect(decoded.ignored.map(\.reason) == ["not an inventory node, node connector or topology link"])
    }

    @Test func linkDownOnANodeConnectorTakesTheSwitchPortDown() throws {
        let decoded = try decode(
            notification(
                #"""
                [{"path": "\#(connectorPath(1, "/flow-node-inventory:state"))",
                  "data": {"state": {"xmlns": "urn:opendaylight:flow:inventory", "link-down": true, "blocked": false, "live": false}},
                  "operation": "updated"},
                 {"path": "\#(connectorPath(5, "/flow-node-inventory:state/flow-node-inventory:link-down"))",
                  "data": {"link-down": {"xmlns": "urn:opendaylight:flow:inventory", "content": "false"}},
                  "operation": "updated"}]
                """#))
        #expect(decoded.events.map(\.resource) == [.switchPort("leaf-a3:Ethernet1"), .switchPort("leaf-a3:Ethernet5")])
        #expect(decoded.events.map(\.state) == [.down, .up])
        #expect(decoded.events.first?.time.timeIntervalSince1970 == 1_490_286_535.379)
        #expect(decoded.events.first?.source == "opendaylight")
    }

    @Test func aSingleChangeMayBeAnObjectAndPortDownIsAdminDown() throws {
        let decoded = try decode(
            notification(
                #"""
                {"path": "\#(connectorPath(2))", "operation": "updated",
                 "data": {"node-connector": {"id": "\#(Self.leafA3):2", "flow-node-inventory:name": "Ethernet49",
                          "flow-node-inventory:configuration": "PORT-DOWN",
                          "flow-node-inventory:state": {"link-down": false}}}}
                """#), adapter: OpenDaylightAdapter())
        #expect(decoded.events.map(\.resource) == [.switchPort("leaf-a3:Ethernet49")], "the name wins over the number")
        #expect(decoded.events.map(\.state) == [.down])
    }

    @Test func configurationAloneCannotClearALinkDown() throws {
        let decoded = try decode(
            notification(
                #"[{"path": "\#(connectorPath(1, "/flow-node-inventory:configuration"))", "data": {"configuration": ""}, "operation": "updated"}]"#
            ))
        #expect(decoded.events.isEmpty)
        #expect(decoded.ignored.map(\.reason) == ["the change carries no state/link-down and no PORT-DOWN"])
    }

    /// A RESTCONF read of a node connector (doctor-sdn.md §3.2), byte for byte, taken as its current state.
    @Test func restconfConnectorReadIsASnapshot() throws {
        let text = #"""
            {"id":"openflow:1:2","flow-node-inventory:port-number":2,"flow-node-inventory:name":"s1-eth2",
             "flow-node-inventory:hardware-address":"fa:c3:2c:97:9e:45",
             "flow-node-inventory:configuration":"",
             "flow-node-inventory:state":{"link-down":true,"blocked":false,"live":false}}
            """#
        let matcher = OpenFlowDeviceMatcher(
            deviceSwitchIDs: ["openflow:1": "leaf-a1"], portNameTemplates: ["Ethernet{n}"])
        let decoded = try decode(text, adapter: OpenDaylightAdapter(matcher: matcher))
        #expect(decoded.events.map(\.resource) == [.switchPort("leaf-a1:Ethernet2")])
        #expect(decoded.events.map(\.state) == [.down])
        #expect(decoded.events.first?.time == TestFabric.now)
    }

    @Test func nodesAndConnectorsComingAndGoing() throws {
        let decoded = try decode(
            notification(
                #"""
                [{"path": "\#(Self.inventory)", "operation": "deleted"},
                 {"path": "\#(Self.inventory.replacingOccurrences(of: Self.leafA3, with: Self.spineA1))", "operation": "created"},
                 {"path": "\#(connectorPath(5))", "operation": "deleted"},
                 {"path": "\#(Self.inventory)/flow-node-inventory:description", "operation": "updated"},
                 {"path": "\#(Self.inventory.replacingOccurrences(of: Self.leafA3, with: "openflow:77"))", "operation": "deleted"}]
                """#))
        #expect(
            decoded.events.map(\.resource) == [
                .switch("leaf-a3"), .switch("spine-a1"), .switchPort("leaf-a3:Ethernet5"),
            ])
        #expect(decoded.events.map(\.state) == [.down, .up, .down])
        #expect(decoded.ignored.map(\.index) == [3, 4])
        #expect(decoded.ignored.last?.reason == "node openflow:77 matches no switch of the topology")
    }

    @Test func topologyLinksAreFoundByTheirTerminationPoints() throws {
        let topology =
            "/network-topology:network-topology/network-topology:topology[network-topology:topology-id='flow:1']"
        let decoded = try decode(
            notification(
                #"""
                [{"path": "\#(topology)/network-topology:link[network-topology:link-id='\#(Self.leafA3):49']", "operation": "deleted"},
                 {"path": "\#(topology)/network-topology:link[network-topology:link-id='\#(Self.spineA1):3']", "operation": "created",
                  "data": {"link": {"link-id": "\#(Self.spineA1):3",
                                    "source": {"source-node": "\#(Self.spineA1)", "source-tp": "\#(Self.spineA1):3"},
                                    "destination": {"dest-node": "\#(Self.leafA3)", "dest-tp": "\#(Self.leafA3):49"}}}},
                 {"path": "\#(topology)/network-topology:link[network-topology:link-id='\#(Self.leafA3):2']", "operation": "deleted"}]
                """#))
        let uplink = PhysicalResourceRef.link("leaf-a3:Ethernet49--spine-a1:Ethernet3")
        #expect(decoded.events.map(\.resource) == [uplink, uplink])
        #expect(decoded.events.map(\.state) == [.down, .up])
        #expect(
            decoded.ignored.map(\.reason) == [
                "switch port leaf-a3:Ethernet2 has 0 links in the topology and the change names no dest-tp"
            ])
    }

    @Test func malformedNotificationsAreErrors() {
        func code(_ text: String) -> EventSourceError.Code? {
            do {
                _ = try decode(text)
                return nil
            } catch let error as EventSourceError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code(#""hello""#) == .unexpectedShape)
        #expect(code(#"{"notification": {"eventTime": "2017-03-23T09:28:55Z"}}"#) == .unexpectedShape)
        #expect(code(notification(#"[{"operation": "updated"}]"#)) == .missingField)
        #expect(code(notification(#"[{"path": "/a"}]"#, eventTime: "noon")) == .invalidValue)
        #expect(code(#"{"node-connector": [{"name": "x"}]}"#) == .missingField)
    }
}
