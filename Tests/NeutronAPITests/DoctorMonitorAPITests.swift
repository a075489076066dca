import Foundation
import HTTPTypes
import NeutronAPI
import PortwatchCore
import Testing

/// Doctor's and Vitrage's monitors, unchanged: `PUT`/`POST /events` and `POST /v1/event`, and hosts
/// known from port bindings alone (no topology document).
struct DoctorMonitorAPITests {
    /// Ports bound to compute-1 and compute-2, on a network; no topology loaded.
    static func boundPorts(_ api: APIHarness) async throws -> (one: String, two: String, unbound: String) {
        let network = try await api.network("tenant")
        let one = try await api.port(network: network, name: "vm1", extra: #", "binding:host_id": "compute-1""#)
        let two = try await api.port(network: network, name: "vm2", extra: #", "binding:host_id": "compute-2""#)
        let unbound = try await api.port(network: network, name: "spare")
        return (one, two, unbound)
    }

    /// What Doctor's sample monitor PUTs to the inspector's `/events`.
    static func sampleMonitor(_ host: String, status: String = "down") -> String {
        #"""
        [{"id": "monitor_sample_id1", "time": "2026-12-01T10:15:30.123456", "type": "compute.host.down",
          "details": {"hostname": "\#(host)", "status": "\#(status)", "monitor": "monitor_sample",
                      "monitor_event_id": "monitor_sample_event1"}}]
        """#
    }

    @Test func theSampleMonitorTakesABoundHostsPortsDownWithoutATopology() async throws {
        try await APIHarness.run { api in
            let (one, two, unbound) = try await Self.boundPorts(api)
            var reply = try await api.call(.put, "/events", Self.sampleMonitor("compute-1"))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.json["changed_ports"] as? Int == 1)
            #expect(try await api.dataPlaneStatus(one) == "DOWN")
            #expect(try await api.dataPlaneStatus(two) == nil)
            #expect(try await api.dataPlaneStatus(unbound) == nil)
            let assessment = try await api.call(.get, "/v2.0/ports/\(one)/data-plane")
            let view = assessment.json["data_plane"] as? [String: Any]
            #expect(view?["state"] as? String == "down", Comment(rawValue: assessment.raw))

            // Recovery, as the monitor sends it.
            reply = try await api.call(.put, "/events", Self.sampleMonitor("compute-1", status: "up"))
            #expect(reply.status == 200)
            #expect(try await api.dataPlaneStatus(one) == "ACTIVE")

            // POST /events with one bare event, and Vitrage's POST /v1/event.
            let bare =
                #"{"time": "2026-12-01T10:20:00Z", "type": "compute.host.down", "details": {"hostname": "compute-2", "status": "down", "monitor": "m2"}}"#
            reply = try await api.call(.post, "/events", bare)
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(try await api.dataPlaneStatus(two) == "DOWN")
            reply = try await api.call(.post, "/v1/event", bare.replacingOccurrences(of: "\"down\"", with: "\"up\""))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(try await api.dataPlaneStatus(two) == "ACTIVE")
        }
    }

    @Test func aHostNoPortIsBoundToIsUnknownAndMalformedBodiesChangeNothing() async throws {
        try await APIHarness.run { api in
            let (one, _, _) = try await Self.boundPorts(api)
            var reply = try await api.call(.put, "/events", Self.sampleMonitor("compute-9"))
            #expect(reply.status == 404)
            #expect(reply.errorType == "PhysicalResourceNotFound")
            for body in ["", "{", #"[{"type": "compute.host.down"}]"#, #"[{"time": "x", "type": "compute.host.down"}]"#, "42"] {
                reply = try await api.call(.put, "/events", body)
                #expect(reply.status == 400, "\(body): \(reply.raw)")
                #expect(reply.error["type"] != nil)
            }
            #expect(try await api.dataPlaneStatus(one) == nil)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            #expect((faults.json["faults"] as? [[String: Any]])?.isEmpty == true)
            // The rest of the API's authentication applies: no identity, no events.
            reply = try await api.call(.put, "/events", Self.sampleMonitor("compute-1"), anonymous: true)
            #expect(reply.status == 401)
            let member = APIHarness.caller(user: "u", project: "p", roles: "member")
            reply = try await api.call(.put, "/events", Self.sampleMonitor("compute-1"), headers: member)
            #expect(reply.status == 403)
            #expect(try await api.dataPlaneStatus(one) == nil)
        }
    }

    @Test func aBoundHostsFaultSurvivesARestartAndTopologyEdits() async throws {
        let database = APIHarness.temporaryDatabase()
        let ids = IDBox()
        try await APIHarness.run(databasePath: database) { api in
            let (one, _, _) = try await Self.boundPorts(api)
            ids.set(one)
            #expect(try await api.call(.put, "/events", Self.sampleMonitor("compute-1")).status == 200)
            #expect(try await api.dataPlaneStatus(one) == "DOWN")
            // A topology that does not mention compute-1 does not forget its fault.
            try await api.loadFabric()
            #expect(try await api.dataPlaneStatus(one) == "DOWN")
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            #expect((faults.json["faults"] as? [[String: Any]])?.map { $0["resource_id"] as? String } == ["compute-1"])
        }
        try await APIHarness.run(databasePath: database) { api in
            let one = ids.get()
            #expect(try await api.dataPlaneStatus(one) == "DOWN", "the fault is stored, not only remembered")
            let assessment = try await api.call(.get, "/v2.0/ports/\(one)/data-plane")
            let view = assessment.json["data_plane"] as? [String: Any]
            #expect(view?["state"] as? String == "down", Comment(rawValue: assessment.raw))
            #expect((view?["root_cause"] as? [[String: String]]) == [["resource_type": "host", "resource_id": "compute-1"]])
            #expect(try await api.call(.put, "/events", Self.sampleMonitor("compute-1", status: "up")).status == 200)
            #expect(try await api.dataPlaneStatus(one) == "ACTIVE")
        }
    }

    @Test func alertmanagerPostingToVitragesEventAPIIsReadAsAlertmanager() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await DataPlaneAPITests.ports(api)
            var headers = APIHarness.adminHeaders
            headers[.userAgent] = "Alertmanager/0.25.0"
            let reply = try await api.call(
                .post, "/v1/event",
                EventSourcesAPITests.webhook("firing", labels: #"{"alertname": "LeafDown", "switch": "leaf-a3"}"#),
                headers: headers)
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.json["format"] as? String == "alertmanager")
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
        }
        #expect(EventSourceEndpoints.source(ofPath: "/v1/event", userAgent: "Alertmanager/0.25.0") == "alertmanager")
        #expect(EventSourceEndpoints.source(ofPath: "/v1/event") == "doctor")
        #expect(EventSourceEndpoints.source(ofPath: "/events") == "doctor")
    }

    @Test func aBoundHostCanBeInMaintenance() async throws {
        try await APIHarness.run { api in
            let (one, _, _) = try await Self.boundPorts(api)
            var reply = try await api.call(
                .put, "/events", EventSourcesAPITests.doctor("IN_MAINTENANCE", host: "compute-1"))
            #expect(reply.status == 200, "\(reply.raw)")
            try await api.call(.put, "/events", Self.sampleMonitor("compute-1"))
            #expect(try await api.dataPlaneStatus(one) == nil, "in maintenance, the fault does not count")
            reply = try await api.call(
                .put, "/events", EventSourcesAPITests.doctor("MAINTENANCE_COMPLETE", host: "compute-1"))
            #expect(reply.status == 200)
            #expect(try await api.dataPlaneStatus(one) == "DOWN")
            reply = try await api.call(
                .put, "/events", EventSourcesAPITests.doctor("IN_MAINTENANCE", host: "compute-9"))
            #expect(reply.status == 404, "no port is bound to compute-9")
        }
    }
}

/// A value handed from one harness run to the next.
final class IDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func set(_ id: String) { lock.withLock { value = id } }
    func get() -> String { lock.withLock { value } }
}

/// The host side through the native API: `vswitch` and `vif` faults.
struct VirtualSwitchAPITests {
    @Test func vswitchAndVifFaultsThroughTheNativeAPIAndARestart() async throws {
        let database = APIHarness.temporaryDatabase()
        let ids = IDBox()
        try await APIHarness.run(databasePath: database) { api in
            let (one, two, _) = try await DoctorMonitorAPITests.boundPorts(api)
            let network = try await api.network("sriov")
            let vf = try await api.port(
                network: network, name: "vf", extra: #", "binding:host_id": "compute-1", "binding:vnic_type": "direct""#)
            ids.set([one, two, vf].joined(separator: ","))
            func event(_ type: String, _ id: String, _ state: String) -> String {
                #"{"events": [{"resource_type": "\#(type)", "resource_id": "\#(id)", "state": "\#(state)", "source": "ovsdb:compute-1"}]}"#
            }
            var reply = try await api.call(.post, "/v2.0/data-plane-events", event("vif", one, "down"))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.json["changed_ports"] as? Int == 1)
            #expect(try await api.dataPlaneStatus(one) == "DOWN")
            #expect(try await api.dataPlaneStatus(two) == nil)
            reply = try await api.call(.post, "/v2.0/data-plane-events", event("vswitch", "compute-2", "down"))
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(try await api.dataPlaneStatus(two) == "DOWN")
            reply = try await api.call(.post, "/v2.0/data-plane-events", event("vswitch", "compute-1", "down"))
            #expect(try await api.dataPlaneStatus(vf) == nil, "SR-IOV bypasses the virtual switch")
            reply = try await api.call(.post, "/v2.0/data-plane-events", event("vif", "no-such-port", "down"))
            #expect(reply.status == 404)
            reply = try await api.call(.post, "/v2.0/data-plane-events", event("vswitch", "compute-9", "down"))
            #expect(reply.status == 404)
            let why = try await api.call(.get, "/v2.0/ports/\(one)/data-plane")
            let view = why.json["data_plane"] as? [String: Any]
            #expect((view?["faults"] as? [[String: Any]])?.count == 2, Comment(rawValue: why.raw))
        }
        try await APIHarness.run(databasePath: database) { api in
            let ports = ids.get().split(separator: ",").map(String.init)
            #expect(try await api.dataPlaneStatus(ports[0]) == "DOWN")
            #expect(try await api.dataPlaneStatus(ports[1]) == "DOWN")
            // Deleting the port takes its interface's fault along, in the store too.
            #expect(try await api.call(.delete, "/v2.0/ports/\(ports[0])").status == 204)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults").json["faults"] as? [[String: Any]]
            #expect(faults?.map { $0["resource_type"] as? String ?? "" }.sorted() == ["vswitch", "vswitch"])
        }
        try await APIHarness.run(databasePath: database) { api in
            let faults = try await api.call(.get, "/v2.0/data-plane-faults").json["faults"] as? [[String: Any]]
            #expect(faults?.map { $0["resource_type"] as? String ?? "" }.sorted() == ["vswitch", "vswitch"])
        }
    }
}
