import Foundation
import HTTPTypes
import PortwatchCore
import PortwatchStore
import Testing

/// The `security-group` extension: every project's default group, groups and their rules, and the
/// groups of ports, as Neutron 29 answers them (tests/compat/neutron-examples has the recorded exchanges).
struct SecurityGroupAPITests {
    static let member = APIHarness.caller(user: "u1", project: "proj-1", roles: "member,reader")
    static let otherMember = APIHarness.caller(user: "u2", project: "proj-2", roles: "member,reader")

    @Test func aPortGetsItsProjectsDefaultGroupWithNeutronsRules() async throws {
        try await APIHarness.run { api in
            let network = try await api.network(headers: Self.member)
            let port = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)"}}"#, headers: Self.member)
            let groups = try #require(port.port["security_groups"] as? [String])
            #expect(groups.count == 1)
            let list = try await api.call(.get, "/v2.0/security-groups", headers: Self.member)
            let listed = try #require(list.json["security_groups"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [groups[0]])
            #expect(listed[0]["name"] as? String == "default")
            #expect(listed[0]["description"] as? String == "Default security group")
            let rules = try #require(listed[0]["security_group_rules"] as? [[String: Any]])
            let shapes = Set(
                rules.map { "\($0["direction"]!) \($0["ethertype"]!) \(($0["remote_group_id"] as? String) ?? "-")" })
            #expect(
                shapes == [
                    "egress IPv4 -", "egress IPv6 -", "ingress IPv4 \(groups[0])", "ingress IPv6 \(groups[0])",
                ])
            // The other project sees neither the group nor its rules.
            let other = try await api.call(.get, "/v2.0/security-groups/\(groups[0])", headers: Self.otherMember)
            #expect(other.status == 404)
            #expect(other.errorType == "SecurityGroupNotFound")
            let otherRules = try await api.call(
                .get, "/v2.0/security-group-rules?security_group_id=\(groups[0])", headers: Self.otherMember)
            #expect((otherRules.json["security_group_rules"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func groupsNamedOnPortsAreCheckedAndPortSecurityDecides() async throws {
        try await APIHarness.run { api in
            let network = try await api.network(headers: Self.member)
            let created = try await api.call(
                .post, "/v2.0/security-groups", #"{"security_group": {"name": "web"}}"#, headers: Self.member)
            #expect(created.status == 201)
            let web = try #require((created.json["security_group"] as? [String: Any])?["id"] as? String)
            let rules = (created.json["security_group"] as? [String: Any])?["security_group_rules"] as? [[String: Any]]
            #expect(rules?.map { $0["direction"] as? String } == ["egress", "egress"])
            let withGroup = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(network)", "security_groups": ["\#(web)"]}}"#,
                headers: Self.member)
            #expect(withGroup.port["security_groups"] as? [String] == [web])
            let unknown = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(network)", "security_groups": ["00000000-0000-0000-0000-000000000001"]}}"#,
                headers: Self.member)
            #expect(unknown.status == 404)
            #expect(unknown.errorType == "SecurityGroupNotFound")
            let noSecurity = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(network)", "port_security_enabled": false, "security_groups": ["\#(web)"]}}"#,
                headers: Self.member)
            #expect(noSecurity.status == 400)
            #expect(noSecurity.errorType == "PortSecurityAndIPRequiredForSecurityGroups")
            // Another project's member cannot name the group.
            let otherNetwork = try await api.network(headers: Self.otherMember)
            let foreign = try await api.call(
                .post, "/v2.0/ports",
                #"{"port": {"network_id": "\#(otherNetwork)", "security_groups": ["\#(web)"]}}"#,
                headers: Self.otherMember)
            #expect(foreign.status == 404)
            // A network without port security gives its ports none, and no group.
            let open = try await api.network("open", headers: Self.member, extra: #", "port_security_enabled": false"#)
            let openPort = try await api.call(
                .post, "/v2.0/ports", #"{"port": {"network_id": "\#(open)"}}"#, headers: Self.member)
            #expect(openPort.port["port_security_enabled"] as? Bool == false)
            #expect(openPort.port["security_groups"] as? [String] == [])
            // Filtering ports by group.
            let filtered = try await api.call(.get, "/v2.0/ports?security_groups=\(web)", headers: Self.member)
            #expect(filtered.ports.map { $0["id"] as? String } == [withGroup.port["id"] as? String])
        }
    }

    @Test func deletingAGroupInUseOrTheDefaultGroupIsRefused() async throws {
        try await APIHarness.run { api in
            let network = try await api.network(headers: Self.member)
            let port = try await api.port(network: network, headers: Self.member)
            let shown = try await api.call(.get, "/v2.0/ports/\(port)", headers: Self.member)
            let defaultGroup = try #require((shown.port["security_groups"] as? [String])?.first)
            // In use is Neutron's first answer, for anyone.
            let memberDelete = try await api.call(
                .delete, "/v2.0/security-groups/\(defaultGroup)", headers: Self.member)
            #expect(memberDelete.status == 409)
            #expect(memberDelete.errorType == "SecurityGroupInUse")
            let adminDelete = try await api.call(.delete, "/v2.0/security-groups/\(defaultGroup)")
            #expect(adminDelete.status == 409)
            #expect(adminDelete.errorType == "SecurityGroupInUse")
            let disable = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"port_security_enabled": false}}"#, headers: Self.member)
            #expect(disable.status == 409)
            #expect(disable.errorType == "PortSecurityPortHasSecurityGroup")
            let clear = try await api.call(
                .put, "/v2.0/ports/\(port)", #"{"port": {"port_security_enabled": false, "security_groups": []}}"#,
                headers: Self.member)
            #expect(clear.status == 200)
            #expect(clear.port["security_groups"] as? [String] == [])
            #expect(clear.port["revision_number"] as? Int == 2)
            // Unused now: the member still may not delete it, the admin may, and the project's next
            // list creates a new one.
            let refused = try await api.call(.delete, "/v2.0/security-groups/\(defaultGroup)", headers: Self.member)
            #expect(refused.status == 409)
            #expect(refused.errorType == "SecurityGroupCannotRemoveDefault")
            let deleted = try await api.call(.delete, "/v2.0/security-groups/\(defaultGroup)")
            #expect(deleted.status == 204)
            let list = try await api.call(.get, "/v2.0/security-groups", headers: Self.member)
            let ids = (list.json["security_groups"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids?.count == 1)
            #expect(ids?.first != defaultGroup)
        }
    }

    @Test func groupsSurviveARestart() async throws {
        let path = APIHarness.temporaryDatabase()
        let ids = IDs()
        try await APIHarness.run(databasePath: path) { api in
            let created = try await api.call(
                .post, "/v2.0/security-groups", #"{"security_group": {"name": "kept", "stateful": false}}"#,
                headers: Self.member)
            ids.other = try #require((created.json["security_group"] as? [String: Any])?["id"] as? String)
            let network = try await api.network(headers: Self.member)
            ids.port = try await api.port(network: network, headers: Self.member)
        }
        try await APIHarness.run(databasePath: path) { api in
            let kept = try await api.call(.get, "/v2.0/security-groups/\(ids.other)", headers: Self.member)
            #expect((kept.json["security_group"] as? [String: Any])?["stateful"] as? Bool == false)
            let port = try await api.call(.get, "/v2.0/ports/\(ids.port)", headers: Self.member)
            let group = try #require((port.port["security_groups"] as? [String])?.first)
            let list = try await api.call(
                .get, "/v2.0/security-groups?sort_key=name&sort_dir=asc", headers: Self.member)
            let listed = (list.json["security_groups"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(listed == [group, ids.other])
            let records = try await api.repository.backend.outboxRecords(after: 0, limit: 100)
            #expect(records.first?.event.eventType == "security_group.create.start")
            #expect(records.dropFirst().first?.event.eventType == "security_group.create.end")
        }
    }

    @Test func rulesAreCheckedCanonicalisedAndCountedInTheGroupsRevision() async throws {
        try await APIHarness.run { api in
            let created = try await api.call(
                .post, "/v2.0/security-groups", #"{"security_group": {"name": "r"}}"#, headers: Self.member)
            let group = try #require((created.json["security_group"] as? [String: Any])?["id"] as? String)
            func rule(_ body: String, headers: HTTPFields = Self.member) async throws -> APIHarness.Reply {
                try await api.call(
                    .post, "/v2.0/security-group-rules",
                    #"{"security_group_rule": {"security_group_id": "\#(group)", \#(body)}}"#, headers: headers)
            }
            let web = try await rule(
                #""direction": "ingress", "protocol": "TCP", "port_range_min": 80, "port_range_max": 81, "remote_ip_prefix": "10.0.0.5/24""#
            )
            #expect(web.status == 201)
            let shown = try #require(web.json["security_group_rule"] as? [String: Any])
            #expect(shown["protocol"] as? String == "tcp")
            #expect(shown["remote_ip_prefix"] as? String == "10.0.0.5/24")
            #expect(shown["normalized_cidr"] as? String == "10.0.0.0/24")
            let duplicate = try await rule(
                #""direction": "ingress", "protocol": "6", "port_range_min": 80, "port_range_max": 81, "remote_ip_prefix": "10.0.0.5/24""#
            )
            #expect(duplicate.status == 409)
            #expect(duplicate.errorMessage == "Security group rule already exists. Rule id is \(shown["id"]!).")
            let icmp = try await rule(#""direction": "ingress", "protocol": "icmp", "ethertype": "ipv6""#)
            #expect((icmp.json["security_group_rule"] as? [String: Any])?["protocol"] as? String == "ipv6-icmp")
            let conflict = try await rule(#""direction": "ingress", "remote_ip_prefix": "::/0""#)
            #expect(conflict.errorType == "SecurityGroupRuleParameterConflict")
            let reversed = try await rule(
                #""direction": "ingress", "protocol": "udp", "port_range_min": 9, "port_range_max": 1"#)
            #expect(reversed.errorType == "SecurityGroupInvalidPortRange")
            let foreign = try await rule(#""direction": "ingress""#, headers: Self.otherMember)
            #expect(foreign.status == 403)
            var group1 = try await api.call(.get, "/v2.0/security-groups/\(group)", headers: Self.member)
            #expect((group1.json["security_group"] as? [String: Any])?["revision_number"] as? Int == 3)
            let deleted = try await api.call(
                .delete, "/v2.0/security-group-rules/\(shown["id"]!)", headers: Self.member)
            #expect(deleted.status == 204)
            group1 = try await api.call(.get, "/v2.0/security-groups/\(group)", headers: Self.member)
            let rules = (group1.json["security_group"] as? [String: Any])?["security_group_rules"] as? [[String: Any]]
            #expect(rules?.count == 3)
            #expect((group1.json["security_group"] as? [String: Any])?["revision_number"] as? Int == 4)
        }
    }
}
