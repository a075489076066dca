import Foundation
import HTTPTypes
import PortwatchStore
import Testing

@testable import NeutronAPI

/// The port lifecycle and data_plane_status, matching the recorded Neutron 29 exchanges.
struct PortAPITests {
    @Test func createShowsNeutronDefaults() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "name": "anchor-port"}}"#)
            #expect(reply.status == 201)
            let port = reply.port
            #expect(
                Set(port.keys) == [
                    "id", "name", "network_id", "project_id", "mac_address", "admin_state_up", "status", "device_id",
                    "device_owner", "fixed_ips", "tenant_id", "port_security_enabled", "security_groups",
                    "binding:vnic_type",
                    "binding:profile", "binding:host_id", "binding:vif_type", "binding:vif_details",
                    "allowed_address_pairs",
                    "extra_dhcp_opts", "description", "data_plane_status", "tags", "created_at", "updated_at",
                    "revision_number",
                ])
            #expect(port["data_plane_status"] is NSNull)
            #expect(port["status"] as? String == "DOWN")
            #expect(port["project_id"] as? String == "fake_project_id")
            #expect(port["revision_number"] as? Int == 1)
            #expect((port["mac_address"] as? String)?.hasPrefix("fa:16:3e:") == true)
            #expect(port["binding:vif_type"] as? String == "unbound")
            let created = port["created_at"] as? String ?? ""
            #expect(created.count == 20 && created.hasSuffix("Z"))
        }
    }

    @Test func dataPlaneStatusUpdatesBumpRevisionOnlyOnChange() async throws {
        try await APIHarness.run { api in
            let id = try await api.port(network: try await api.network())
            var reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": "DOWN"}}"#)
            #expect(reply.status == 200)
            #expect(reply.port["data_plane_status"] as? String == "DOWN")
            #expect(reply.port["revision_number"] as? Int == 2)
            #expect(reply.port["status"] as? String == "DOWN")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": "DOWN"}}"#)
            #expect(reply.port["revision_number"] as? Int == 2)
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {}}"#)
            #expect(reply.status == 200)
            #expect(reply.port["revision_number"] as? Int == 2)
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"name": "renamed"}}"#)
            #expect(reply.port["data_plane_status"] as? String == "DOWN", "unrelated updates preserve the value")
            #expect(reply.port["revision_number"] as? Int == 3)
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": null}}"#)
            #expect(reply.status == 200, "null clears (upstream answers 500 here: a defect not copied)")
            #expect(reply.port["data_plane_status"] is NSNull)
            #expect(reply.port["revision_number"] as? Int == 4)
            let shown = try await api.call(
                .get, "/v2.0/ports/\(id)?fields=id&fields=data_plane_status&fields=revision_number")
            #expect(Set(shown.port.keys) == ["id", "data_plane_status", "revision_number"])
        }
    }

    @Test(arguments: [
        (#""UP""#, "UP"), (#""down""#, "down"), ("1", "1"), (#""BROKEN""#, "BROKEN"), ("true", "True"),
    ])
    func invalidDataPlaneStatusIsRejected(value: String, shown: String) async throws {
        try await APIHarness.run { api in
            let id = try await api.port(network: try await api.network())
            let reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": \#(value)}}"#)
            #expect(reply.status == 400)
            #expect(reply.errorType == "HTTPBadRequest")
            #expect(
                reply.errorMessage == "Invalid input for data_plane_status. Reason: \(shown) is not in valid_values.")
            let after = try await api.call(.get, "/v2.0/ports/\(id)")
            #expect(after.port["revision_number"] as? Int == 1, "a rejected request changes nothing")
        }
    }

    @Test func dataPlaneStatusIsNotAllowedInPost() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "data_plane_status": "DOWN"}}"#)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "Attribute 'data_plane_status' not allowed in POST")
            let list = try await api.call(.get, "/v2.0/ports")
            #expect(list.ports.isEmpty)
        }
    }

    @Test func statusIsReadOnlyAndDerived() async throws {
        try await APIHarness.run { api in
            let id = try await api.port(network: try await api.network())
            var reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"status": "ACTIVE"}}"#)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "Cannot update read-only attribute status")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"binding:host_id": "compute-1"}}"#)
            #expect(reply.port["status"] as? String == "ACTIVE")
            #expect(reply.port["binding:vif_type"] as? String == "ovs")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"admin_state_up": false}}"#)
            #expect(reply.port["status"] as? String == "DOWN")
            reply = try await api.call(
                .put, "/v2.0/ports/\(id)", #"{"port": {"admin_state_up": true, "data_plane_status": "DOWN"}}"#)
            #expect(reply.port["status"] as? String == "ACTIVE", "independent of data_plane_status by default")
        }
    }

    @Test func statusFollowsDataPlaneWhenAsked() async throws {
        try await APIHarness.run(statusFollowsDataPlane: true) { api in
            let network = try await api.network()
            let id = try await api.port(network: network, extra: #", "binding:host_id": "compute-1""#)
            var reply = try await api.call(.get, "/v2.0/ports/\(id)")
            #expect(reply.port["status"] as? String == "ACTIVE")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": "DOWN"}}"#)
            #expect(reply.port["status"] as? String == "DOWN")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": "ACTIVE"}}"#)
            #expect(reply.port["status"] as? String == "ACTIVE")
        }
    }

    @Test func malformedBodiesAreNeutronErrors() async throws {
        try await APIHarness.run { api in
            let id = try await api.port(network: try await api.network())
            var reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"data_plane_status": "DOWN""#)
            #expect(reply.status == 400)
            #expect(reply.errorMessage == "Body contains invalid data")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"network": {}}"#)
            #expect(reply.errorMessage == "Unable to find 'port' in request body")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"colour": "red"}}"#)
            #expect(reply.errorMessage == "Unrecognized attribute(s) 'colour'")
            reply = try await api.call(.put, "/v2.0/ports/\(id)", #"{"port": {"admin_state_up": "maybe"}}"#)
            #expect(reply.status == 400)
            #expect(reply.errorType == "InvalidInput")
            reply = try await api.call(
                .put, "/v2.0/ports/\(id)", #"{"port": {"name": "\#(String(repeating: "x", count: 256))"}}"#)
            #expect(reply.status == 400)
            reply = try await api.call(
                .put, "/v2.0/ports/00000000-0000-0000-0000-000000000000", #"{"port": {"data_plane_status": "DOWN"}}"#)
            #expect(reply.status == 404)
            #expect(reply.errorType == "PortNotFound")
            #expect(reply.errorMessage == "Port 00000000-0000-0000-0000-000000000000 could not be found.")
            let after = try await api.call(.get, "/v2.0/ports/\(id)")
            #expect(after.port["revision_number"] as? Int == 1)
        }
    }

    @Test func ifMatchConstrainsUpdatesAndDeletes() async throws {
        try await APIHarness.run { api in
            let id = try await api.port(network: try await api.network())
            var reply = try await api.call(
                .put, "/v2.0/ports/\(id)", #"{"port": {"name": "a"}}"#, headers: [.ifMatch: "revision_number=2"])
            #expect(reply.status == 412)
            #expect(reply.errorType == "RevisionNumberConstraintFailed")
            #expect(reply.errorMessage == "Constrained to 2, but current revision is 1")
            reply = try await api.call(
                .put, "/v2.0/ports/\(id)", #"{"port": {"name": "a"}}"#, headers: [.ifMatch: "revision_number=1"])
            #expect(reply.status == 200)
            reply = try await api.call(.delete, "/v2.0/ports/\(id)", headers: [.ifMatch: "revision_number=1"])
            #expect(reply.status == 412)
            reply = try await api.call(
                .put, "/v2.0/ports/\(id)", #"{"port": {}}"#, headers: [.ifMatch: "revision_number=x"])
            #expect(reply.status == 400)
            reply = try await api.call(.delete, "/v2.0/ports/\(id)", headers: [.ifMatch: "revision_number=2"])
            #expect(reply.status == 204)
            reply = try await api.call(.get, "/v2.0/ports/\(id)")
            #expect(reply.status == 404)
        }
    }

    @Test func bulkCreateIsAtomic() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var reply = try await api.call(
                .post, "/v2.0/ports",
                #"{"ports": [{"network_id": "\#(network)", "name": "a"}, {"network_id": "\#(network)", "name": "b", "tags": ["x"]}]}"#
            )
            #expect(reply.status == 201)
            #expect(reply.ports.map { $0["name"] as? String } == ["a", "b"])
            #expect(reply.ports[1]["tags"] as? [String] == ["x"])
            reply = try await api.call(
                .post, "/v2.0/ports",
                #"{"ports": [{"network_id": "\#(network)", "name": "c", "mac_address": "fa:16:3e:00:00:01"}, {"network_id": "\#(network)", "name": "d", "mac_address": "fa:16:3e:00:00:01"}]}"#
            )
            #expect(reply.status == 409)
            #expect(reply.errorType == "MacAddressInUse")
            let list = try await api.call(.get, "/v2.0/ports?fields=name")
            #expect(
                Set(list.ports.compactMap { $0["name"] as? String }) == ["a", "b"], "nothing of the failed bulk remains"
            )
        }
    }

    @Test func portOnMissingNetworkIs404() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "11111111-2222-3333-4444-555555555555"}}"#)
            #expect(reply.status == 404)
            #expect(reply.errorType == "NetworkNotFound")
        }
    }

    @Test func bindingProfileKeepsArbitraryJSON() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let profile =
                #"{"local_link_information": [{"switch_id": "aa:bb:cc:dd:ee:ff", "port_id": "Ethernet1/7", "switch_info": "leaf-1"}], "vlan": 100, "ratio": 0.5}"#
            let id = try await api.port(
                network: network, headers: APIHarness.serviceHeaders, extra: #", "binding:profile": \#(profile)"#)
            let reply = try await api.call(.get, "/v2.0/ports/\(id)")
            let stored = reply.port["binding:profile"] as? [String: Any]
            let links = stored?["local_link_information"] as? [[String: Any]]
            #expect(links?.first?["port_id"] as? String == "Ethernet1/7")
            #expect(stored?["vlan"] as? Int == 100)
            #expect(reply.raw.contains(#""vlan":100"#))
        }
    }

    @Test func jsonSuffixIsAccepted() async throws {
        try await APIHarness.run { api in
            let id = try await api.port(network: try await api.network())
            let reply = try await api.call(.get, "/v2.0/ports/\(id).json")
            #expect(reply.status == 200)
            #expect(reply.port["id"] as? String == id)
        }
    }
}
