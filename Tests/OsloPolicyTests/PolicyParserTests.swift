import OsloPolicy
import Testing

struct PolicyParserTests {
    private func parse(_ text: String) throws -> PolicyCheck { try PolicyCheck(parsing: text) }

    @Test func specialChecksAndTheEmptyRule() throws {
        #expect(try parse("@") == .allow)
        #expect(try parse("!") == .deny)
        #expect(try parse("") == .allow)
    }

    @Test func ruleAndRoleChecks() throws {
        #expect(try parse("rule:admin_or_owner") == .rule("admin_or_owner"))
        // A rule name keeps every colon after the first: Neutron's attribute rules depend on it.
        #expect(try parse("rule:create_port:binding:host_id") == .rule("create_port:binding:host_id"))
        #expect(try parse("role:admin") == .role(PolicyTemplate(literal: "admin")))
        #expect(try parse("role:%(role_name)s") == .role(PolicyTemplate(parsing: "%(role_name)s")))
    }

    @Test func ownerChecksTakeOneTargetField() throws {
        #expect(try parse("project_id:%(project_id)s") == .owner(kind: "project_id", field: "project_id"))
        #expect(try parse("tenant_id:%(tenant_id)s") == .owner(kind: "tenant_id", field: "tenant_id"))
        // Neutron's parent-resource form: a flat target key with a colon in it.
        #expect(try parse("tenant_id:%(network:tenant_id)s") == .owner(kind: "tenant_id", field: "network:tenant_id"))
    }

    @Test func fieldChecksSplitResourceFieldAndValue() throws {
        guard case .field(let shared) = try parse("field:networks:shared=True") else {
            Issue.record("not a field check")
            return
        }
        #expect(shared.resource == "networks")
        #expect(shared.field == "shared")
        #expect(shared.value == "True")
        guard case .field(let external) = try parse("field:networks:router:external=True") else {
            Issue.record("not a field check")
            return
        }
        #expect(external.field == "router:external")
        guard case .field(let device) = try parse("field:port:device_owner=~^network:") else {
            Issue.record("not a field check")
            return
        }
        #expect(device.value == "~^network:")
        #expect(device.description == "field:port:device_owner=~^network:")
    }

    @Test func genericChecksReadCredentialPathsOrLiterals() throws {
        guard case .generic(let admin) = try parse("is_admin:True") else {
            Issue.record("not a generic check")
            return
        }
        #expect(admin.subject == .credential(["is_admin"]))
        #expect(admin.match == PolicyTemplate(literal: "True"))

        guard case .generic(let dotted) = try parse("token.project.id:%(project_id)s") else {
            Issue.record("not a generic check")
            return
        }
        #expect(dotted.subject == .credential(["token", "project", "id"]))

        guard case .generic(let quoted) = try parse("'Member':%(role.name)s") else {
            Issue.record("not a generic check")
            return
        }
        #expect(quoted.subject == .literal("Member"))

        guard case .generic(let boolean) = try parse("True:%(user.enabled)s"),
            case .generic(let number) = try parse("1.50:%(ratio)s"),
            case .generic(let integer) = try parse("+7:%(count)s")
        else {
            Issue.record("not generic checks")
            return
        }
        #expect(boolean.subject == .literal("True"))
        #expect(number.subject == .literal("1.5"))
        #expect(integer.subject == .literal("7"))
    }

    @Test func notBindsTighterThanAndWhichBindsTighterThanOr() throws {
        #expect(
            try parse("rule:a or rule:b and not rule:c")
                == .or([.rule("a"), .and([.rule("b"), .not(.rule("c"))])]))
        #expect(try parse("not rule:a and rule:b") == .and([.not(.rule("a")), .rule("b")]))
        #expect(
            try parse("rule:a and rule:b or rule:c and rule:d")
                == .or([.and([.rule("a"), .rule("b")]), .and([.rule("c"), .rule("d")])]))
        #expect(try parse("rule:a or rule:b or rule:c") == .or([.rule("a"), .rule("b"), .rule("c")]))
        #expect(try parse("not not rule:a") == .not(.not(.rule("a"))))
    }

    @Test func parenthesesGroupAndMayTouchTheirChecks() throws {
        #expect(
            try parse("(rule:a or rule:b) and rule:c") == .and([.or([.rule("a"), .rule("b")]), .rule("c")]))
        #expect(try parse("not (rule:a and rule:b)") == .not(.and([.rule("a"), .rule("b")])))
        #expect(try parse("((role:admin))") == .role(PolicyTemplate(literal: "admin")))
        // Neutron's composed strings: the substitution's own parentheses stay in the check.
        #expect(
            try parse("(rule:admin_only) or (role:member and project_id:%(project_id)s)")
                == .or([
                    .rule("admin_only"),
                    .and([.role(PolicyTemplate(literal: "member")), .owner(kind: "project_id", field: "project_id")]),
                ]))
    }

    @Test func operatorsAreCaseInsensitive() throws {
        #expect(
            try parse("rule:a AND rule:b Or NOT rule:c") == .or([.and([.rule("a"), .rule("b")]), .not(.rule("c"))]))
    }

    @Test func descriptionPrintsTheTreeAsOsloDoes() throws {
        #expect(try parse("rule:a or rule:b and not role:c").description == "(rule:a or (rule:b and not role:c))")
        #expect(try parse("project_id:%(project_id)s").description == "project_id:%(project_id)s")
    }

    @Test func aQuotedRightSideKeepsItsQuotes() throws {
        // oslo never unquotes the match: `user_id:'u1'` compares the credential with "'u1'".
        guard case .generic(let check) = try parse("user_id:'u1'") else {
            Issue.record("not a generic check")
            return
        }
        #expect(check.match == PolicyTemplate(literal: "'u1'"))
    }

    struct SyntaxCase: Sendable, CustomTestStringConvertible {
        var rule: String
        var message: String
        var testDescription: String { "\"\(rule)\"" }
    }

    static let syntaxCases: [SyntaxCase] = [
        SyntaxCase(rule: "role:admin or", message: "expected a check after 'or'"),
        SyntaxCase(rule: "or role:admin", message: "expected a check at column 1 but found 'or'"),
        SyntaxCase(rule: "role:admin and and role:member", message: "expected a check after 'and' but found 'and'"),
        SyntaxCase(rule: "(role:admin", message: "the '(' at column 1 is never closed"),
        SyntaxCase(rule: "role:admin)", message: "unexpected ')' at column 11"),
        SyntaxCase(rule: "role:admin role:member", message: "unexpected 'role:member' at column 12"),
        SyntaxCase(rule: "(role:admin role:member)", message: "expected ')' but found 'role:member' at column 13"),
        SyntaxCase(rule: "admin", message: "'admin' is not a check: expected KIND:MATCH, '@' or '!'"),
        SyntaxCase(
            rule: "'admin'",
            message: "'admin' at column 1 is a quoted string, not a check (write KIND:'value' or 'value':KIND)"),
        SyntaxCase(rule: "   ", message: "the rule is only whitespace"),
        SyntaxCase(rule: "not", message: "expected a check after 'not'"),
        SyntaxCase(rule: "rule:", message: "'rule:' needs a rule name"),
        SyntaxCase(rule: "project_id:p1", message: "'project_id:p1' must have the form project_id:%(field)s"),
        SyntaxCase(rule: "field:networks", message: "'field:networks' must have the form field:RESOURCE:FIELD=VALUE"),
        SyntaxCase(
            rule: "field:networks:shared",
            message: "'field:networks:shared' must have the form field:RESOURCE:FIELD=VALUE"),
        SyntaxCase(rule: "role:100%", message: "'100%' ends with a lone '%' (write '%%' for a percent sign)"),
        SyntaxCase(
            rule: "role:%(name)d", message: "'%(name)d' substitutes '%(name)' without 's': only %(key)s is supported"),
        SyntaxCase(
            rule: "http:https://example.com",
            message: "'http:https://example.com': remote (http:) checks are not supported"),
    ]

    @Test(arguments: syntaxCases)
    func syntaxErrorsAreTypedAndSayWhy(_ example: SyntaxCase) {
        #expect {
            try PolicyCheck(parsing: example.rule)
        } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.code == .syntax && error.message == example.message && error.ruleName == nil
        }
    }

    @Test func aBadRegularExpressionIsASyntaxError() {
        #expect(throws: PolicyError.self) { try PolicyCheck(parsing: "field:ports:device_owner=~[") }
    }

    @Test func templatesSubstituteAndEscapePercent() throws {
        let template = try PolicyTemplate(parsing: "net-%(network:id)s-100%%")
        #expect(template.segments == [.literal("net-"), .substitution("network:id"), .literal("-100%")])
        #expect(template.render(["network:id": "n1"]) == "net-n1-100%")
        #expect(template.render([:]) == nil)
        #expect(template.description == "net-%(network:id)s-100%%")
    }
}
