import EventSources
import Foundation
import PortwatchCore
import Testing

struct DoctorAdapterTests {
    let adapter = DoctorAdapter()

    func decode(_ text: String) throws -> DecodedEvents {
        try adapter.decode(TestFabric.json(text), topology: TestFabric.topology, now: TestFabric.now)
    }

    func decodeError(_ text: String) -> EventSourceError? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as EventSourceError {
            return error
        } catch {
            return nil
        }
    }

    /// Doctor's sample monitor payload (doctor_tests/monitor/sample.py `report_error`), byte for byte.
    static let sampleMonitorPayload = """
        [{"time": "2019-11-28T10:15:30.123456",
          "type": "compute.host.down",
          "details": {"hostname": "compute-1", "status": "down",
                      "monitor": "monitor_sample", "monitor_event_id": "monitor_sample_event1"}}]
        """

    @Test func sampleMonitorHostDownBecomesAHostFault() throws {
        let decoded = try decode(Self.sampleMonitorPayload)
        #expect(decoded.ignored.isEmpty)
        #expect(decoded.maintenance.isEmpty)
        let event = try #require(decoded.events.first)
        #expect(decoded.events.count == 1)
        #expect(event.resource == .host("compute-1"), "hosts are not checked here: the endpoint answers 404")
        #expect(event.state == .down)
        #expect(abs(event.time.timeIntervalSince1970 - 1_574_936_130.123456) < 0.000_01, "no zone is read as UTC")
        #expect(event.source == "doctor:monitor_sample")
        #expect(event.correlationID == "monitor_sample_event1")
        #expect(event.severity == .critical)
    }

    @Test func everyEnvelopeGivesTheSameEvent() throws {
        let event =
            #"{"time": "2024-05-01T10:00:00Z", "type": "compute.host.down", "details": {"hostname": "compute-a3", "status": "down"}}"#
        let shapes = ["[\(event)]", event, #"{"event": \#(event)}"#, #"{"events": [\#(event)]}"#]
        let decoded = try shapes.map { try decode($0).events }
        #expect(decoded.allSatisfy { $0 == decoded[0] })
        #expect(decoded[0].map(\.resource) == [.host("compute-a3")])
        #expect(decoded[0].first?.source == "doctor")
    }

    @Test func statusUpClearsAndHostNamesMatchWithoutTheirDomain() throws {
        let decoded = try decode(
            #"""
            [{"time": "2024-05-01T10:00:00", "type": "compute.host.down",
              "details": {"hostname": "compute-a3.example.org", "status": "up", "severity": "major",
                          "monitor": "collectd", "cause": "link restored"}}]
            """#)
        let event = try #require(decoded.events.first)
        #expect(event.resource == .host("compute-a3"))
        #expect(event.state == .up)
        #expect(event.severity == .major)
        #expect(event.reason == "compute.host.down: link restored")
    }

    @Test func nicErrorsNameTheInterfaceOfTheHost() throws {
        let decoded = try decode(
            #"""
            [{"time": "2024-05-01T10:00:00Z", "type": "compute.host.nic.error", "details": {"hostname": "compute-a1", "nic": "eth1", "status": "down"}},
             {"time": "2024-05-01T10:00:00Z", "type": "compute.host.nic.error", "details": {"hostname": "compute-a1", "interface": "bond0"}},
             {"time": "2024-05-01T10:00:00Z", "type": "compute.host.nic.error", "details": {"hostname": "compute-a1"}}]
            """#)
        #expect(decoded.events.map(\.resource) == [.hostNIC("compute-a1:eth1"), .bond("compute-a1:bond0")])
        #expect(decoded.events.map(\.state) == [.down, .down], "no status reads as down")
        #expect(decoded.ignored.map(\.index) == [2], "without an interface the host is not taken down")
    }

    @Test func otherEventTypesAreIgnoredWithTheirReason() throws {
        let decoded = try decode(
            #"[{"time": "2024-05-01T10:00:00Z", "type": "compute.host.cpu.high", "details": {"hostname": "compute-a1", "status": "down"}}]"#
        )
        #expect(decoded.events.isEmpty)
        #expect(
            decoded.ignored == [
                IgnoredSourceItem(
                    index: 0, item: "compute.host.cpu.high compute-a1",
                    reason: "event type compute.host.cpu.high is not a data-plane fault")
            ])
    }

    @Test func maintenanceEventsAreReportedApart() throws {
        let decoded = try decode(
            #"""
            [{"time": "2024-05-01T10:00:00Z", "type": "IN_MAINTENANCE", "details": {"hostname": "compute-a3", "monitor": "fenix"}},
             {"time": "2024-05-01T11:00:00Z", "type": "MAINTENANCE_COMPLETE", "details": {"hostname": "compute-a3", "monitor": "fenix"}},
             {"time": "2024-05-01T10:00:00Z", "type": "IN_MAINTENANCE", "details": {"hostname": "tor-1"}}]
            """#)
        #expect(decoded.events.isEmpty)
        #expect(decoded.maintenance.map(\.resource) == [.host("compute-a3"), .host("compute-a3"), .switch("sw-17")])
        #expect(decoded.maintenance.map(\.active) == [true, false, true])
        #expect(decoded.maintenance.first?.source == "doctor:fenix")
    }

    @Test func anEmptyListIsNothingToDo() throws {
        #expect(try decode("[]") == DecodedEvents(), "Congress clears its table with []")
    }

    @Test func malformedBodiesAreErrors() {
        #expect(decodeError(#""compute.host.down""#)?.code == .unexpectedShape)
        #expect(decodeError(#"{"hostname": "compute-a1"}"#)?.code == .unexpectedShape)
        #expect(decodeError(#"[42]"#)?.code == .unexpectedShape)
        #expect(decodeError(#"[{"time": "2024-05-01T10:00:00Z"}]"#)?.code == .missingField)
        #expect(decodeError(#"[{"type": "compute.host.down", "details": {"hostname": "h"}}]"#)?.code == .missingField)
        let badTime = decodeError(
            #"[{"time": "yesterday", "type": "compute.host.down", "details": {"hostname": "h"}}]"#)
        #expect(badTime?.code == .invalidValue)
        #expect(badTime?.message == "event 0 has time 'yesterday', which is not an ISO 8601 date-time")
        #expect(
            decodeError(#"[{"time": "2024-05-01T10:00:00Z", "type": "compute.host.down", "details": {}}]"#)?.code
                == .missingField)
        #expect(
            decodeError(#"[{"time": "2024-05-01T10:00:00Z", "type": "compute.host.down", "details": "h"}]"#)?.code
                == .invalidValue)
        #expect(decodeError(#"{"events": {"type": "x"}}"#)?.code == .unexpectedShape)
    }

    @Test func bytesThatAreNotJSONAreAnError() {
        #expect(throws: EventSourceError(code: .invalidJSON, format: "doctor", message: "the body is not JSON")) {
            try adapter.decode(bytes: Array("not json".utf8), topology: TestFabric.topology, now: TestFabric.now)
        }
    }
}
