import Foundation
import HTTPTypes
import PortwatchCore
import PortwatchStore
import Testing

/// What a request changes besides its own resource, as Neutron 29 does it: a network delete takes
/// its DHCP, distributed and agent-gateway ports along; a rebinding is one revision.
struct SideEffectsAPITests {
    static let member = APIHarness.caller(user: "u-member", project: "proj-a", roles: "member,reader")

    @Test func deletingANetworkDeletesItsAutoDeletedPorts() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var ports: [String] = []
            for owner in ["network:dhcp", "network:distributed", "network:floatingip_agent_gateway"] {
                ports.append(try await api.port(network: network, extra: #", "device_owner": "\#(owner)""#))
            }
            #expect(try await api.call(.delete, "/v2.0/networks/\(network)").status == 204)
            for port in ports {
                #expect(try await api.call(.get, "/v2.0/ports/\(port)").errorType == "PortNotFound")
            }
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 1000)
            #expect(
                !records.contains { $0.event.eventType.hasPrefix("port.delete") },
                "Neutron's plugin deletes them without port notifications")
            #expect(records.filter { $0.event.eventType.hasPrefix("network.delete") }.count == 2)
        }
    }

    @Test(arguments: ["network:router_interface", "compute:nova", ""])
    func anyOtherPortKeepsTheNetworkInUse(_ owner: String) async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let dhcp = try await api.port(network: network, extra: #", "device_owner": "network:dhcp""#)
            let other = try await api.port(network: network, extra: #", "device_owner": "\#(owner)""#)
            let reply = try await api.call(.delete, "/v2.0/networks/\(network)")
            #expect((reply.status, reply.errorType) == (409, "NetworkInUse"))
            #expect(
                reply.errorMessage
                    == "Unable to complete operation on network \(network). There are one or more ports still in use on the network, id for these ports is: \(other)."
            )
            #expect(try await api.call(.get, "/v2.0/ports/\(dhcp)").status == 200, "nothing was deleted")
        }
    }

    @Test func aMemberDeletingItsNetworkDeletesAnAdminsDHCPPort() async throws {
        try await APIHarness.run { api in
            let network = try await api.network(headers: Self.member)
            let dhcp = try await api.port(
                network: network, extra: #", "device_owner": "network:dhcp", "project_id": "proj-z""#)
            #expect(try await api.call(.delete, "/v2.0/networks/\(network)", headers: Self.member).status == 204)
            #expect(try await api.call(.get, "/v2.0/ports/\(dhcp)").errorType == "PortNotFound")
        }
    }

    @Test func rebindingOntoAFailedPathIsOneRevisionAndOneNotification() async throws {
        try await APIHarness.run { api in
            let (network, _, _) = try await DataPlaneAPITests.ports(api)
            try await api.events([("switch", "leaf-a3", "down")])
            let port = try await api.port(network: network, name: "moved")
            var reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"binding:host_id": "compute-a3"}}"#)
            #expect(reply.port["revision_number"] as? Int == 2)
            #expect(reply.port["data_plane_status"] as? String == "DOWN", "the answer shows the correlated state")
            reply = try await api.call(.get, "/v2.0/ports/\(port)")
            #expect(reply.port["revision_number"] as? Int == 2)
            #expect(reply.port["data_plane_status"] as? String == "DOWN")
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 1000)
            let ends = records.filter { $0.event.eventType == "port.update.end" && $0.event.resourceID == port }
            #expect(ends.count == 1)
            let payload = try #require(
                try JSONSerialization.jsonObject(with: Data(ends.first?.event.payload ?? [])) as? [String: Any])
            let notified = payload["port"] as? [String: Any]
            #expect(notified?["data_plane_status"] as? String == "DOWN")
            #expect(notified?["revision_number"] as? Int == 2)
        }
    }

    @Test func creatingABoundPortOnAFailedPathIsRevisionOne() async throws {
        try await APIHarness.run { api in
            let (network, _, _) = try await DataPlaneAPITests.ports(api)
            try await api.events([("switch", "leaf-a3", "down")])
            let reply = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(network)", "binding:host_id": "compute-a3"}}"#)
            #expect(reply.port["revision_number"] as? Int == 1)
            #expect(reply.port["data_plane_status"] as? String == "DOWN")
            let id = try #require(reply.port["id"] as? String)
            #expect(try await api.call(.get, "/v2.0/ports/\(id)").port["revision_number"] as? Int == 1)
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 1000)
            #expect(!records.contains { $0.event.eventType == "port.update.end" && $0.event.resourceID == id })
        }
    }
}

extension SideEffectsAPITests {
    @Test func bindingFillsTheOpenvSwitchDriversVifDetails() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            var reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"binding:host_id": "h1"}}"#)
            #expect(reply.port["binding:vif_type"] as? String == "ovs")
            let details = try #require(reply.port["binding:vif_details"] as? [String: Any])
            #expect(
                Set(details.keys) == [
                    "port_filter", "connectivity", "ovs_hybrid_plug", "ovs_create_tap", "datapath_type", "bridge_name",
                ])
            #expect(details["bridge_name"] as? String == "br-int")
            #expect(details["datapath_type"] as? String == "system")
            #expect(details["ovs_hybrid_plug"] as? Bool == false)
            reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"binding:vnic_type": "direct"}}"#)
            let direct = reply.port["binding:vif_details"] as? [String: Any] ?? [:]
            #expect(direct["ovs_create_tap"] == nil, "os-vif creates no TAP for a direct port")
            reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"binding:host_id": ""}}"#)
            #expect(reply.port["binding:vif_type"] as? String == "unbound")
            #expect((reply.port["binding:vif_details"] as? [String: Any])?.isEmpty == true)
        }
    }
}

extension SideEffectsAPITests {
    @Test func aPortNeutronOwnsIsCreatedWithoutPortSecurity() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var reply = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(network)", "device_owner": "network:dhcp", "port_security_enabled": true}}"#
            )
            #expect(reply.port["port_security_enabled"] as? Bool == false)
            let port = try #require(reply.port["id"] as? String)
            reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"port_security_enabled": true}}"#)
            #expect(reply.port["port_security_enabled"] as? Bool == true, "an update sets it as asked")
            reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "device_owner": "compute:nova"}}"#)
            #expect(reply.port["port_security_enabled"] as? Bool == true)
        }
    }
}
