import FaultCorrelation
import Foundation
import HTTPTypes
import PortwatchCore
import PortwatchStore
import Testing

/// Topology, fault events and correlation through the HTTP API, over the two-pod fixture fabric:
/// compute-a1 bonds eth0 (leaf-a1) and eth1 (leaf-a2); compute-a3 has one NIC on leaf-a3;
/// compute-a2's eth2 (physnet2) is single-homed on leaf-a1; spines spine-a1/a2 serve pod a.
struct DataPlaneAPITests {
    static let vlan =
        #", "provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 100"#

    /// Port ids on a VLAN network: dual-homed (compute-a1) and single-homed (compute-a3).
    static func ports(_ api: APIHarness) async throws -> (network: String, dual: String, single: String) {
        try await api.loadFabric()
        let network = try await api.network("vlan", extra: vlan)
        let dual = try await api.port(network: network, name: "dual", extra: #", "binding:host_id": "compute-a1""#)
        let single = try await api.port(network: network, name: "single", extra: #", "binding:host_id": "compute-a3""#)
        return (network, dual, single)
    }

    @Test func singleHomedPortGoesDownAndRecovers() async throws {
        try await APIHarness.run { api in
            let (_, dual, single) = try await Self.ports(api)
            var reply = try await api.events([("switch", "leaf-a3", "down")])
            #expect(reply.status == 200)
            #expect(reply.json["changed_ports"] as? Int == 1)
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            #expect(try await api.dataPlaneStatus(dual) == nil, "another leaf's failure does not touch it")
            reply = try await api.call(.get, "/v2.0/ports/\(single)")
            #expect(reply.port["revision_number"] as? Int == 2)
            #expect(reply.port["status"] as? String == "ACTIVE", "status stays independent by default")
            try await api.events([("switch", "leaf-a3", "up")])
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE")
            let history = try await api.call(.get, "/v2.0/ports/\(single)/data-plane-history")
            let lines = history.json["history"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["data_plane_status"] as? String } == ["DOWN", "ACTIVE"])
            let cause = lines.first?["cause"] as? [String: Any]
            let root = cause?["rootCause"] as? [[String: String]]
            #expect(root == [["kind": "switch", "id": "leaf-a3"]])
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 1000)
            let updates = records.filter { $0.event.eventType == "port.update.end" && $0.event.resourceID == single }
            #expect(updates.count == 2, "each correlated change reaches the outbox once")
        }
    }

    @Test func redundancyMakesOneLegDegradedAndBothDown() async throws {
        try await APIHarness.run { api in
            let (_, dual, _) = try await Self.ports(api)
            try await api.events([("switch", "leaf-a1", "down")])
            #expect(try await api.dataPlaneStatus(dual) == nil, "a surviving leg keeps the data plane")
            var detail = try await api.call(.get, "/v2.0/ports/\(dual)/data-plane")
            var view = detail.json["data_plane"] as? [String: Any]
            #expect(view?["state"] as? String == "degraded")
            let history = try await api.call(.get, "/v2.0/ports/\(dual)/data-plane-history")
            let lines = history.json["history"] as? [[String: Any]] ?? []
            #expect(lines.map { $0["current"] as? String } == ["degraded"])
            #expect(lines.first?["port_changed"] as? Bool == false)
            try await api.events([("link", "leaf-a2:Ethernet1--compute-a1:eth1", "down")], source: "alertmanager")
            #expect(try await api.dataPlaneStatus(dual) == "DOWN")
            detail = try await api.call(.get, "/v2.0/ports/\(dual)/data-plane")
            view = detail.json["data_plane"] as? [String: Any]
            #expect((view?["faults"] as? [[String: Any]])?.count == 2)
            try await api.events([("switch", "leaf-a1", "up")])
            #expect(try await api.dataPlaneStatus(dual) == "ACTIVE")
        }
    }

    @Test func spineFailureNeedsEveryUplinkDown() async throws {
        try await APIHarness.run { api in
            let (_, dual, single) = try await Self.ports(api)
            try await api.events([("switch", "spine-a1", "down")])
            #expect(try await api.dataPlaneStatus(single) == nil)
            try await api.events([("switch", "spine-a2", "down")])
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            #expect(try await api.dataPlaneStatus(dual) == "DOWN")
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            #expect((faults.json["faults"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func bareMetalAndOverlayPortsMapToTheirSwitchPorts() async throws {
        try await APIHarness.run { api in
            try await api.loadFabric()
            let flat = try await api.network(
                "prov", extra: #", "provider:network_type": "flat", "provider:physical_network": "physnet9""#)
            // binding:profile is the service role's (Ironic's), as in Neutron 29.
            let metal = try await api.port(
                network: flat, name: "metal", headers: APIHarness.serviceHeaders,
                extra:
                    #", "binding:vnic_type": "baremetal", "binding:profile": {"local_link_information": [{"switch_id": "52:54:00:0a:00:04", "port_id": "Ethernet5", "switch_info": "leaf-a4"}]}"#
            )
            let overlay = try await api.network(
                "vx", extra: #", "provider:network_type": "vxlan", "provider:segmentation_id": 5000"#)
            let tunnel = try await api.port(
                network: overlay, name: "tunnel", extra: #", "binding:host_id": "compute-a3""#)
            try await api.events([("switch_port", "leaf-a4:Ethernet5", "down")])
            #expect(try await api.dataPlaneStatus(metal) == "DOWN")
            #expect(try await api.dataPlaneStatus(tunnel) == nil)
            try await api.events([("host_nic", "compute-a3:eth0", "down")])
            #expect(try await api.dataPlaneStatus(tunnel) == "DOWN")
        }
    }

    @Test func badEventsAreRejectedAndChangeNothing() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await Self.ports(api)
            var reply = try await api.events([("switch", "leaf-a3", "down"), ("switch", "leaf-zz", "down")])
            #expect(reply.status == 404)
            #expect(reply.errorType == "PhysicalResourceNotFound")
            #expect(try await api.dataPlaneStatus(single) == nil, "the known event of the batch was not applied either")
            reply = try await api.events([("gizmo", "leaf-a3", "down")])
            #expect(reply.status == 400)
            reply = try await api.events([("switch", "leaf-a3", "sideways")])
            #expect(reply.status == 400)
            reply = try await api.events([("switch", "leaf-a3", "down")], time: "yesterday")
            #expect(reply.status == 400)
            #expect(
                reply.errorMessage == "Invalid input for time. Reason: 'yesterday' is not a valid ISO 8601 date-time.")
            reply = try await api.call(.post, "/v2.0/data-plane-events", #"{"events": [{"resource_type": "switch"}]}"#)
            #expect(reply.status == 400)
            reply = try await api.call(.post, "/v2.0/data-plane-events", "not json")
            #expect(reply.status == 400)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            #expect((faults.json["faults"] as? [[String: Any]])?.isEmpty == true)
            reply = try await api.call(
                .put, "/v2.0/topology",
                #"{"topology": {"links": [{"a": {"switch": "nope", "port": "x"}, "b": {"host": "h", "nic": "eth0"}}]}}"#
            )
            #expect(reply.status == 400)
            #expect(reply.errorType == "InvalidTopology")
            reply = try await api.call(.get, "/v2.0/topology/switches")
            #expect((reply.json["switches"] as? [[String: Any]])?.count == 12, "a rejected topology leaves the old one")
        }
    }

    @Test func duplicatesAndLateEventsAreIgnored() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await Self.ports(api)
            try await api.events([("switch", "leaf-a3", "down")], time: "2026-11-25T10:00:00Z")
            var reply = try await api.events([("switch", "leaf-a3", "down")], time: "2026-11-25T10:00:01Z")
            let outcomes = (reply.json["events"] as? [[String: Any]])?.map { $0["outcome"] as? String }
            #expect(outcomes == ["duplicate"])
            #expect(try await api.call(.get, "/v2.0/ports/\(single)").port["revision_number"] as? Int == 2)
            try await api.events([("switch", "leaf-a3", "up")], time: "2026-11-25T10:05:00Z")
            reply = try await api.events([("switch", "leaf-a3", "down")], time: "2026-11-25T10:02:00Z")
            #expect((reply.json["events"] as? [[String: Any]])?.first?["outcome"] as? String == "ignored")
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE")
        }
    }

    @Test func maintenanceHoldsFaultsUntilItEnds() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await Self.ports(api)
            var reply = try await api.call(
                .put, "/v2.0/topology/maintenance",
                #"{"maintenance": {"resource_type": "switch", "resource_id": "leaf-a3", "active": true}}"#)
            #expect(reply.status == 200)
            try await api.events([("switch", "leaf-a3", "down")])
            #expect(try await api.dataPlaneStatus(single) == nil)
            reply = try await api.call(
                .put, "/v2.0/topology/maintenance",
                #"{"maintenance": {"resource_type": "switch", "resource_id": "leaf-a3", "active": false}}"#)
            #expect(reply.json["changed_ports"] as? Int == 1)
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            reply = try await api.call(
                .put, "/v2.0/topology/maintenance",
                #"{"maintenance": {"resource_type": "switch", "resource_id": "nope", "active": true}}"#)
            #expect(reply.status == 404)
        }
    }

    @Test func manualOverrideWinsUntilCleared() async throws {
        try await APIHarness.run { api in
            let (_, _, single) = try await Self.ports(api)
            try await api.events([("switch", "leaf-a3", "down")])
            _ = try await api.call(.put, "/v2.0/ports/\(single)", #"{"port": {"data_plane_status": "ACTIVE"}}"#)
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE")
            try await api.events([("switch", "leaf-a3", "up")])
            try await api.events([("switch", "leaf-a3", "down")], source: "odl")
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE", "the admin's value wins")
            _ = try await api.call(.put, "/v2.0/ports/\(single)", #"{"port": {"data_plane_status": null}}"#)
            #expect(try await api.dataPlaneStatus(single) == "DOWN", "cleared: correlation's verdict shows again")
        }
    }

    /// Fabric-wide writes default to admins and the service role (issue 9: the integrator, which
    /// could post events before, now only reads the fabric).
    @Test func onlyAdminsAndServicesSubmitEvents() async throws {
        try await APIHarness.run { api in
            _ = try await Self.ports(api)
            let member = APIHarness.caller(user: "u", project: "p", roles: "member,reader")
            var reply = try await api.events([("switch", "leaf-a3", "down")], headers: member)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == "rule:create_data_plane_event is disallowed by policy")
            reply = try await api.call(.get, "/v2.0/topology", headers: member)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == "rule:get_topology is disallowed by policy")
            let integrator = APIHarness.caller(user: "sdn", project: "p", roles: "data_plane_integrator")
            reply = try await api.events([("switch", "leaf-a3", "down")], headers: integrator)
            #expect(reply.status == 403)
            reply = try await api.call(.get, "/v2.0/topology", headers: integrator)
            #expect(reply.status == 200, "the integrator still reads the fabric")
            let service = APIHarness.caller(user: "onos", project: "service", roles: "service")
            reply = try await api.events([("switch", "leaf-a3", "down")], headers: service)
            #expect(reply.status == 200)
            let outcome = (reply.json["events"] as? [[String: Any]])?.first
            #expect(outcome?["source"] as? String == "onos")
            reply = try await api.call(
                .put, "/v2.0/topology/maintenance",
                #"{"maintenance": {"resource_type": "switch", "resource_id": "leaf-a3", "active": true}}"#,
                headers: service)
            #expect(reply.status == 200, "\(reply.raw)")
        }
    }

    @Test func portBoundAfterTheFaultIsCorrelated() async throws {
        try await APIHarness.run { api in
            let (network, _, _) = try await Self.ports(api)
            try await api.events([("switch", "leaf-a3", "down")])
            let late = try await api.port(network: network, name: "late")
            _ = try await api.call(.put, "/v2.0/ports/\(late)", #"{"port": {"binding:host_id": "compute-a3"}}"#)
            // The binding and its correlated consequence commit in one transaction.
            #expect(try await api.dataPlaneStatus(late) == "DOWN")
        }
    }

    @Test func flappingLinkCommitsTheFinalStateOnce() async throws {
        // A hold-down far longer than any machine needs for the twelve events: every flap after the
        // first lands inside it, however slow the machine. The held final state is then written as
        // at a graceful shutdown.
        try await APIHarness.run(holdDown: 3600) { api in
            let (_, _, single) = try await Self.ports(api)
            for index in 0..<10 {
                try await api.events([("switch", "leaf-a3", index % 2 == 0 ? "down" : "up")])
            }
            try await api.events([("switch", "leaf-a3", "down")])
            #expect(try await api.dataPlaneStatus(single) == "DOWN", "the first change commits at once")
            let reply = try await api.events([("switch", "leaf-a3", "up")])
            #expect(reply["held_ports"] as? Int ?? 0 > 0, "the recovery is held by the hold-down")
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            await (try #require(api.correlation)).flushHeldChanges()
            #expect(try await api.dataPlaneStatus(single) == "ACTIVE", "the final state is committed")
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 1000)
            let updates = records.filter { $0.event.eventType == "port.update.end" && $0.event.resourceID == single }
            #expect(updates.count == 2, "twelve flaps, two notifications")
        }
    }

    @Test func heldRecoveryIsWrittenWhenTheHoldDownEnds() async throws {
        try await APIHarness.run(holdDown: 0.5) { api in
            let (_, _, single) = try await Self.ports(api)
            try await api.events([("switch", "leaf-a3", "down")])
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            try await api.events([("switch", "leaf-a3", "up")])
            #expect(try await api.eventually { try await api.dataPlaneStatus(single) == "ACTIVE" })
        }
    }

    @Test func recoveryHeldAtAStopIsReconciledAtTheNextStart() async throws {
        // As after kill -9 inside the hold-down: the fault's end is stored, the port's recovery is
        // only held in memory, and the next start must write it before serving.
        let path = APIHarness.temporaryDatabase()
        let ids = IDs()
        try await APIHarness.run(databasePath: path, holdDown: 3600, flushOnExit: false) { api in
            let (_, _, single) = try await Self.ports(api)
            ids.other = single
            try await api.events([("switch", "leaf-a3", "down")])
            try await api.events([("switch", "leaf-a3", "up")])
            #expect(try await api.dataPlaneStatus(single) == "DOWN", "held")
        }
        try await APIHarness.run(databasePath: path, holdDown: 3600) { api in
            #expect(try await api.dataPlaneStatus(ids.other) == "ACTIVE", "reconciled before the API answered")
            let history = try await api.call(.get, "/v2.0/ports/\(ids.other)/data-plane-history")
            #expect(history.raw.contains("ACTIVE"))
        }
    }

    @Test func faultsSurviveARestart() async throws {
        let path = APIHarness.temporaryDatabase()
        let ids = IDs()
        try await APIHarness.run(databasePath: path) { api in
            let (network, _, single) = try await Self.ports(api)
            try await api.events([("switch", "leaf-a3", "down")])
            ids.port = network
            ids.other = single
        }
        try await APIHarness.run(databasePath: path) { api in
            let reply = try await api.call(.get, "/v2.0/ports/\(ids.other)")
            #expect(reply.port["data_plane_status"] as? String == "DOWN", "the correlated state is durable")
            #expect(reply.port["revision_number"] as? Int == 2)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults")
            #expect((faults.json["faults"] as? [[String: Any]])?.first?["resource_id"] as? String == "leaf-a3")
            let late = try await api.port(network: ids.port, name: "late", extra: #", "binding:host_id": "compute-a3""#)
            #expect(try await api.dataPlaneStatus(late) == "DOWN")
            try await api.events([("switch", "leaf-a3", "up")])
            let list = try await api.call(.get, "/v2.0/ports?fields=data_plane_status&binding%3Ahost_id=compute-a3")
            #expect(list.ports.allSatisfy { $0["data_plane_status"] as? String == "ACTIVE" })
        }
    }

    @Test func faultsOfARemovedHostDoNotComeBackAfterARestart() async throws {
        let path = APIHarness.temporaryDatabase()
        let host = #"{"host": {"id": "edge-9", "nics": [{"name": "eth0"}]}}"#
        try await APIHarness.run(databasePath: path) { api in
            try await api.loadFabric()
            #expect(try await api.call(.post, "/v2.0/topology/hosts", host).status == 201)
            try await api.events([("host", "edge-9", "down")])
            #expect(try await api.call(.delete, "/v2.0/topology/hosts/edge-9").status == 204)
            #expect(try await api.call(.post, "/v2.0/topology/hosts", host).status == 201)
            let faults = try await api.call(.get, "/v2.0/data-plane-faults").json["faults"] as? [Any]
            #expect(faults?.isEmpty == true)
        }
        try await APIHarness.run(databasePath: path) { api in
            let faults = try await api.call(.get, "/v2.0/data-plane-faults").json["faults"] as? [Any]
            #expect(faults?.isEmpty == true, "the removed host's fault is not replayed onto the new one")
        }
    }

    @Test func topologyCollectionsAndYAML() async throws {
        try await APIHarness.run { api in
            let yaml = """
                switches:
                  - id: tor-1
                    role: leaf
                    ports: [{name: Ethernet1}]
                hosts:
                  - id: edge-1
                    nics: [{name: eth0}]
                    physnetMappings: {physnet1: eth0}
                links:
                  - a: {switch: tor-1, port: Ethernet1}
                    b: {host: edge-1, nic: eth0}
                """
            var reply = try await api.call(.put, "/v2.0/topology", yaml, headers: [.contentType: "application/yaml"])
            #expect(reply.status == 200)
            reply = try await api.call(.get, "/v2.0/topology/links/tor-1:Ethernet1--edge-1:eth0")
            #expect(reply.status == 200)
            reply = try await api.call(
                .post, "/v2.0/topology/switches", #"{"switch": {"id": "tor-2", "ports": [{"name": "Ethernet1"}]}}"#)
            #expect(reply.status == 201)
            reply = try await api.call(.post, "/v2.0/topology/switches", #"{"switch": {"id": "tor-2"}}"#)
            #expect(reply.status == 409)
            reply = try await api.call(.post, "/v2.0/topology/switches", #"{"switch": {"name": "no id"}}"#)
            #expect(reply.status == 400)
            reply = try await api.call(.delete, "/v2.0/topology/switches/tor-1")
            #expect(reply.status == 204)
            reply = try await api.call(.get, "/v2.0/topology")
            let topology = reply.json["topology"] as? [String: Any]
            #expect((topology?["links"] as? [Any])?.isEmpty == true, "a removed switch takes its cables with it")
            reply = try await api.call(.get, "/v2.0/topology/switches/tor-1")
            #expect(reply.status == 404)
            reply = try await api.call(.get, "/v2.0/extensions/portwatch-data-plane")
            #expect(reply.status == 200)
        }
    }
}
