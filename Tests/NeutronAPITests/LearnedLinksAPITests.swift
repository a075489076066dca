import Foundation
import HTTPTypes
import PortwatchCore
import Testing

/// Cabling learned from the hosts' LLDP neighbours, merged into the declared topology.
struct LearnedLinksAPITests {
    /// A spine and two leaves, no hosts: the cabling is left to LLDP.
    static let fabric = #"""
        {"switches": [
          {"id": "spine-1", "role": "spine", "ports": [{"name": "Ethernet1"}, {"name": "Ethernet2"}]},
          {"id": "leaf-1", "role": "leaf", "mac": "52:54:00:0a:00:01",
           "ports": [{"name": "Ethernet1"}, {"name": "Ethernet2"}, {"name": "Ethernet3"}, {"name": "Ethernet49"}]},
          {"id": "leaf-2", "role": "leaf", "mac": "52:54:00:0a:00:02",
           "ports": [{"name": "Ethernet1"}, {"name": "Ethernet2"}, {"name": "Ethernet49"}]}],
         "hosts": [],
         "links": [
          {"a": {"switch": "leaf-1", "port": "Ethernet49"}, "b": {"switch": "spine-1", "port": "Ethernet1"}},
          {"a": {"switch": "leaf-2", "port": "Ethernet49"}, "b": {"switch": "spine-1", "port": "Ethernet2"}}]}
        """#

    static func report(_ links: [(nic: String, switch: String, port: String)], chassis: String? = nil) -> String {
        let items = links.map { link in
            #"{"nic": "\#(link.nic)", "switch": "\#(link.switch)", "port": "\#(link.port)"\#(chassis.map { #", "chassis_id": "\#($0)""# } ?? "")}"#
        }
        return #"{"learned_links": [\#(items.joined(separator: ", "))]}"#
    }

    @Test func learnedCablingDrivesCorrelationAndTheDeclarationWins() async throws {
        let database = APIHarness.temporaryDatabase()
        let ids = IDBox()
        try await APIHarness.run(databasePath: database) { api in
            #expect(try await api.call(.put, "/v2.0/topology", Self.fabric).status == 200)
            let network = try await api.network("n")
            let dual = try await api.port(network: network, name: "dual", extra: #", "binding:host_id": "compute-1""#)
            let single = try await api.port(network: network, name: "single", extra: #", "binding:host_id": "compute-2""#)
            ids.set("\(dual),\(single)")

            // compute-1: eth0 to leaf-1 by name, eth1 to leaf-2 by chassis MAC and port description.
            var reply = try await api.call(
                .put, "/v2.0/topology/learned-links/compute-1",
                #"{"learned_links": [{"nic": "eth0", "switch": "leaf-1", "port": "Ethernet1"}, {"nic": "eth1", "switch": "52:54:00:0A:00:02", "port": "gi0/2", "port_description": "Ethernet2"}]}"#)
            #expect(reply.status == 200, "\(reply.raw)")
            let standings = (reply.json["learned_links"] as? [[String: Any]])?.map { $0["standing"] as? String }
            #expect(standings == ["in_use", "in_use"])
            reply = try await api.call(
                .put, "/v2.0/topology/learned-links/compute-2",
                Self.report([("eth0", "leaf-1", "Ethernet3"), ("eth9", "no-such-switch", "Ethernet1")]))
            #expect(
                (reply.json["learned_links"] as? [[String: Any]])?.map { $0["standing"] as? String } == [
                    "in_use", "unresolved",
                ])

            // The topology shows them, marked.
            let topology = try await api.call(.get, "/v2.0/topology").json["topology"] as? [String: Any]
            let links = topology?["links"] as? [[String: Any]] ?? []
            #expect(links.filter { $0["origin"] as? String == "learned" }.count == 3)
            #expect((topology?["hosts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.sorted() == ["compute-1", "compute-2"])

            // leaf-1 fails: the single-homed port is DOWN, the dual-homed one survives on leaf-2.
            try await api.events([("switch", "leaf-1", "down")])
            // The same report again changes nothing, and the links stand as they did.
            reply = try await api.call(
                .put, "/v2.0/topology/learned-links/compute-2",
                Self.report([("eth0", "leaf-1", "Ethernet3"), ("eth9", "no-such-switch", "Ethernet1")]))
            #expect(reply.json["changed_ports"] as? Int == 0)
            #expect(
                (reply.json["learned_links"] as? [[String: Any]])?.map { $0["standing"] as? String } == [
                    "in_use", "unresolved",
                ])
            #expect(try await api.dataPlaneStatus(single) == "DOWN")
            #expect(try await api.dataPlaneStatus(dual) == nil)
            let why = try await api.call(.get, "/v2.0/ports/\(dual)/data-plane")
            #expect((why.json["data_plane"] as? [String: Any])?["state"] as? String == "degraded")

        }
        try await APIHarness.run(databasePath: database) { api in
            let ports = ids.get().split(separator: ",").map(String.init)
            // Stored: after a restart the learned cabling is still in force.
            #expect(try await api.dataPlaneStatus(ports[1]) == "DOWN")
            let learned = try await api.call(.get, "/v2.0/topology/learned-links").json["learned_links"] as? [[String: Any]]
            #expect(learned?.count == 4)
            // Sending the topology back declares only what was declared.
            let topology = try await api.call(.get, "/v2.0/topology").json["topology"] as? [String: Any] ?? [:]
            let body = try JSONSerialization.data(withJSONObject: ["topology": topology])
            #expect(try await api.call(.put, "/v2.0/topology", String(decoding: body, as: UTF8.self)).status == 200)
            let again = try await api.call(.get, "/v2.0/topology").json["topology"] as? [String: Any]
            #expect((again?["links"] as? [[String: Any]])?.filter { $0["origin"] as? String == "learned" }.count == 3)
        }
    }

    @Test func aLinkNoLongerReportedGoesAfterTheGracePeriod() async throws {
        try await APIHarness.run(learnedLinkGrace: 0) { api in
            #expect(try await api.call(.put, "/v2.0/topology", Self.fabric).status == 200)
            let network = try await api.network("n")
            let port = try await api.port(network: network, name: "p", extra: #", "binding:host_id": "compute-2""#)
            try await api.call(.put, "/v2.0/topology/learned-links/compute-2", Self.report([("eth0", "leaf-1", "Ethernet3")]))
            try await api.events([("switch", "leaf-1", "down")])
            #expect(try await api.dataPlaneStatus(port) == "DOWN")
            // The next report no longer names it: with no grace, it goes, and with it the path.
            let reply = try await api.call(.put, "/v2.0/topology/learned-links/compute-2", #"{"learned_links": []}"#)
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(try await api.dataPlaneStatus(port) == "ACTIVE", "the host alone: leaf-1 is no longer its path")
            let learned = try await api.call(.get, "/v2.0/topology/learned-links").json["learned_links"] as? [[String: Any]]
            #expect(learned?.isEmpty == true)
        }
    }

    @Test func aDeclaredLinkWinsOverALearnedOne() async throws {
        try await APIHarness.run { api in
            #expect(try await api.call(.put, "/v2.0/topology", Self.fabric).status == 200)
            let network = try await api.network("n")
            let port = try await api.port(network: network, name: "p", extra: #", "binding:host_id": "compute-2""#)
            try await api.call(.put, "/v2.0/topology/learned-links/compute-2", Self.report([("eth0", "leaf-1", "Ethernet3")]))
            // The operator declares that leaf-1 Ethernet3 is compute-9's.
            var document = try JSONSerialization.jsonObject(with: Data(Self.fabric.utf8)) as! [String: Any]
            document["hosts"] = [["id": "compute-9", "nics": [["name": "eth0"]]]]
            var links = document["links"] as! [[String: Any]]
            links.append(["a": ["switch": "leaf-1", "port": "Ethernet3"], "b": ["host": "compute-9", "nic": "eth0"]])
            document["links"] = links
            let body = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            #expect(try await api.call(.put, "/v2.0/topology", body).status == 200)
            let learned = try await api.call(.get, "/v2.0/topology/learned-links").json["learned_links"] as? [[String: Any]]
            #expect(learned?.map { $0["standing"] as? String } == ["overridden"])
            try await api.events([("switch", "leaf-1", "down")])
            #expect(try await api.dataPlaneStatus(port) == nil, "compute-2 is not on leaf-1 as far as the topology says")
        }
    }

    @Test func malformedReportsAndCallersWithoutTheRightAreRefused() async throws {
        try await APIHarness.run { api in
            for body in ["{}", #"{"learned_links": [{"nic": "eth0"}]}"#, #"{"learned_links": [{"nic": "", "switch": "s", "port": "p"}]}"#, #"{"learned_links": "x"}"#] {
                let reply = try await api.call(.put, "/v2.0/topology/learned-links/h", body)
                #expect(reply.status == 400, "\(body): \(reply.raw)")
            }
            let member = APIHarness.caller(user: "u", project: "p", roles: "member")
            let reply = try await api.call(.put, "/v2.0/topology/learned-links/h", #"{"learned_links": []}"#, headers: member)
            #expect(reply.status == 403)
        }
    }
}
