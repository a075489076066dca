import EventSources
import Foundation
import PortwatchCore
import Testing

struct ONOSAdapterTests {
    /// Port numbers are `Ethernet<n>` on the test fabric's switches.
    static let matcher = OpenFlowDeviceMatcher(portNameTemplates: ["Ethernet{n}"])

    func decode(_ text: String, adapter: ONOSAdapter = ONOSAdapter(matcher: Self.matcher)) throws -> DecodedEvents {
        try adapter.decode(TestFabric.json(text), topology: TestFabric.topology, now: TestFabric.now)
    }

    /// The JSON mapping of a kafka-integration port-down record, from doctor-sdn.md §3.1, byte for byte.
    static let kafkaPortDown = #"""
        {"device_event_type":"PORT_UPDATED",
         "device":{"device_id":"of:0000000000000001","type":"SWITCH","chassis_id":"1"},
         "port":{"port_number":"2","is_enabled":false,"type":"COPPER","port_speed":10000}}
        """#

    @Test func kafkaPortDownMapsThroughAnExplicitDeviceEntry() throws {
        let unmapped = try decode(Self.kafkaPortDown)
        #expect(unmapped.events.isEmpty)
        #expect(unmapped.ignored.map(\.reason) == ["device of:0000000000000001 matches no switch of the topology"])
        var matcher = Self.matcher
        matcher.deviceSwitchIDs = ["of:0000000000000001": "leaf-a1"]
        let decoded = try decode(Self.kafkaPortDown, adapter: ONOSAdapter(matcher: matcher))
        let event = try #require(decoded.events.first)
        #expect(event.resource == .switchPort("leaf-a1:Ethernet2"))
        #expect(event.state == .down)
        #expect(event.source == "onos")
        #expect(event.time == TestFabric.now)
    }

    @Test func portUpdatesUseThePortNameAnnotationAndTheDatapathMAC() throws {
        let decoded = try decode(
            #"""
            [{"type": "PORT_UPDATED", "time": 1714557600000,
              "subject": {"id": "of:00005254000a0003", "available": true},
              "port": {"element": "of:00005254000a0003", "port": "7", "isEnabled": false, "annotations": {"portName": "Ethernet5"}}},
             {"type": "PORT_UPDATED", "device": {"id": "of:5254000a0003"}, "port": {"port": "[Ethernet1](1)", "isEnabled": true}},
             {"type": "PORT_REMOVED", "device": "of:00005254000a0001", "port": {"port": "49"}}]
            """#, adapter: ONOSAdapter())
        #expect(decoded.events.map(\.resource) == [.switchPort("leaf-a3:Ethernet5"), .switchPort("leaf-a3:Ethernet1")])
        #expect(decoded.events.map(\.state) == [.down, .up])
        #expect(decoded.events.first?.time == Date(timeIntervalSince1970: 1_714_557_600))
        #expect(
            decoded.ignored.map(\.reason) == ["switch leaf-a1 has no port 49"], "no template: numbers are not guessed")
    }

    @Test func deviceEventsMapToTheSwitch() throws {
        let decoded = try decode(
            #"""
            {"events": [
              {"type": "DEVICE_AVAILABILITY_CHANGED", "device": {"id": "of:00005254000a0003", "available": false}},
              {"type": "DEVICE_AVAILABILITY_CHANGED", "device": {"id": "of:00005254000a0003"}},
              {"type": "DEVICE_REMOVED", "device": {"id": "of:00005254000a0011"}},
              {"type": "DEVICE_ADDED", "device": {"id": "of:00005254000a0012", "available": true}},
              {"type": "DEVICE_AVAILABILITY_CHANGED", "device": {"id": "of:00005254000a0003"}, "available": true},
              {"type": "DEVICE_ADDED", "device": {"id": "of:00000000000000ff"}}
            ]}
            """#)
        #expect(
            decoded.events.map(\.resource) == [
                .switch("leaf-a3"), .switch("spine-a1"), .switch("spine-a2"), .switch("leaf-a3"),
            ])
        #expect(decoded.events.map(\.state) == [.down, .down, .up, .up])
        #expect(decoded.ignored.map(\.index) == [1, 5])
        #expect(
            decoded.ignored.first?.reason == "the event carries no 'available'; ONOS requires re-querying the device")
    }

    @Test func linkEventsMapToTheTopologyLinkInEitherDirection() throws {
        let decoded = try decode(
            #"""
            [{"type": "LINK_REMOVED", "link": {"src": {"device": "of:00005254000a0003", "port": "49"},
                                               "dst": {"device": "of:00005254000a0011", "port": "3"}, "state": "INACTIVE"}},
             {"link_event_type": "LINK_REMOVED", "link": {"src": {"device_id": "of:00005254000a0011", "port_number": "3"},
                                                          "dst": {"device_id": "of:00005254000a0003", "port_number": "49"}}},
             {"type": "LINK_UPDATED", "src": {"device": "of:00005254000a0003", "port": "50"},
                                      "dst": {"device": "of:00005254000a0012", "port": "3"}, "state": "ACTIVE"},
             {"type": "LINK_ADDED", "link": {"src": {"device": "of:00005254000a0001", "port": "49"},
                                             "dst": {"device": "of:00005254000a0011", "port": "1"}}}]
            """#)
        let uplink1 = PhysicalResourceRef.link("leaf-a3:Ethernet49--spine-a1:Ethernet3")
        let uplink2 = PhysicalResourceRef.link("leaf-a3:Ethernet50--spine-a2:Ethernet3")
        #expect(decoded.events.map(\.resource) == [uplink1, uplink1, uplink2])
        #expect(decoded.events.map(\.state) == [.down, .down, .up])
        #expect(
            decoded.ignored.map(\.reason) == [
                "the topology has no link between leaf-a1:Ethernet49 and spine-a1:Ethernet1"
            ])
    }

    @Test func otherEventTypesAreIgnored() throws {
        let decoded = try decode(
            #"[{"type": "PORT_STATS_UPDATED", "device": {"id": "of:00005254000a0003"}}, {"type": "HOST_ADDED"}]"#)
        #expect(decoded.events.isEmpty)
        #expect(decoded.ignored.count == 2)
    }

    @Test func datapathIDs() {
        #expect(OpenFlowDeviceMatcher.datapathID(ofDevice: "of:0000000000000001") == "0000000000000001")
        #expect(OpenFlowDeviceMatcher.datapathID(ofDevice: "of:1") == "0000000000000001")
        #expect(OpenFlowDeviceMatcher.datapathID(ofDevice: "openflow:90520731385857") == "00005254000a0001")
        #expect(OpenFlowDeviceMatcher.datapathID(ofDevice: "of:xyz") == nil)
        #expect(OpenFlowDeviceMatcher.datapathID(ofDevice: "leaf-a1") == nil)
    }

    @Test func malformedEventsAreErrors() {
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
        #expect(code("42") == .unexpectedShape)
        #expect(code(#"{"device": {"id": "of:1"}}"#) == .unexpectedShape)
        #expect(code(#"[{"device": {"id": "of:1"}}]"#) == .missingField)
        #expect(code(#"[{"type": "PORT_UPDATED", "device": {"id": "of:1"}}]"#) == .missingField)
        #expect(code(#"[{"type": "DEVICE_REMOVED"}]"#) == .missingField)
        #expect(code(#"[{"type": "LINK_REMOVED", "link": {"src": {"device": "of:1", "port": "1"}}}]"#) == .missingField)
        #expect(code(#"[{"type": "DEVICE_REMOVED", "device": {"id": "of:1"}, "time": "later"}]"#) == .invalidValue)
    }
}
