import Foundation
import HTTPTypes
import PortwatchStore
import Testing

/// Networks, discovery and extensions.
struct NetworkAPITests {
    @Test func networkLifecycle() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(.post, "/v2.0/networks", #"{"network": {"name": "anchor-net"}}"#)
            #expect(reply.status == 201)
            let network = reply.network
            #expect(network["mtu"] as? Int == 1500)
            #expect(network["status"] as? String == "ACTIVE")
            #expect(network["shared"] as? Bool == false)
            #expect(network["subnets"] as? [String] == [])
            #expect(network["provider:network_type"] as? String == "local")
            #expect(network["revision_number"] as? Int == 1)
            let id = network["id"] as! String
            let port = try await api.port(network: id)
            reply = try await api.call(.delete, "/v2.0/networks/\(id)")
            #expect(reply.status == 409)
            #expect(reply.errorType == "NetworkInUse")
            reply = try await api.call(.put, "/v2.0/networks/\(id)", #"{"network": {"name": "renamed", "mtu": 9000}}"#)
            #expect(reply.network["revision_number"] as? Int == 2)
            #expect(reply.network["mtu"] as? Int == 9000)
            _ = try await api.call(.delete, "/v2.0/ports/\(port)")
            reply = try await api.call(.delete, "/v2.0/networks/\(id)")
            #expect(reply.status == 204)
            reply = try await api.call(.get, "/v2.0/networks/\(id)")
            #expect(reply.status == 404)
            #expect(reply.errorType == "NetworkNotFound")
        }
    }

    @Test func providerAttributesDescribeTheSegment() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(
                .post, "/v2.0/networks",
                #"{"network": {"name": "v", "provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 101}}"#
            )
            #expect(reply.status == 201)
            #expect(reply.network["provider:physical_network"] as? String == "physnet1")
            #expect(reply.network["provider:segmentation_id"] as? Int == 101)
            reply = try await api.call(.post, "/v2.0/networks", #"{"network": {"provider:network_type": "vlan"}}"#)
            #expect(reply.status == 400)
            reply = try await api.call(.get, "/v2.0/networks?provider%3Anetwork_type=vlan&fields=name")
            #expect(reply.networks.compactMap { $0["name"] as? String } == ["v"])
        }
    }

    @Test func discoveryAndExtensions() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(.get, "/")
            let versions = reply.json["versions"] as? [[String: Any]]
            #expect(versions?.first?["id"] as? String == "v2.0")
            reply = try await api.call(.get, "/v2.0/extensions")
            let aliases = Set(
                (reply.json["extensions"] as? [[String: Any]] ?? []).compactMap { $0["alias"] as? String })
            for alias in [
                "data-plane-status", "binding", "port-security", "standard-attr-tag", "standard-attr-revisions",
                "standard-attr-timestamp", "revision-if-match", "pagination", "sorting", "filter-validation",
                "project-id", "port-mac-address-regenerate", "tag-creation", "security-group",
                "stateful-security-group", "port-security-groups-filtering",
            ] {
                #expect(aliases.contains(alias), "missing \(alias)")
            }
            // Neutron 29 has no `fields` alias (field selection is core): none is listed.
            #expect(!aliases.contains("fields"))
            reply = try await api.call(.get, "/v2.0/extensions/data-plane-status")
            #expect(
                reply.raw
                    == #"{"extension":{"name":"Port data plane status extension","alias":"data-plane-status","description":"Expose status of underlying data plane","updated":"2017-01-24T10:00:00-00:00","links":[]}}"#
            )
            reply = try await api.call(.get, "/v2.0/extensions/nope")
            #expect(reply.status == 404)
            reply = try await api.call(.get, "/v2.0/nothing-here")
            #expect(reply.status == 404)
            #expect(reply.errorType == "HTTPNotFound")
        }
    }
}

extension NetworkAPITests {
    /// Neutron 29 without agents (tests/compat/neutron-examples/341-349): no zones, so no hint names one.
    @Test func availabilityZonesAreNoneWithoutAgents() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(.get, "/v2.0/availability_zones")
            #expect(reply.raw == #"{"availability_zones":[]}"#)
            reply = try await api.call(
                .post, "/v2.0/networks", #"{"network": {"availability_zone_hints": ["b", "a"]}}"#)
            #expect((reply.status, reply.errorType) == (404, "AvailabilityZoneNotFound"))
            #expect(reply.errorMessage == "AvailabilityZone a could not be found.")
            reply = try await api.call(.post, "/v2.0/networks", #"{"network": {"availability_zone_hints": []}}"#)
            #expect(reply.status == 201)
            reply = try await api.call(
                .post, "/v2.0/networks",
                #"{"network": {"availability_zone_hints": ["\#(String(repeating: "a", count: 256))"]}}"#)
            #expect(reply.errorMessage == "Invalid input for operation: Too many availability_zone_hints specified.")
        }
    }
}
