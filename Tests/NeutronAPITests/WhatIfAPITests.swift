import Foundation
import HTTPTypes
import NeutronAPI
import OsloPolicy
import PortwatchCore
import PortwatchStore
import Testing

/// `POST /v2.0/data-plane-what-if` over the two-pod fixture fabric: for each scenario the prediction
/// is what the real requests then do, port by port, and asking commits nothing.
struct WhatIfAPITests {
    /// One scenario: real events applied first (`setup`), then the hypothetical body, and the counts
    /// the prediction must show (so no scenario passes by predicting nothing).
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var setup: [(String, String, String)] = []
        var events: [[String: String]] = []
        var maintenance: [[String: any Sendable]] = []
        var down = 0
        var degraded = 0
        var up = 0
        var testDescription: String { name }
    }

    static func event(_ kind: String, _ id: String, _ state: String) -> [String: String] {
        ["resource_type": kind, "resource_id": id, "state": state, "source": "onos"]
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "leaf down", events: [event("switch", "leaf-a3", "down")], down: 2),
        Scenario(name: "one spine of two", events: [event("switch", "spine-a1", "down")], degraded: 5),
        Scenario(
            name: "both spines", events: [event("switch", "spine-a1", "down"), event("switch", "spine-a2", "down")],
            down: 5),
        Scenario(name: "bond member", events: [event("host_nic", "compute-a1:eth0", "down")], degraded: 1),
        Scenario(name: "host", events: [event("host", "compute-b2", "down")], down: 1),
        Scenario(name: "vswitch", events: [event("vswitch", "compute-b4", "down")], down: 1),
        Scenario(
            name: "maintenance brings ports back", setup: [("switch", "leaf-a3", "down")],
            maintenance: [["resource_type": "switch", "resource_id": "leaf-a3", "active": true]], up: 2),
        Scenario(
            name: "recovery", setup: [("switch", "leaf-a3", "down")], events: [event("switch", "leaf-a3", "up")], up: 2),
        Scenario(
            name: "combined", setup: [("switch", "leaf-a1", "down")], events: [event("switch", "leaf-b1", "down")],
            maintenance: [["resource_type": "switch", "resource_id": "leaf-a1", "active": true]], down: 1, degraded: 1,
            up: 3),
    ]

    /// Ports on physnet1 on every pod's hosts, and compute-a2's physnet2 NIC (single-homed on leaf-a1).
    static func ports(_ api: APIHarness) async throws -> [String: String] {
        try await api.loadFabric()
        let physnet1 = try await api.network("vlan1", extra: DataPlaneAPITests.vlan)
        let physnet2 = try await api.network(
            "vlan2",
            extra:
                #", "provider:network_type": "vlan", "provider:physical_network": "physnet2", "provider:segmentation_id": 200"#
        )
        var ports: [String: String] = [:]
        for (name, host, network) in [
            ("p-a1", "compute-a1", physnet1), ("p-a2", "compute-a2", physnet1), ("p-a2e", "compute-a2", physnet2),
            ("p-a3", "compute-a3", physnet1), ("p-a4", "compute-a4", physnet1), ("p-b1", "compute-b1", physnet1),
            ("p-b2", "compute-b2", physnet1), ("p-b4", "compute-b4", physnet1),
        ] {
            ports[name] = try await api.port(
                network: network, name: name,
                extra: #", "binding:host_id": "\#(host)", "device_id": "vm-\#(host)""#)
        }
        return ports
    }

    /// Each port's engine state (with `degraded`) and `data_plane_status`.
    static func states(_ api: APIHarness, _ ports: [String: String]) async throws -> [String: [String: String]] {
        var states: [String: [String: String]] = [:]
        for id in ports.values {
            let view = try await api.call(.get, "/v2.0/ports/\(id)/data-plane").json["data_plane"] as? [String: Any]
            states[id] = [
                "state": view?["state"] as? String ?? "unknown",
                "data_plane_status": view?["data_plane_status"] as? String ?? "null",
            ]
        }
        return states
    }

    static func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test(arguments: scenarios)
    func predictionIsWhatTheRealRequestsThenDo(_ scenario: Scenario) async throws {
        try await APIHarness.run { api in
            let ports = try await Self.ports(api)
            if !scenario.setup.isEmpty { #expect(try await api.events(scenario.setup).status == 200) }
            let before = try await Self.states(api, ports)
            let outbox = api.repository.lastOutboxSequence
            let faults = try await api.call(.get, "/v2.0/data-plane-faults").raw
            var body: [String: Any] = [:]
            if !scenario.events.isEmpty { body["events"] = scenario.events }
            if !scenario.maintenance.isEmpty { body["maintenance"] = scenario.maintenance }
            let reply = try await api.call(.post, "/v2.0/data-plane-what-if", Self.json(body))
            #expect(reply.status == 200, "\(reply.raw)")
            let prediction = reply.json["what_if"] as? [String: Any] ?? [:]
            let summary = prediction["summary"] as? [String: Int]
            #expect(summary == ["down": scenario.down, "degraded": scenario.degraded, "up": scenario.up])
            // Nothing committed: no notification, no fault, no port change.
            #expect(api.repository.lastOutboxSequence == outbox)
            #expect(try await api.call(.get, "/v2.0/data-plane-faults").raw == faults)
            #expect(try await Self.states(api, ports) == before)

            for change in scenario.maintenance {
                let put = try await api.call(.put, "/v2.0/topology/maintenance", Self.json(["maintenance": change]))
                #expect(put.status == 200, "\(put.raw)")
            }
            if !scenario.events.isEmpty {
                let post = try await api.call(.post, "/v2.0/data-plane-events", Self.json(["events": scenario.events]))
                #expect(post.status == 200, "\(post.raw)")
            }
            let after = try await Self.states(api, ports)
            let predicted = prediction["ports"] as? [[String: Any]] ?? []
            let predictedIDs = Set(predicted.compactMap { $0["id"] as? String })
            for port in predicted {
                let id = port["id"] as? String ?? ""
                #expect(port["state_before"] as? String == before[id]?["state"], "\(scenario.name): \(id) before")
                #expect(port["state"] as? String == after[id]?["state"], "\(scenario.name): \(id) after")
                #expect(
                    port["data_plane_status_after"] as? String ?? "null" == after[id]?["data_plane_status"],
                    "\(scenario.name): \(id) data_plane_status")
            }
            for id in ports.values where !predictedIDs.contains(id) {
                #expect(
                    after[id]?["state"] == before[id]?["state"], "\(scenario.name): \(id) was not predicted to change")
            }
        }
    }

    @Test func groupsCountPerProjectNetworkAndInstance() async throws {
        try await APIHarness.run { api in
            _ = try await Self.ports(api)
            let reply = try await api.call(
                .post, "/v2.0/data-plane-what-if",
                #"{"events": [{"resource_type": "switch", "resource_id": "leaf-a3", "state": "down"}]}"#)
            let prediction = reply.json["what_if"] as? [String: Any] ?? [:]
            let instances = prediction["by_instance"] as? [[String: Any]] ?? []
            #expect(Set(instances.compactMap { $0["id"] as? String }) == ["vm-compute-a3", "vm-compute-a4"])
            let projects = prediction["by_project"] as? [[String: Any]] ?? []
            #expect(projects.count == 1)
            #expect(projects.first?["down"] as? Int == 2)
            let causes = prediction["by_root_cause"] as? [[String: Any]] ?? []
            #expect(causes.first?["id"] as? String == "switch leaf-a3")
        }
    }

    @Test func badScenariosAreRefusedAndChangeNothing() async throws {
        try await APIHarness.run { api in
            _ = try await Self.ports(api)
            let outbox = api.repository.lastOutboxSequence
            let cases: [(String, Int, String)] = [
                ("{}", 400, "A what-if needs events or maintenance"),
                (#"{"events": [], "maintenance": []}"#, 400, "Resources required"),
                (#"{"colour": 1}"#, 400, "Unrecognized attribute(s) 'colour'"),
                (
                    #"{"events": [{"resource_type": "switch", "resource_id": "nope", "state": "down"}]}"#, 404,
                    "switch nope"
                ),
                (#"{"maintenance": {"resource_type": "switch", "resource_id": "leaf-a1"}}"#, 400, "active"),
                (
                    #"{"maintenance": {"resource_type": "switch_port", "resource_id": "leaf-a1:Ethernet1", "active": true}}"#,
                    400,
                    "switches and hosts"
                ),
                (#"{"maintenance": 3}"#, 400, "maintenance must be"),
                ("[", 400, "Body contains invalid data"),
            ]
            for (body, status, message) in cases {
                let reply = try await api.call(.post, "/v2.0/data-plane-what-if", body)
                #expect(reply.status == status, "\(body): \(reply.raw)")
                #expect(reply.errorMessage?.contains(message) == true, "\(body): \(reply.raw)")
            }
            #expect(api.repository.lastOutboxSequence == outbox)
        }
    }

    @Test func adminOnlyByDefaultAndMembersSeeTheirProjectOnly() async throws {
        let member = APIHarness.caller(user: "alice", project: "proj-a", roles: "member,reader")
        let body = #"{"events": [{"resource_type": "switch", "resource_id": "leaf-a3", "state": "down"}]}"#
        try await APIHarness.run { api in
            _ = try await Self.ports(api)
            let reply = try await api.call(.post, "/v2.0/data-plane-what-if", body, headers: member)
            #expect(reply.status == 403, "\(reply.raw)")
            #expect(reply.errorMessage == "rule:create_data_plane_what_if is disallowed by policy")
        }
        let open = ActivePolicy(try PolicyRules(overrides: [("create_data_plane_what_if", "role:member", 1)]))
        try await APIHarness.run(policy: open) { api in
            let ports = try await Self.ports(api)
            let network = try await api.network("mine", headers: member, extra: "")
            let mine = try await api.port(network: network, name: "mine", headers: member)
            // Bound by the service role (a member may not set binding:host_id).
            let bind = try await api.call(
                .put, "/v2.0/ports/\(mine)", #"{"port": {"binding:host_id": "compute-a3"}}"#,
                headers: APIHarness.serviceHeaders)
            #expect(bind.status == 200, "\(bind.raw)")
            let reply = try await api.call(.post, "/v2.0/data-plane-what-if", body, headers: member)
            #expect(reply.status == 200, "\(reply.raw)")
            let prediction = reply.json["what_if"] as? [String: Any] ?? [:]
            let listed = (prediction["ports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(listed == [mine], "only the member's own port, not \(ports.values.sorted())")
            #expect(prediction["summary"] as? [String: Int] == ["down": 1, "degraded": 0, "up": 0])
            #expect((prediction["ports"] as? [[String: Any]])?.first?["binding:host_id"] == nil, "no binding details")
            let admin = try await api.call(.post, "/v2.0/data-plane-what-if", body)
            #expect(
                (admin.json["what_if"] as? [String: Any])?["summary"] as? [String: Int] == [
                    "down": 3, "degraded": 0, "up": 0,
                ])
        }
    }

    @Test func blastRadiusListsDependentsAndImpairedPorts() async throws {
        try await APIHarness.run { api in
            let ports = try await Self.ports(api)
            var reply = try await api.call(
                .get, "/v2.0/data-plane-blast-radius?resource_type=switch&resource_id=leaf-a1")
            var radius = reply.json["blast_radius"] as? [String: Any] ?? [:]
            let listed = Set((radius["ports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            #expect(listed == Set([ports["p-a1"]!, ports["p-a2"]!, ports["p-a2e"]!]))
            #expect(radius["summary"] as? [String: Int] == ["down": 0, "degraded": 0, "up": 3])
            try await api.events([("switch", "leaf-a1", "down")])
            reply = try await api.call(.get, "/v2.0/data-plane-blast-radius?ports=false")
            radius = reply.json["blast_radius"] as? [String: Any] ?? [:]
            #expect(radius["summary"] as? [String: Int] == ["down": 1, "degraded": 2, "up": 0])
            #expect((radius["ports"] as? [Any])?.isEmpty == true)
            #expect((radius["by_root_cause"] as? [[String: Any]])?.first?["id"] as? String == "switch leaf-a1")
            reply = try await api.call(.get, "/v2.0/data-plane-blast-radius?resource_type=switch&resource_id=nope")
            #expect(reply.status == 404)
            reply = try await api.call(.get, "/v2.0/data-plane-blast-radius?resource_type=planet&resource_id=x")
            #expect(reply.status == 400)
            reply = try await api.call(
                .get, "/v2.0/data-plane-blast-radius",
                headers: APIHarness.caller(user: "alice", project: "proj-a", roles: "member,reader"))
            #expect(reply.status == 403)
        }
    }

    @Test func aPortsPathTreeMarksTheFailedBranch() async throws {
        try await APIHarness.run { api in
            let ports = try await Self.ports(api)
            try await api.events([("switch", "leaf-a1", "down")])
            let reply = try await api.call(.get, "/v2.0/ports/\(ports["p-a1"]!)/data-plane")
            let path = (reply.json["data_plane"] as? [String: Any])?["path"] as? [String: Any]
            #expect(path?["state"] as? String == "degraded")
            func resources(_ node: [String: Any], failed: Bool) -> [String] {
                if node["type"] as? String == "resource" {
                    return failed == (node["state"] as? String == "down") ? [node["resource_id"] as? String ?? ""] : []
                }
                return (node["children"] as? [[String: Any]] ?? []).flatMap { resources($0, failed: failed) }
            }
            #expect(resources(path ?? [:], failed: true) == ["leaf-a1"])
            #expect(resources(path ?? [:], failed: false).contains("leaf-a2"))
            func anyOf(_ node: [String: Any]) -> Bool {
                node["type"] as? String == "any_of"
                    || (node["children"] as? [[String: Any]] ?? []).contains(where: anyOf)
            }
            #expect(anyOf(path ?? [:]), "the bond is an OR of its members' paths")
        }
    }
}
