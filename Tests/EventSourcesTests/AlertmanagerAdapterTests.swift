import EventSources
import Foundation
import PortwatchCore
import Testing

struct AlertmanagerAdapterTests {
    func decode(_ text: String, options: AlertmanagerAdapter.Options = .init()) throws -> DecodedEvents {
        try AlertmanagerAdapter(options: options).decode(
            TestFabric.json(text), topology: TestFabric.topology, now: TestFabric.now)
    }

    /// A webhook with one alert per `(status, labels)`, `startsAt` 10:00 and `endsAt` 10:05 when resolved.
    func webhook(_ alerts: [(String, String)], extra: String = "") -> String {
        let items = alerts.enumerated().map { index, alert in
            let endsAt = alert.0 == "resolved" ? "2024-05-01T10:05:00.5Z" : "0001-01-01T00:00:00Z"
            return
                #"{"status": "\#(alert.0)", "labels": \#(alert.1), "annotations": {}, "startsAt": "2024-05-01T10:00:00Z", "endsAt": "\#(endsAt)", "fingerprint": "f\#(index)"}"#
        }
        return
            #"{"version": "4", "status": "firing", "receiver": "portwatch", "alerts": [\#(items.joined(separator: ","))]\#(extra)}"#
    }

    /// The webhook sample of doctor-sdn.md §4.1, byte for byte (snmp_exporter-style labels).
    static let documentedSample = #"""
        {"version":"4","groupKey":"{}/{severity=\"critical\"}:{alertname=\"SwitchPortDown\"}","truncatedAlerts":0,
         "status":"firing","receiver":"port-status",
         "groupLabels":{"alertname":"SwitchPortDown"},
         "commonLabels":{"alertname":"SwitchPortDown","severity":"critical"},
         "commonAnnotations":{},"externalURL":"http://am:9093",
         "alerts":[{"status":"firing",
                    "labels":{"alertname":"SwitchPortDown","device":"tor-1","ifName":"Ethernet12","severity":"critical"},
                    "annotations":{"summary":"ifOperStatus down"},
                    "startsAt":"2024-05-01T10:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",
                    "generatorURL":"http://prom:9090/graph?...","fingerprint":"1a30ba71cca2921f"}]}
        """#

    @Test func documentedSampleMapsToTheSwitchPort() throws {
        let decoded = try decode(Self.documentedSample)
        #expect(decoded.ignored.isEmpty)
        #expect(
            decoded.events == [
                FaultEvent(
                    resource: .switchPort("sw-17:Ethernet12"), state: .down,
                    time: Date(timeIntervalSince1970: 1_714_557_600),
                    source: "alertmanager:port-status/SwitchPortDown", severity: .critical,
                    correlationID: "1a30ba71cca2921f",
                    reason: "SwitchPortDown: ifOperStatus down")
            ])
    }

    @Test func resolvedAlertsClearAtTheirEndTime() throws {
        let decoded = try decode(
            webhook([("resolved", #"{"alertname": "LeafDown", "switch": "leaf-a3", "severity": "warning"}"#)]))
        let event = try #require(decoded.events.first)
        #expect(event.resource == .switch("leaf-a3"))
        #expect(event.state == .up)
        #expect(event.time.timeIntervalSince1970 == 1_714_557_900.5)
        #expect(event.severity == .warning)
    }

    @Test func eachAlertsOwnStatusCountsNotTheGroups() throws {
        let decoded = try decode(
            webhook([
                ("firing", #"{"alertname": "LeafDown", "switch": "leaf-a1"}"#),
                ("resolved", #"{"alertname": "LeafDown", "switch": "leaf-a2"}"#),
            ]))
        #expect(decoded.events.map(\.state) == [.down, .up])
        #expect(decoded.events.map(\.correlationID) == ["f0", "f1"])
    }

    @Test func aResolvedAlertWithoutEndTimeUsesNow() throws {
        let text =
            #"{"receiver": "r", "status": "resolved", "alerts": [{"labels": {"switch": "leaf-a1"}, "startsAt": "2024-05-01T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]}"#
        #expect(try decode(text).events.first?.time == TestFabric.now)
    }

    @Test(arguments: [
        (#"{"switch": "leaf-a3"}"#, PhysicalResourceRef.switch("leaf-a3")),
        (#"{"switch": "52-54-00-0a-00-03"}"#, .switch("leaf-a3")),
        (#"{"switch": "leaf-a3", "interface": "Ethernet1"}"#, .switchPort("leaf-a3:Ethernet1")),
        (#"{"switch_port": "leaf-a3:Ethernet49"}"#, .switchPort("leaf-a3:Ethernet49")),
        (#"{"switch_port": "Ethernet49", "switch": "leaf-a3"}"#, .switchPort("leaf-a3:Ethernet49")),
        (#"{"host": "compute-a1", "nic": "eth1"}"#, .hostNIC("compute-a1:eth1")),
        (#"{"host": "compute-a1", "device": "bond0"}"#, .bond("compute-a1:bond0")),
        (#"{"instance": "compute-a1.example.org:9100", "device": "eth0", "job": "node"}"#, .hostNIC("compute-a1:eth0")),
        (#"{"bond": "bond0", "host": "compute-a1"}"#, .bond("compute-a1:bond0")),
        (#"{"bond": "compute-a1:bond0"}"#, .bond("compute-a1:bond0")),
        (#"{"link": "leaf-a3:Ethernet1--compute-a3:eth0"}"#, .link("leaf-a3:Ethernet1--compute-a3:eth0")),
        (#"{"host": "compute-a3"}"#, .host("compute-a3")),
        (#"{"resource_type": "switch_port", "resource_id": "leaf-a1:Ethernet5"}"#, .switchPort("leaf-a1:Ethernet5")),
        (#"{"ifName": "Ethernet12", "instance": "tor-1:161"}"#, .switchPort("sw-17:Ethernet12")),
    ])
    func labelsMapToResources(labels: String, resource: PhysicalResourceRef) throws {
        let decoded = try decode(webhook([("firing", labels)]))
        #expect(decoded.ignored.isEmpty, "\(decoded.ignored)")
        #expect(decoded.events.map(\.resource) == [resource])
    }

    @Test func unmappableAlertsAreIgnoredWithoutFallingBack() throws {
        let decoded = try decode(
            webhook([
                ("firing", #"{"alertname": "NodeCPUHigh", "instance": "compute-a1:9100"}"#),
                ("firing", #"{"alertname": "LeafDown", "switch": "leaf-z9"}"#),
                ("firing", #"{"alertname": "PortDown", "switch": "leaf-a1", "interface": "Ethernet99"}"#),
                ("firing", #"{"alertname": "NicDown", "instance": "compute-a9:9100", "device": "eth0"}"#),
                ("firing", #"{"alertname": "LinkDown", "link": "nope"}"#),
                ("pending", #"{"alertname": "LeafDown", "switch": "leaf-a1"}"#),
                ("firing", #"{"alertname": "LeafDown", "switch": "leaf-a2"}"#),
            ]))
        #expect(decoded.events.map(\.resource) == [.switch("leaf-a2")])
        #expect(
            decoded.ignored.map(\.reason) == [
                "no label names a physical resource",
                "switch leaf-z9 is not in the topology",
                "switch leaf-a1 has no port Ethernet99",
                "host compute-a9:9100 is not in the topology",
                "link nope is not in the topology",
                "status pending is neither firing nor resolved",
            ])
        #expect(decoded.ignored.map(\.index) == [0, 1, 2, 3, 4, 5])
        #expect(decoded.ignored.first?.item == "alert NodeCPUHigh (fingerprint f0)")
    }

    @Test func truncatedAlertsAreReported() throws {
        let decoded = try decode(webhook([("firing", #"{"switch": "leaf-a1"}"#)], extra: #", "truncatedAlerts": 3"#))
        #expect(decoded.events.count == 1)
        #expect(decoded.ignored.map(\.item) == ["3 truncated alert(s)"])
    }

    @Test func alertNamesAndSourceKeyingAreOptions() throws {
        let text = webhook([
            ("firing", #"{"alertname": "LeafDown", "switch": "leaf-a1"}"#),
            ("firing", #"{"alertname": "LeafFanFailure", "switch": "leaf-a2"}"#),
        ])
        let decoded = try decode(text, options: .init(alertNames: ["LeafDown"], keyFaultsByAlertName: false))
        #expect(decoded.events.map(\.resource) == [.switch("leaf-a1")])
        #expect(decoded.events.first?.source == "alertmanager:portwatch")
        #expect(decoded.ignored.map(\.reason) == ["alert LeafFanFailure is not one Portwatch reads"])
    }

    @Test func customLabelNames() throws {
        let labels = AlertLabelMapping(switchLabels: ["tor"], switchPortNameLabels: ["ifname"])
        let decoded = try decode(
            webhook([("firing", #"{"tor": "leaf-a1", "ifname": "Ethernet5"}"#)]), options: .init(labels: labels))
        #expect(decoded.events.map(\.resource) == [.switchPort("leaf-a1:Ethernet5")])
    }

    @Test func malformedWebhooksAreErrors() {
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
        #expect(code("[]") == .unexpectedShape)
        #expect(code(#"{"receiver": "r"}"#) == .missingField)
        #expect(code(#"{"alerts": {}}"#) == .invalidValue)
        #expect(code(#"{"alerts": ["x"]}"#) == .unexpectedShape)
        #expect(
            code(#"{"alerts": [{"status": "firing", "labels": [], "startsAt": "2024-05-01T10:00:00Z"}]}"#)
                == .invalidValue)
        #expect(
            code(#"{"alerts": [{"status": "firing", "labels": {"switch": "leaf-a1"}, "startsAt": "soon"}]}"#)
                == .invalidValue)
    }
}
