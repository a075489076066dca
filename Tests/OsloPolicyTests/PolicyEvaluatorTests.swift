import OsloPolicy
import Testing

struct PolicyEvaluatorTests {
    private let admin = Credentials(userID: "a", projectID: "admin-project", roles: ["admin"]).expandingImpliedRoles()
    private let member = Credentials(userID: "u1", projectID: "p1", roles: ["member"]).expandingImpliedRoles()
    private let port: [String: PolicyValue] = ["project_id": "p1", "network:project_id": "p1"]

    @Test func anEvaluatorDecidesAsTheRulesDo() throws {
        let rules = try PolicyRules()
        for credentials in [admin, member, Credentials(projectID: "p2", roles: ["reader"])] {
            let evaluator = rules.evaluator(for: credentials)
            for rule in ["get_port", "update_port", "get_port:binding:host_id", "update_topology"] {
                #expect(
                    evaluator.enforce(rule, target: port) == rules.enforce(rule, target: port, credentials: credentials)
                )
            }
            #expect(
                evaluator.firstDeniedRule("update_port", attributes: ["data_plane_status"], target: port)
                    == rules.firstDeniedRule(
                        "update_port", attributes: ["data_plane_status"], target: port, credentials: credentials))
        }
    }

    /// The lazy form decides as the eager one for every caller, target, action and attribute, and
    /// builds the target only when the credentials alone do not pass every rule.
    @Test func aLazyTargetDecidesAsTheTargetAndIsBuiltOnlyWhenNeeded() throws {
        let scoped = Credentials(userID: "root", roles: ["admin"], systemScope: "all")
        let callers = [
            admin, member, Credentials(projectID: "p2", roles: ["reader"]).expandingImpliedRoles(), scoped,
            Credentials(roles: ["service"]),
        ]
        let targets: [[String: PolicyValue]] = [
            port, ["project_id": "p2", "network:project_id": "p1"], ["project_id": "admin-project"], [:],
        ]
        let actions = [
            ("update_port", ["data_plane_status"]), ("update_port", ["name", "binding:host_id"]),
            ("update_port", []), ("get_port", ["binding:vif_type"]), ("delete_port", []),
            ("update_topology", []),
        ]
        let rules = try PolicyRules()
        var built = 0
        for credentials in callers {
            let evaluator = rules.evaluator(for: credentials)
            for target in targets {
                for (action, attributes) in actions {
                    var asked = false
                    let lazy = evaluator.firstDeniedRule(action, attributes: attributes) {
                        asked = true
                        return target
                    }
                    #expect(lazy == evaluator.firstDeniedRule(action, attributes: attributes, target: target))
                    if asked { built += 1 }
                    if credentials == admin, action == "update_port" { #expect(!asked, "\(attributes)") }
                }
            }
        }
        #expect(built > 0, "a member's update needs the port's project")
    }

    @Test func isAdminFollowsContextIsAdmin() throws {
        #expect(try PolicyRules().evaluator(for: admin).isAdmin)
        #expect(try !PolicyRules().evaluator(for: member).isAdmin)
        let rules = try PolicyRules(overrides: [("context_is_admin", "role:cloud_admin", 1)])
        #expect(!rules.evaluator(for: admin).isAdmin)
        #expect(rules.evaluator(for: Credentials(roles: ["cloud_admin"])).isAdmin)
        #expect(rules.evaluator(for: Credentials(roles: [], isAdmin: true)).isAdmin, "given is_admin wins")
    }

    @Test func aVerdictForAnyTargetIsKnownWhenTheRolesDecide() throws {
        let rules = try PolicyRules()
        #expect(rules.evaluator(for: admin).verdictForAnyTarget("get_port") == true)
        #expect(rules.evaluator(for: member).verdictForAnyTarget("get_port") == nil, "the member's project decides")
        #expect(rules.evaluator(for: member).verdictForAnyTarget("get_port:binding:host_id") == false)
        #expect(rules.evaluator(for: admin).verdictForAnyTarget("get_port:binding:host_id") == true)
        #expect(rules.evaluator(for: Credentials(roles: ["service"])).verdictForAnyTarget("update_topology") == true)
        #expect(rules.evaluator(for: member).verdictForAnyTarget("no_such_rule") == false)
    }

    @Test func aVerdictForAnyTargetIsThreeValued() throws {
        func verdict(_ rule: String, _ credentials: Credentials) throws -> Bool? {
            try PolicyRules(defaults: [RuleDefault("test", rule, description: "")]).evaluator(for: credentials)
                .verdictForAnyTarget("test")
        }
        #expect(try verdict("role:member or project_id:%(project_id)s", member) == true)
        #expect(try verdict("role:admin and project_id:%(project_id)s", member) == false)
        #expect(try verdict("role:member and project_id:%(project_id)s", member) == nil)
        #expect(try verdict("not project_id:%(project_id)s", member) == nil)
        #expect(try verdict("not (role:admin and field:networks:shared=True)", member) == true)
        #expect(try verdict("role:%(wanted)s", member) == nil, "a substitution reads the target")
        #expect(try verdict("user_id:u1", member) == true)
        #expect(try verdict("user_id:%(user_id)s", member) == nil)
    }

    @Test func aVerdictForAnyTargetRespectsScope() throws {
        let systemAdmin = Credentials(userID: "root", roles: ["admin"], systemScope: "all")
        let evaluator = try PolicyRules().evaluator(for: systemAdmin)
        #expect(evaluator.verdictForAnyTarget("get_port") == false)
        #expect(evaluator.verdictForAnyTarget("update_topology") == true)
    }

    @Test func contextRulesTakeTheCredentialsAsTarget() throws {
        let rules = try PolicyRules()
        #expect(rules.evaluator(for: Credentials(roles: ["advsvc"])).enforceOnCredentials("context_is_advsvc"))
        #expect(rules.evaluator(for: Credentials(roles: ["service"])).enforceOnCredentials("service_api"))
        #expect(!rules.evaluator(for: admin).enforceOnCredentials("context_with_global_access"))
        let owners = try PolicyRules(overrides: [("context_with_global_access", "project_id:%(project_id)s", 1)])
        #expect(owners.evaluator(for: member).enforceOnCredentials("context_with_global_access"))
    }
}
