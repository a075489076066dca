import Foundation
import HTTPTypes
import PortwatchStore
import Testing

/// Header identity and Neutron's default policy, after the recorded `-h-` exchanges.
struct PolicyAPITests {
    static let member = APIHarness.caller(user: "u-member", project: "proj-a", roles: "member,reader")
    static let reader = APIHarness.caller(user: "u-reader", project: "proj-a", roles: "reader")
    static let other = APIHarness.caller(user: "u-other", project: "proj-b", roles: "member,reader")
    static let integratorOnly = APIHarness.caller(user: "u-dpi", project: "proj-a", roles: "data_plane_integrator")
    static let integrator = APIHarness.caller(
        user: "u-dpi2", project: "proj-a", roles: "data_plane_integrator,member,reader")
    static let admin = APIHarness.caller(user: "u-admin", project: "proj-a", roles: "admin,member,reader")

    @Test func headersModeAnswersARequestWithoutAUserWith401() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(.get, "/v2.0/ports", anonymous: true)
            #expect(reply.status == 401)
            #expect(reply.raw.contains("401 Unauthorized"))
            let roleOnly = try await api.call(
                .get, "/v2.0/ports", headers: [HTTPField.Name("X-Roles")!: "admin"], anonymous: true)
            #expect(roleOnly.status == 401, "X-Roles without X-User-Id is not an identity")
        }
    }

    @Test func dataPlaneStatusPolicyMatrix() async throws {
        try await APIHarness.run { api in
            let network = try await api.network("proj-a-net", headers: Self.member)
            let port = try await api.port(network: network, name: "proj-a-port", headers: Self.member)
            let body = #"{"port": {"data_plane_status": "DOWN"}}"#
            let rule = "(rule:update_port and rule:update_port:data_plane_status) is disallowed by policy"

            var reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.member)
            #expect(reply.status == 403)
            #expect(reply.errorType == "PolicyNotAuthorized")
            #expect(reply.errorMessage == rule)
            reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"name": "x", "data_plane_status": "DOWN"}}"#,
                headers: Self.member)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == rule)
            reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.reader)
            #expect(reply.status == 403)
            reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.other)
            #expect(reply.status == 404)
            #expect(reply.errorType == "PortNotFound")
            reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.integratorOnly)
            #expect(reply.status == 404)
            #expect(reply.errorType == "HTTPNotFound")
            #expect(reply.errorMessage == "The resource could not be found.")
            reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"name": "renamed"}}"#, headers: Self.member)
            #expect(reply.status == 200)
            #expect(reply.port["binding:host_id"] == nil, "binding details are hidden from members")
            #expect(reply.port["binding:vnic_type"] as? String == "normal")
            reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.integrator)
            #expect(reply.status == 200)
            #expect(reply.port["data_plane_status"] as? String == "DOWN")
            reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"data_plane_status": "ACTIVE"}}"#, headers: Self.admin)
            #expect(reply.status == 200)
            #expect(reply.port["binding:host_id"] as? String == "")
            reply = try await api.call(.get, "/v2.0/ports/\(port)", headers: Self.reader)
            #expect(reply.port["data_plane_status"] as? String == "ACTIVE")
            #expect(reply.port["revision_number"] as? Int == 4)
            reply = try await api.call(.get, "/v2.0/ports/\(port)", headers: Self.other)
            #expect(reply.status == 404)
        }
    }

    @Test func membersSeeOnlyTheirProject() async throws {
        try await APIHarness.run { api in
            let mine = try await api.network("mine", headers: Self.member)
            _ = try await api.port(network: mine, headers: Self.member)
            let theirs = try await api.network("theirs", headers: Self.other)
            _ = try await api.port(network: theirs, headers: Self.other)
            let shared = try await api.network("shared", extra: #", "shared": true"#)
            var reply = try await api.call(.get, "/v2.0/ports", headers: Self.member)
            #expect(reply.ports.count == 1)
            #expect(reply.ports.first?["project_id"] as? String == "proj-a")
            reply = try await api.call(.get, "/v2.0/networks", headers: Self.member)
            #expect(Set(reply.networks.compactMap { $0["id"] as? String }) == [mine, shared])
            #expect(reply.networks.first?["provider:network_type"] == nil)
            reply = try await api.call(.get, "/v2.0/ports")
            #expect(reply.ports.count == 2, "the noauth admin sees everything")
            reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(mine)", "project_id": "proj-b"}}"#,
                headers: Self.member)
            #expect(reply.status == 400)
            #expect(
                reply.errorMessage
                    == "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user."
            )
            reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(mine)", "binding:host_id": "h1"}}"#,
                headers: Self.member)
            #expect(reply.status == 403)
        }
    }

    @Test func identityHeadersWithoutUserAre401() async throws {
        try await APIHarness.run { api in
            let reply = try await api.call(
                .get, "/v2.0/ports", headers: [.init("X-Project-Id")!: "proj-a"], anonymous: true)
            #expect(reply.status == 401)
            #expect(reply.json["title"] as? String == "Unauthorized")
        }
    }
}

extension PolicyAPITests {
    /// Neutron 29: only the service role sets `binding:profile`; an admin gets the composite 403.
    @Test func onlyTheServiceRoleSetsTheBindingProfile() async throws {
        try await APIHarness.run { api in
            let network = try await api.network()
            var reply = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "binding:profile": {}}}"#)
            #expect(reply.status == 403)
            #expect(
                reply.errorMessage == "(rule:create_port and rule:create_port:binding:profile) is disallowed by policy")
            let port = try await api.port(network: network)
            reply = try await api.call(.put, "/v2.0/ports/\(port)", #"{"port": {"binding:profile": {"a": 2}}}"#)
            #expect(
                reply.errorMessage == "(rule:update_port and rule:update_port:binding:profile) is disallowed by policy")
            reply = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"binding:profile": {"a": 2}}}"#,
                headers: APIHarness.serviceHeaders)
            #expect(reply.status == 200)
            #expect(
                (try await api.call(.get, "/v2.0/ports/\(port)").port["binding:profile"] as? [String: Int]) == ["a": 2])
        }
    }
}
