import Foundation
import HTTPTypes
import Testing

/// Neutron 29's conversions and validation messages, as recorded from the real server
/// (tests/compat/neutron-examples/193-260, replayed there too).
struct ConversionAPITests {
    static let member = APIHarness.caller(user: "u-member", project: "proj-a", roles: "member,reader")

    @Test(arguments: [
        (#""yes""#, true), (#""OFF""#, false), (#"" t ""#, true), (#""n""#, false), ("1", true), ("0", false),
        (#""On""#, true), ("true", true),
    ])
    func booleansConvertAsOsloBoolFromString(_ literal: String, _ expected: Bool) async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "admin_state_up": \#(literal)}}"#)
            #expect(reply.status == 201, "\(literal): \(reply.raw)")
            #expect(reply.port["admin_state_up"] as? Bool == expected)
        }
    }

    @Test(arguments: [("2", "2"), ("1.5", "1.5"), ("null", "None"), (#""""#, ""), (#""maybe""#, "maybe"), ("[]", "[]")])
    func otherValuesAreNotBooleans(_ literal: String, _ shown: String) async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            let reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"admin_state_up": \#(literal)}}"#)
            #expect((reply.status, reply.errorType) == (400, "InvalidInput"))
            #expect(reply.errorMessage == "Invalid input for operation: '\(shown)' cannot be converted to boolean.")
        }
    }

    @Test func booleanFiltersConvertTheSameWay() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            _ = try await api.port(network: network, name: "up")
            _ = try await api.port(network: network, name: "down", extra: #", "admin_state_up": "off""#)
            let names = { (value: String) in
                try await api.call(.get, "/v2.0/ports?admin_state_up=\(value)&fields=name").ports.compactMap {
                    $0["name"] as? String
                }
            }
            #expect(try await names("yes") == ["up"])
            #expect(try await names("No") == ["down"])
        }
    }

    @Test(arguments: [
        (#""AA-BB-CC-00-00-01""#, "aa:bb:cc:00:00:01"), (#""aabb.cc00.0002""#, "aa:bb:cc:00:00:02"),
        (#""aabbcc000003""#, "aa:bb:cc:00:00:03"), (#""a:b:c:0:0:4""#, "0a:0b:0c:00:00:04"),
        (#""aabbcc:000005""#, "aa:bb:cc:00:00:05"), (#""aabb:cc00:0006""#, "aa:bb:cc:00:00:06"),
        (#""abbcc000007""#, "0a:bb:cc:00:00:07"), (#""12""#, "00:00:00:00:00:0c"), ("13", "00:00:00:00:00:0d"),
        (#"" +1_4 ""#, "00:00:00:00:00:0e"), (#""aa:bb:cc:00:00:11\n""#, "aa:bb:cc:00:00:11"),
        (#""01:00:5e:00:00:12""#, "01:00:5e:00:00:12"), ("true", "00:00:00:00:00:01"),
        (#""281474976710654""#, "ff:ff:ff:ff:ff:fe"),
    ])
    func macAddressesInEveryNetaddrFormAreNormalised(_ literal: String, _ expected: String) async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "mac_address": \#(literal)}}"#)
            #expect(reply.status == 201, "\(literal): \(reply.raw)")
            #expect(reply.port["mac_address"] as? String == expected)
        }
    }

    @Test(arguments: [
        (#"" aa:bb:cc:00:00:10""#, " aa:bb:cc:00:00:10"), (#""FF-FF-FF-FF-FF-FF""#, "ff:ff:ff:ff:ff:ff"),
        ("false", "00:00:00:00:00:00"), (#""aa:bb:cc:dd:ee:zz""#, "aa:bb:cc:dd:ee:zz"), (#""""#, ""),
        (#""281474976710655""#, "ff:ff:ff:ff:ff:ff"), (#""99999999999999999999""#, "99999999999999999999"),
        (#""-5""#, "-5"), (#""aa:bb:cc:dd:ee:ff:00:11""#, "aa:bb:cc:dd:ee:ff:00:11"), ("1.5", "1.5"),
        (#""aa.bb.cc.dd.ee.ff""#, "aa.bb.cc.dd.ee.ff"), (#""1__0""#, "1__0"),
    ])
    func invalidMACAddressesAreNamedAsConverted(_ literal: String, _ shown: String) async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "mac_address": \#(literal)}}"#)
            #expect(reply.status == 400, "\(literal): \(reply.raw)")
            #expect(
                reply.errorMessage == "Invalid input for mac_address. Reason: '\(shown)' is not a valid MAC address.")
        }
    }

    @Test func aMACInUseIsNamedAsNormalised() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            _ = try await api.port(network: network, extra: #", "mac_address": "AA-BB-CC-00-00-01""#)
            let reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "mac_address": "aabb.cc00.0001"}}"#)
            #expect((reply.status, reply.errorType) == (409, "MacAddressInUse"))
            #expect(
                reply.errorMessage
                    == "Unable to complete operation for network \(network). The mac address aa:bb:cc:00:00:01 is in use."
            )
        }
    }

    @Test func aNullMACGeneratesOneOnCreateAndRegeneratesOnUpdate() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "mac_address": null}}"#)
            #expect(reply.status == 201)
            let first = try #require(reply.port["mac_address"] as? String)
            #expect(first.hasPrefix("fa:16:3e:"))
            let port = try #require(reply.port["id"] as? String)
            reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"mac_address": null}}"#)
            #expect(reply.status == 200)
            let second = try #require(reply.port["mac_address"] as? String)
            #expect(second.hasPrefix("fa:16:3e:") && second != first)
            #expect(reply.port["revision_number"] as? Int == 2)
            // The member who owns the port may not regenerate it: update_port:mac_address is admin's.
            let memberNetwork = try await api.network(headers: Self.member)
            let memberPort = try await api.port(network: memberNetwork, headers: Self.member)
            reply = try await api.call(
                .put, "/v2.0/ports/\(memberPort)", #"{"port": {"mac_address": null}}"#, headers: Self.member)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == "(rule:update_port and rule:update_port:mac_address) is disallowed by policy")
        }
    }

    @Test func readOnlyAttributesAreNamedInNeutronsOrder() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            for (path, body, message) in [
                ("/v2.0/ports/\(port)", #"{"port": {"project_id": "fake_project_id"}}"#, "tenant_id"),
                ("/v2.0/ports/\(port)", #"{"port": {"tenant_id": "fake_project_id"}}"#, "tenant_id"),
                ("/v2.0/ports/\(port)", #"{"port": {"created_at": "x", "status": "ACTIVE", "name": "y"}}"#, "status"),
                ("/v2.0/ports/\(port)", #"{"port": {"updated_at": "x", "revision_number": 9}}"#, "revision_number"),
                ("/v2.0/ports/\(port)", #"{"port": {"project_id": "x", "network_id": "\#(network)"}}"#, "network_id"),
                ("/v2.0/ports/\(port)", #"{"port": {"tags": ["a"]}}"#, "tags"),
                ("/v2.0/networks/\(network)", #"{"network": {"project_id": "fake_project_id"}}"#, "tenant_id"),
                ("/v2.0/networks/\(network)", #"{"network": {"tags": [], "status": "x"}}"#, "status"),
            ] {
                let reply = try await api.call(.put, path, body)
                #expect(reply.errorMessage == "Cannot update read-only attribute \(message)", "\(body)")
            }
            let reply = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(network)", "created_at": "x", "data_plane_status": "DOWN"}}"#)
            #expect(reply.errorMessage == "Attribute 'data_plane_status' not allowed in POST")
        }
    }

    @Test func projectAndTenantMustAgreeBeforeAnythingElseIsChecked() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            let mismatch = #""tenant_id": "proj-x", "project_id": "proj-y""#
            for (method, path, body) in [
                (
                    HTTPRequest.Method.post, "/v2.0/ports",
                    #"{"port": {"network_id": "\#(network)", \#(mismatch), "bogus": 1}}"#
                ),
                (.put, "/v2.0/ports/\(port)", #"{"port": {\#(mismatch)}}"#),
                (.post, "/v2.0/networks", #"{"network": {\#(mismatch)}}"#),
            ] {
                let reply = try await api.call(method, path, body)
                #expect(
                    (reply.status, reply.errorMessage) == (400, "'project_id' and 'tenant_id' do not match"), "\(body)")
            }
            let reply = try await api.call(
                .post, "/v2.0/networks", #"{"network": {"tenant_id": "proj-x", "project_id": "proj-x"}}"#)
            #expect(reply.network["project_id"] as? String == "proj-x")
        }
    }

    @Test func aMemberNamingAnotherProjectIsRefusedFirst() async throws {
        try await APIHarness.run { api in
            let network = try await api.network(headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            let message =
                "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user."
            for (method, path, body) in [
                (
                    HTTPRequest.Method.post, "/v2.0/ports",
                    #"{"port": {"network_id": "\#(network)", "tenant_id": "proj-b", "bogus": 1}}"#
                ),
                (.post, "/v2.0/networks", #"{"network": {"tenant_id": "proj-b"}}"#),
                (.put, "/v2.0/ports/\(port)", #"{"port": {"project_id": "proj-b"}}"#),
            ] {
                let reply = try await api.call(method, path, body, headers: Self.member)
                #expect((reply.status, reply.errorMessage) == (400, message), "\(body)")
            }
            let reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"project_id": "proj-a"}}"#, headers: Self.member)
            #expect(reply.errorMessage == "Cannot update read-only attribute tenant_id")
        }
    }

    @Test(arguments: [#""bogus""#, "5", #""Normal""#, "null"])
    func vnicTypeNamesNoValidValues(_ literal: String) async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            let port = try await api.port(network: network)
            let reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"binding:vnic_type": \#(literal)}}"#)
            let shown = literal == "null" ? "None" : literal.replacingOccurrences(of: "\"", with: "")
            #expect(
                reply.errorMessage == "Invalid input for binding:vnic_type. Reason: \(shown) is not in valid_values.")
        }
    }

    @Test func anUnknownNetworkTypeIsML2sInvalidInput() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(.post, "/v2.0/networks", #"{"network": {"provider:network_type": "bogus"}}"#)
            #expect((reply.status, reply.errorType) == (400, "InvalidInput"))
            #expect(reply.errorMessage == "Invalid input for operation: network_type value 'bogus' not supported.")
            reply = try await api.call(.post, "/v2.0/networks", #"{"network": {"provider:network_type": 5}}"#)
            #expect(reply.errorMessage == "Invalid input for provider:network_type. Reason: '5' is not a valid string.")
        }
    }
}
