@testable import OsloPolicy
import Testing

struct PolicyEvaluationTests {
    /// Whether `credentials` pass `rule` (named `test`), with `helpers` as further named rules.
    private func allows(
        _ rule: String, target: [String: PolicyValue] = [:], _ credentials: Credentials,
        helpers: [String: String] = [:]
    ) throws -> Bool {
        let defaults =
            [RuleDefault("test", rule, description: "")]
            + helpers.sorted { $0.key < $1.key }.map { RuleDefault($0.key, $0.value, description: "") }
        return try PolicyRules(defaults: defaults).enforce("test", target: target, credentials: credentials)
    }

    private let nobody = Credentials()
    private let member = Credentials(userID: "u1", projectID: "p1", roles: ["member", "reader"])

    @Test func alwaysNeverAndEmpty() throws {
        #expect(try allows("@", nobody))
        #expect(try allows("", nobody))
        #expect(try !allows("!", nobody))
        #expect(try !allows("not @", nobody))
    }

    @Test func rolesCompareCaseInsensitively() throws {
        #expect(try allows("role:Member", member))
        #expect(try allows("role:member", Credentials(roles: ["MEMBER"])))
        #expect(try !allows("role:admin", member))
        #expect(try allows("role:%(wanted)s", target: ["wanted": "READER"], member))
        #expect(try !allows("role:%(wanted)s", member))
    }

    @Test func ruleReferencesEvaluateTheNamedRule() throws {
        #expect(try allows("rule:members", member, helpers: ["members": "role:member"]))
        #expect(try !allows("rule:admins", member, helpers: ["admins": "role:admin"]))
        #expect(try allows("not rule:admins", member, helpers: ["admins": "role:admin"]))
    }

    @Test func anUnknownRuleIsDenied() throws {
        let rules = try PolicyRules(defaults: [RuleDefault("open", "@", description: "")])
        #expect(!rules.enforce("no_such_rule", credentials: member))
    }

    @Test func aCycleBuiltByHandIsFalseNotAHang() {
        var context = PolicyCheck.Context(
            target: [:], credentials: [:], rules: ["a": .rule("b"), "b": .or([.rule("a"), .deny])])
        #expect(!PolicyCheck.rule("a").evaluate(&context))
        var negated = PolicyCheck.Context(target: [:], credentials: [:], rules: ["a": .not(.rule("a"))])
        #expect(PolicyCheck.rule("a").evaluate(&negated))
    }

    @Test func ownerChecksCompareWithTheTarget() throws {
        let rule = "role:member and project_id:%(project_id)s"
        #expect(try allows(rule, target: ["project_id": "p1"], member))
        #expect(try !allows(rule, target: ["project_id": "p2"], member))
        #expect(try !allows(rule, target: [:], member))
        // The target's parent fields are flat keys the caller provides.
        #expect(try allows("project_id:%(network:project_id)s", target: ["network:project_id": "p1"], member))
        #expect(try allows("tenant_id:%(tenant_id)s", target: ["tenant_id": "p1"], member))
        #expect(try allows("tenant_id:%(network:tenant_id)s", target: ["network:tenant_id": "p1"], member))
    }

    @Test func anUnscopedTokenOwnsNothing() throws {
        // oslo would compare str(None) with str(None) and allow.
        #expect(try !allows("project_id:%(project_id)s", target: ["project_id": nil], Credentials(roles: ["member"])))
    }

    @Test func sharedNetworksByFieldCheck() throws {
        #expect(try allows("field:networks:shared=True", target: ["shared": true], nobody))
        #expect(try !allows("field:networks:shared=True", target: ["shared": false], nobody))
        #expect(try !allows("field:networks:shared=True", target: [:], nobody))
        #expect(try allows("field:networks:shared=true", target: ["shared": true], nobody))
        #expect(try allows("field:networks:shared=False", target: ["shared": false], nobody))
        // A port's target carries its network's value.
        #expect(try allows("field:networks:shared=True", target: ["network_id": "n1", "network:shared": true], nobody))
        #expect(try allows("field:networks:router:external=True", target: ["router:external": true], nobody))
        #expect(try allows("field:ports:name=web", target: ["name": "web"], nobody))
        #expect(try allows("field:ports:mtu=1500", target: ["mtu": 1500], nobody))
        #expect(try !allows("field:networks:shared=True", target: ["shared": nil], nobody))
    }

    @Test func fieldChecksWithARegularExpressionMatchAtTheStart() throws {
        let rule = "field:port:device_owner=~^network:"
        #expect(try allows(rule, target: ["device_owner": "network:dhcp"], nobody))
        #expect(try !allows(rule, target: ["device_owner": "compute:nova"], nobody))
        #expect(try allows("field:port:device_owner=~compute", target: ["device_owner": "compute:nova"], nobody))
        #expect(try !allows("field:port:device_owner=~nova", target: ["device_owner": "compute:nova"], nobody))
    }

    @Test func isAdminComparesAsPythonPrintsABoolean() throws {
        #expect(try allows("is_admin:True", Credentials(isAdmin: true)))
        #expect(try !allows("is_admin:True", Credentials(isAdmin: false)))
        // Derived from context_is_admin, here absent: the admin role.
        #expect(try allows("is_admin:True", Credentials(roles: ["admin"])))
        #expect(try !allows("is_admin:True", member))
        #expect(try !allows("is_admin:true", Credentials(isAdmin: true)))
    }

    @Test func systemScope() throws {
        #expect(try allows("system_scope:all", Credentials(roles: ["admin"], systemScope: "all")))
        #expect(try !allows("system_scope:all", Credentials(projectID: "p1", roles: ["admin"])))
    }

    @Test func genericChecksWalkCredentialsAndLists() throws {
        #expect(try allows("roles:member", member))
        #expect(try !allows("roles:Member", member))
        #expect(try allows("user_id:%(user_id)s", target: ["user_id": "u1"], member))
        let token = Credentials(extra: [
            "token": ["project": ["id": "p1"], "methods": ["password", "totp"]],
            "level": 3,
        ])
        #expect(try allows("token.project.id:%(project_id)s", target: ["project_id": "p1"], token))
        #expect(try !allows("token.project.id:%(project_id)s", target: ["project_id": "p2"], token))
        #expect(try allows("token.methods:totp", token))
        #expect(try allows("level:3", token))
        #expect(try !allows("token.missing.id:x", token))
        #expect(try allows("service_roles:service", Credentials(serviceRoles: ["service"])))
    }

    @Test func literalLeftSidesCompareWithTheTarget() throws {
        #expect(try allows("'Member':%(role.name)s", target: ["role.name": "Member"], nobody))
        // A dotted key that is not a flat key is looked up through nested objects.
        #expect(try allows("'Member':%(role.name)s", target: ["role": ["name": "Member"]], nobody))
        #expect(try allows("True:%(user.enabled)s", target: ["user.enabled": true], nobody))
        #expect(try !allows("True:%(user.enabled)s", target: ["user.enabled": false], nobody))
        #expect(try allows("42:%(count)s", target: ["count": 42], nobody))
    }

    @Test func aQuotedMatchIsComparedWithItsQuotes() throws {
        #expect(try !allows("user_id:'u1'", member))
        #expect(try allows("user_id:'u1'", Credentials(userID: "'u1'")))
    }

    @Test func extraKeysDoNotOverrideTheStandardOnes() throws {
        let credentials = Credentials(projectID: "p1", extra: ["project_id": "p2"])
        #expect(try allows("project_id:%(project_id)s", target: ["project_id": "p1"], credentials))
    }

    @Test func scopeTypesRefuseATokenOfAnotherScope() throws {
        let rules = try PolicyRules(defaults: [
            RuleDefault("project_only", "role:admin", description: "", scopeTypes: ["project"]),
            RuleDefault("anywhere", "role:admin", description: ""),
        ])
        let systemAdmin = Credentials(roles: ["admin"], systemScope: "all")
        let domainAdmin = Credentials(domainID: "d1", roles: ["admin"])
        #expect(!rules.enforce("project_only", credentials: systemAdmin))
        #expect(!rules.enforce("project_only", credentials: domainAdmin))
        #expect(rules.enforce("project_only", credentials: Credentials(projectID: "p1", roles: ["admin"])))
        #expect(rules.enforce("anywhere", credentials: systemAdmin))
    }

    @Test func impliedRolesExpandAsKeystoneDoes() {
        let admin = Credentials(roles: ["Admin"]).expandingImpliedRoles()
        #expect(Set(admin.roles) == ["Admin", "manager", "member", "reader"])
        let custom = Credentials(roles: ["integrator"]).expandingImpliedRoles(["integrator": ["member"]])
        #expect(custom.roles == ["integrator", "member"])
    }

    @Test func pythonStringsMatchStr() {
        #expect(PolicyValue.bool(true).pythonString == "True")
        #expect(PolicyValue.null.pythonString == "None")
        #expect(PolicyValue.double(2).pythonString == "2.0")
        #expect(PolicyValue.list(["a", 1, false]).pythonString == "['a', 1, False]")
        #expect(PolicyValue.object(["k": "it's"]).pythonString == "{'k': \"it's\"}")
    }
}
