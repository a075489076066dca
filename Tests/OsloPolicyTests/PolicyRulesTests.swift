import OsloPolicy
import Testing

struct PolicyRulesTests {
    private let integrator = Credentials(userID: "u9", projectID: "p1", roles: ["data_plane_integrator"])
    private let custom = Credentials(userID: "u8", projectID: "p1", roles: ["custom"])
    private let admin = Credentials(userID: "a", projectID: "admin-project", roles: ["admin", "member", "reader"])
    private let port: [String: PolicyValue] = ["project_id": "p1", "network:project_id": "p1", "network_id": "n1"]

    /// The error `overrides` raise, or a recorded issue when they load.
    private func loadError(_ overrides: [PolicyRules.Override]) -> PolicyError? {
        do {
            _ = try PolicyRules(overrides: overrides)
            Issue.record("the overrides loaded")
            return nil
        } catch {
            return error
        }
    }

    @Test func theShippedDefaultsLoad() throws {
        let rules = try PolicyRules()
        #expect(rules.defaults.count == PolicyDefaults.all.count)
        #expect(rules.ruleNames.count == PolicyDefaults.all.count)
        #expect(rules.overriddenNames.isEmpty)
        #expect(rules.ruleText("update_port:data_plane_status") == "rule:admin_only or role:data_plane_integrator")
    }

    @Test func anOverrideReplacesTheDefault() throws {
        let rules = try PolicyRules(overrides: [("update_port:data_plane_status", "role:custom", 4)])
        #expect(rules.enforce("update_port:data_plane_status", target: port, credentials: custom))
        #expect(!rules.enforce("update_port:data_plane_status", target: port, credentials: admin))
        #expect(!rules.enforce("update_port:data_plane_status", target: port, credentials: integrator))
        #expect(rules.overriddenNames == ["update_port:data_plane_status"])
        #expect(rules.ruleText("update_port:data_plane_status") == "role:custom")
        #expect(rules["update_port:data_plane_status"] == .role(PolicyTemplate(literal: "custom")))
    }

    @Test func anUnknownOverrideNameIsAnErrorNamingTheLine() throws {
        let error = try #require(loadError([("updte_port:data_plane_status", "role:custom", 7)]))
        #expect(error.code == .unknownRule)
        #expect(error.ruleName == "updte_port:data_plane_status")
        #expect(error.line == 7)
        #expect(
            error.description
                == "policy rule \"updte_port:data_plane_status\" (line 7): is not a known rule, and no rule references it (is the name misspelt?)"
        )
    }

    @Test func anAliasIsAllowedWhenARuleReferencesIt() throws {
        let rules = try PolicyRules(overrides: [
            ("net_integrators", "role:custom or role:data_plane_integrator", 1),
            ("update_port:data_plane_status", "rule:net_integrators", 2),
        ])
        #expect(rules.enforce("update_port:data_plane_status", target: port, credentials: custom))
        #expect(rules.enforce("update_port:data_plane_status", target: port, credentials: integrator))
        #expect(!rules.enforce("update_port:data_plane_status", target: port, credentials: admin))
    }

    @Test func aSyntaxErrorInAnOverrideNamesTheRuleAndLine() throws {
        let error = try #require(loadError([("get_port", "rule:admin_only or", 12)]))
        #expect(error.code == .syntax)
        #expect(error.description == "policy rule \"get_port\" (line 12): expected a check after 'or'")
    }

    @Test func anUndefinedReferenceIsAnErrorNamingTheReferencingRule() throws {
        let error = try #require(loadError([("get_port", "rule:admin_only or rule:no_such_rule", 3)]))
        #expect(error.code == .undefinedReference)
        #expect(error.ruleName == "get_port")
        #expect(error.line == 3)
        #expect(error.message == "references rule:no_such_rule, which is not defined")
    }

    @Test func aDefaultWithAnUndefinedReferenceIsAnError() {
        #expect {
            try PolicyRules(defaults: [RuleDefault("a", "rule:b", description: "")])
        } throws: { error in
            (error as? PolicyError).map { $0.code == .undefinedReference && $0.ruleName == "a" && $0.line == nil }
                ?? false
        }
    }

    @Test func rulesReachingOneRuleTwiceAreNoCycle() throws {
        // admin_or_owner and admin_only both reach context_is_admin: a diamond, not a loop.
        let rules = try PolicyRules(overrides: [("admin_only", "rule:admin_or_owner and rule:context_is_admin", 9)])
        #expect(rules.enforce("admin_only", target: port, credentials: admin))
    }

    @Test func aCycleThroughAnOverrideIsAnError() throws {
        let error = try #require(loadError([("context_is_admin", "rule:admin_only", 5)]))
        #expect(error.code == .cyclicReference)
        #expect(error.ruleName == "context_is_admin")
        #expect(error.line == 5)
        #expect(
            error.message == "is part of a cycle of rule references: context_is_admin -> admin_only -> context_is_admin"
        )
    }

    @Test func aSelfReferencingAliasIsACycle() throws {
        let error = try #require(loadError([("loop", "not rule:loop", 2)]))
        #expect(error.code == .cyclicReference)
        #expect(error.line == 2)
    }

    @Test func aNameOverriddenTwiceIsAnError() throws {
        let error = try #require(loadError([("get_port", "@", 3), ("get_port", "!", 8)]))
        #expect(error.code == .duplicateRule)
        #expect(error.line == 8)
        #expect(error.message == "is overridden twice (first at line 3)")
    }

    @Test func anOldNameStillOverridesARenamedRule() throws {
        let tagger = Credentials(projectID: "p9", roles: ["tagger"])
        let renamed = try PolicyRules(overrides: [("create_ports_tags", "role:tagger", 1)])
        #expect(renamed.enforce("create_port:tags", target: port, credentials: tagger))
        #expect(renamed.overriddenNames.contains("create_port:tags"))

        let both = try PolicyRules(overrides: [("create_ports_tags", "role:tagger", 1), ("create_port:tags", "!", 2)])
        #expect(!both.enforce("create_port:tags", target: port, credentials: tagger))

        // The alias line the sample file suggests changes nothing.
        let alias = try PolicyRules(overrides: [("create_ports_tags", "rule:create_port:tags", 1)])
        #expect(alias.ruleText("create_port:tags") == PolicyRules.defaultsRuleText("create_port:tags"))
    }

    @Test func isAdminFollowsAnOverriddenContextIsAdmin() throws {
        let rules = try PolicyRules(overrides: [("context_is_admin", "role:cloud_admin", 1)])
        let cloudAdmin = Credentials(projectID: "x", roles: ["cloud_admin"])
        #expect(rules.enforce("get_port:binding:host_id", target: port, credentials: cloudAdmin))
        #expect(!rules.enforce("get_port:binding:host_id", target: port, credentials: admin))
    }

    @Test func attributeRulesAreCheckedWithTheAction() throws {
        let rules = try PolicyRules()
        let member = Credentials(userID: "u1", projectID: "p1", roles: ["member", "reader"])
        let integratorMember = Credentials(
            userID: "u2", projectID: "p1", roles: ["member", "reader", "data_plane_integrator"])
        #expect(rules.enforce("update_port", attributes: ["name"], target: port, credentials: member))
        #expect(
            rules.firstDeniedRule(
                "update_port", attributes: ["name", "data_plane_status"], target: port, credentials: member)
                == "update_port:data_plane_status")
        #expect(
            rules.enforce("update_port", attributes: ["data_plane_status"], target: port, credentials: integratorMember)
        )
        // The integrator role alone passes the attribute's rule but not update_port itself.
        #expect(
            rules.firstDeniedRule(
                "update_port", attributes: ["data_plane_status"], target: port, credentials: integrator)
                == "update_port")
        let otherProject = Credentials(
            userID: "u3", projectID: "p2", roles: ["member", "reader", "data_plane_integrator"])
        #expect(
            !rules.enforce("update_port", attributes: ["data_plane_status"], target: port, credentials: otherProject))
        #expect(rules.firstDeniedRule("update_port", target: port, credentials: member) == nil)
    }

    @Test func duplicateDefaultsAreAnError() {
        #expect(throws: PolicyError.self) {
            try PolicyRules(defaults: [RuleDefault("a", "@", description: ""), RuleDefault("a", "!", description: "")])
        }
    }
}

extension PolicyRules {
    /// The shipped default text of `name`.
    fileprivate static func defaultsRuleText(_ name: String) -> String? {
        PolicyDefaults.all.first { $0.name == name }?.rule
    }
}
