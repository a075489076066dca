import Foundation
import OsloPolicy
@testable import PortwatchCore
import Testing

struct AccessPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let network = Network(id: "n1", projectID: "p1", createdAt: now)
    static let port = Port(
        id: "port1", networkID: "n1", projectID: "p1", macAddress: "fa:16:3e:00:00:01", createdAt: now)

    static func identity(_ project: String?, _ roles: [String]) -> Identity {
        Identity(userID: "u", projectID: project, roles: roles, requestID: "req-test")
    }

    @Test func portVisibilityIsNeutrons() {
        func visibility(_ project: String?, _ roles: [String]) -> AccessPolicy.Visibility {
            AccessPolicy(Self.identity(project, roles)).portReading().visibility(of: Self.port, network: Self.network)
        }
        #expect(visibility("p1", ["reader"]) == .visible)
        #expect(visibility("p1", ["member"]) == .visible, "member implies reader")
        #expect(visibility("p1", ["data_plane_integrator"]) == .forbiddenToRead)
        #expect(visibility("p2", ["member"]) == .otherProject)
        #expect(visibility("p2", ["admin"]) == .visible)
        #expect(visibility("service", ["service"]) == .visible)
        #expect(visibility(nil, []) == .otherProject)
    }

    @Test func notificationsReportIsAdminAsTheRulesDecideIt() throws {
        let superuser = Self.identity("p1", ["superuser", "member"])
        let defaults = AccessPolicy(superuser)
        #expect(!defaults.isAdmin)
        #expect(NotificationContext(defaults.identity).isAdmin == false)
        let rules = try PolicyRules(overrides: [("context_is_admin", "role:superuser", 1)])
        let overridden = AccessPolicy(superuser, rules: rules)
        #expect(overridden.isAdmin)
        #expect(overridden.identity.contextIsAdmin == true)
        #expect(NotificationContext(overridden.identity).isAdmin, "_context_is_admin follows context_is_admin")
        // An admin role the rules do not honour is not admin in notifications either.
        let admin = AccessPolicy(Self.identity("p1", ["admin"]), rules: rules)
        #expect(NotificationContext(admin.identity).isAdmin == false)
    }

    @Test func theNetworkOwnerReachesPortsOnItsNetwork() {
        var other = Self.port
        other.projectID = "p2"
        let owner = AccessPolicy(Self.identity("p1", ["reader"])).portReading()
        #expect(owner.visibility(of: other, network: Self.network) == .visible)
        #expect(owner.visibility(of: other, network: nil) == .otherProject)
    }

    @Test func viewsHideWhatTheGetRulesDeny() {
        let member = AccessPolicy(Self.identity("p1", ["member"])).portReading()
        #expect(member.uniformView()?.hidden == Set(AccessPolicy.policedPortAttributes))
        let admin = AccessPolicy(Self.identity("p9", ["admin"])).portReading()
        #expect(admin.uniformView()?.hidden == [])
        #expect(
            AccessPolicy(Self.identity("p1", ["member"])).networkReading().uniformView()?.hidden
                == Set(AccessPolicy.policedNetworkAttributes))
    }

    @Test func matchRulesPrintAsNeutronsChecks() {
        #expect(PolicyMatch("delete_port").description == "rule:delete_port")
        #expect(
            PolicyMatch("update_port", attributes: [.init("data_plane_status")]).description
                == "(rule:update_port and rule:update_port:data_plane_status)")
        #expect(
            PolicyMatch("update_port", attributes: [.init("binding:host_id"), .init("data_plane_status")]).description
                == "((rule:update_port and rule:update_port:binding:host_id) and rule:update_port:data_plane_status)")
        let fixedIPs = PolicyMatch(
            "create_port", attributes: [.init("fixed_ips", itemKeys: ["subnet_id", "ip_address"])])
        #expect(
            fixedIPs.description
                == "(rule:create_port and (rule:create_port:fixed_ips and (rule:create_port:fixed_ips:subnet_id and rule:create_port:fixed_ips:ip_address)))"
        )
        #expect(fixedIPs.attributeRules == ["fixed_ips", "fixed_ips:subnet_id", "fixed_ips:ip_address"])
    }

    @Test func aCreateChecksOnlyAttributesSetAwayFromTheirDefault() {
        var input = PortInput()
        input.deviceOwner = ""
        input.bindingVnicType = "normal"
        input.bindingHostID = ""
        #expect(AccessPolicy.enforcedAttributes(input, creating: true).map(\.name) == ["binding:host_id"])
        #expect(
            AccessPolicy.enforcedAttributes(input, creating: false).map(\.name)
                == ["device_owner", "binding:host_id", "binding:vnic_type"])
        var network = NetworkInput()
        network.shared = false
        network.portSecurityEnabled = true
        #expect(AccessPolicy.enforcedAttributes(network, creating: true).isEmpty)
        #expect(
            AccessPolicy.enforcedAttributes(network, creating: false).map(\.name) == [
                "shared", "port_security_enabled",
            ])
    }

    @Test func anotherProjectNeedsAdminOrTheRule() throws {
        #expect(throws: NeutronError.self) { try AccessPolicy(Self.identity("p1", ["member"])).owningProject("p2") }
        #expect(try AccessPolicy(Self.identity("p1", ["admin"])).owningProject("p2") == "p2")
        let rules = try PolicyRules(overrides: [("context_can_set_project_id", "role:provisioner", 1)])
        #expect(try AccessPolicy(Self.identity("p1", ["provisioner"]), rules: rules).owningProject("p2") == "p2")
    }

    @Test func activePolicyKeepsACallersDecisionsUntilTheRulesChange() throws {
        let policy = ActivePolicy()
        let member = Self.identity("p1", ["member"])
        #expect(!policy.access(for: member).allows("update_port:data_plane_status"))
        #expect(policy.access(for: member).identity.requestID == "req-test")
        policy.replace(with: try PolicyRules(overrides: [("update_port:data_plane_status", "role:member", 1)]))
        #expect(policy.access(for: member).allows("update_port:data_plane_status"))
        var another = member
        another.requestID = "req-other"
        #expect(policy.access(for: another).identity.requestID == "req-other", "the identity is the request's")
    }
}
