import Foundation
import HTTPTypes
import OsloPolicy
import PortwatchCore
import Testing

/// Every decision comes from the rules in force: overrides change what the API allows, and a
/// replaced rule set applies to the next request.
struct PolicyOverrideAPITests {
    static let member = PolicyAPITests.member
    static let customMember = APIHarness.caller(user: "u-custom", project: "proj-a", roles: "member,reader,custom")
    static let integrator = PolicyAPITests.integrator

    static func policy(_ overrides: [PolicyRules.Override]) throws -> ActivePolicy {
        ActivePolicy(try PolicyRules(overrides: overrides))
    }

    @Test func aCustomRoleMaySetDataPlaneStatusWhenTheRuleSaysSo() async throws {
        let policy = try Self.policy([("update_port:data_plane_status", "role:custom", 1)])
        try await APIHarness.run(policy: policy) { api in
            let network = try await api.network("net", headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            let body = #"{"port": {"data_plane_status": "DOWN"}}"#
            var reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.customMember)
            #expect(reply.status == 200, "\(reply.raw)")
            #expect(reply.port["data_plane_status"] as? String == "DOWN")
            reply = try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.integrator)
            #expect(reply.status == 403)
            #expect(
                reply.errorMessage
                    == "(rule:update_port and rule:update_port:data_plane_status) is disallowed by policy")
            reply = try await api.call(.put, "/v2.0/ports/\(port)", body)
            #expect(reply.status == 403, "the override replaced the admin's right too")
        }
    }

    @Test func replacedRulesApplyToTheNextRequest() async throws {
        let policy = ActivePolicy()
        try await APIHarness.run(policy: policy) { api in
            let network = try await api.network("net", headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            let body = #"{"port": {"data_plane_status": "DOWN"}}"#
            #expect(try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.customMember).status == 403)
            policy.replace(with: try PolicyRules(overrides: [("update_port:data_plane_status", "role:custom", 1)]))
            #expect(try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.customMember).status == 200)
            policy.replace(with: AccessPolicy.defaultRules)
            #expect(try await api.call(.put, "/v2.0/ports/\(port)", body, headers: Self.customMember).status == 403)
        }
    }

    @Test func attributeVisibilityFollowsTheGetRules() async throws {
        let policy = try Self.policy([
            ("get_port:binding:host_id", "rule:admin_only or role:member and project_id:%(project_id)s", 1),
            ("get_network:provider:network_type", "@", 2),
        ])
        try await APIHarness.run(policy: policy) { api in
            let network = try await api.network("net", headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            var reply = try await api.call(.get, "/v2.0/ports/\(port)", headers: Self.member)
            #expect(reply.port["binding:host_id"] as? String == "", "the override shows it to the project's members")
            #expect(reply.port["binding:vif_type"] == nil, "the other binding attributes keep their rules")
            reply = try await api.call(.get, "/v2.0/ports", headers: Self.member)
            #expect(reply.ports.first?["binding:host_id"] as? String == "")
            reply = try await api.call(.get, "/v2.0/networks/\(network)", headers: Self.member)
            #expect(reply.network["provider:network_type"] as? String == "local")
            #expect(reply.network["provider:physical_network"] == nil)
        }
    }

    @Test func readRulesDecideVisibility() async throws {
        // Readers of a project no longer see its ports; members still do.
        let policy = try Self.policy([("get_port", "rule:admin_only or role:member and project_id:%(project_id)s", 1)])
        try await APIHarness.run(policy: policy) { api in
            let network = try await api.network("net", headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            var reply = try await api.call(.get, "/v2.0/ports/\(port)", headers: PolicyAPITests.reader)
            #expect(reply.status == 404)
            // The reader's project: not found, without saying it exists, in Neutron's bare body.
            #expect(
                reply.json as? [String: String]
                    == ["type": "HTTPNotFound", "message": "The resource could not be found.", "detail": ""])
            reply = try await api.call(.get, "/v2.0/ports", headers: PolicyAPITests.reader)
            #expect(reply.ports.isEmpty)
            reply = try await api.call(.get, "/v2.0/ports/\(port)", headers: PolicyAPITests.other)
            #expect(reply.errorType == "PortNotFound")
            #expect(try await api.call(.get, "/v2.0/ports/\(port)", headers: Self.member).status == 200)
        }
    }

    @Test func fabricRulesCanBeGivenToAnotherRole() async throws {
        let policy = try Self.policy([
            ("sdn_controllers", "role:sdn", 1),
            ("create_data_plane_event", "rule:admin_only or rule:sdn_controllers", 2),
            ("get_topology", "rule:sdn_controllers", 3),
            ("update_topology", "!", 4),
        ])
        try await APIHarness.run(policy: policy) { api in
            let sdn = APIHarness.caller(user: "onos", project: "p", roles: "sdn")
            #expect(try await api.call(.get, "/v2.0/topology", headers: sdn).status == 200)
            #expect(try await api.call(.get, "/v2.0/topology").status == 403, "get_topology no longer names admins")
            let reply = try await api.call(.put, "/v2.0/topology", #"{"topology": {}}"#)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == "rule:update_topology is disallowed by policy")
            #expect(try await api.events([], headers: sdn).status != 403)
        }
    }

    @Test func networkAttributeRulesAreNamedAsNeutronNamesThem() async throws {
        try await APIHarness.run { api in
            var reply = try await api.call(
                .post, "/v2.0/networks", #"{"network": {"name": "n", "shared": true}}"#, headers: Self.member)
            #expect(reply.status == 403)
            #expect(
                reply.errorMessage == "(rule:create_network and rule:create_network:shared) is disallowed by policy")
            reply = try await api.call(
                .post, "/v2.0/networks", #"{"network": {"name": "n", "shared": false}}"#, headers: Self.member)
            #expect(reply.status == 201, "a default value is no claim")
            let network = reply.network["id"] as! String
            reply = try await api.call(
                .put, "/v2.0/networks/\(network)", #"{"network": {"shared": true, "router:external": true}}"#,
                headers: Self.member)
            #expect(
                reply.errorMessage
                    == "((rule:update_network and rule:update_network:shared) and rule:update_network:router:external) is disallowed by policy"
            )
        }
    }

    @Test func tagRulesAreTheTagRules() async throws {
        let policy = try Self.policy([("update_port:tags", "!", 1)])
        try await APIHarness.run(policy: policy) { api in
            let network = try await api.network("net", headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            var reply = try await api.call(.put, "/v2.0/ports/\(port)/tags", #"{"tags": ["a"]}"#, headers: Self.member)
            #expect(reply.status == 403)
            #expect(reply.errorMessage == "rule:update_port:tags is disallowed by policy")
            reply = try await api.call(.post, "/v2.0/ports/\(port)/tags", #"{"tags": ["a"]}"#, headers: Self.member)
            #expect(reply.status == 200, "POST adds with create_port:tags")
            reply = try await api.call(.get, "/v2.0/ports/\(port)/tags", headers: PolicyAPITests.reader)
            #expect(reply.json["tags"] as? [String] == ["a"])
            reply = try await api.call(.delete, "/v2.0/ports/\(port)/tags/a", headers: PolicyAPITests.reader)
            #expect(reply.errorMessage == "rule:delete_port:tags is disallowed by policy")
        }
    }

    @Test func anAdminByAnotherRoleIsAnAdminEverywhere() async throws {
        // context_is_admin decides is_admin, which every admin_only rule and the project scope follow.
        let policy = try Self.policy([("context_is_admin", "role:cloud_admin", 1)])
        try await APIHarness.run(policy: policy) { api in
            let network = try await api.network("net", headers: Self.member)
            _ = try await api.port(network: network, headers: Self.member)
            let cloudAdmin = APIHarness.caller(user: "root", project: "ops", roles: "cloud_admin")
            var reply = try await api.call(.get, "/v2.0/ports", headers: cloudAdmin)
            #expect(reply.ports.count == 1)
            #expect(reply.ports.first?["binding:host_id"] as? String == "")
            reply = try await api.call(.get, "/v2.0/ports")
            #expect(reply.ports.isEmpty, "the admin role alone no longer is")
        }
    }
}
