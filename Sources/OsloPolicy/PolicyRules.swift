/// The rules in force: the service's defaults with the operator's overrides, checked when loaded.
///
/// Loading does what oslo.policy's `Enforcer` with `check_rules(raise_on_violation=True)` does, and
/// more: every rule must parse, every `rule:NAME` must name a rule, no rules may reference each other in
/// a cycle, and an override must name a default (or a default's old name) or a rule some other rule
/// references (an alias such as `"net_admins": "role:netops"`). Anything else is a ``PolicyError`` naming
/// the rule and the override's line, so a misspelt policy file stops the start.
///
/// ```swift
/// let rules = try PolicyRules(overrides: [("update_port:data_plane_status", "role:custom", 3)])
/// rules.enforce("update_port:data_plane_status", target: ["project_id": "p1"], credentials: credentials)
/// ```
public struct PolicyRules: Sendable {
    /// An operator's rule: the name, the rule text, and the line of the policy file it came from.
    public typealias Override = (name: String, rule: String, line: Int?)

    /// The defaults the rules were built from, in order.
    public let defaults: [RuleDefault]
    /// The names whose rule an override replaced (directly or through a renamed rule's old name).
    public let overriddenNames: Set<String>
    let checks: [String: PolicyCheck]
    private let texts: [String: String]
    let scopeTypes: [String: [String]]

    /// Builds and validates the rules: `defaults` (Portwatch's by default), then `overrides` on top.
    public init(defaults: [RuleDefault] = PolicyDefaults.all, overrides: [Override] = []) throws(PolicyError) {
        var checks: [String: PolicyCheck] = [:]
        var texts: [String: String] = [:]
        var lines: [String: Int] = [:]
        var order: [String] = []
        var scopeTypes: [String: [String]] = [:]
        var deprecatedNames: [String: String] = [:]

        for rule in defaults {
            guard checks[rule.name] == nil, deprecatedNames[rule.name] == nil else {
                throw PolicyError(.duplicateRule, "is defined twice among the defaults", ruleName: rule.name)
            }
            checks[rule.name] = try Self.parse(rule.rule, name: rule.name, line: nil)
            texts[rule.name] = rule.rule
            scopeTypes[rule.name] = rule.scopeTypes
            order.append(rule.name)
            for old in rule.deprecatedNames {
                guard checks[old] == nil, deprecatedNames[old] == nil else {
                    throw PolicyError(.duplicateRule, "is both a rule and an old name of \(rule.name)", ruleName: old)
                }
                deprecatedNames[old] = rule.name
            }
        }
        if let clash = defaults.first(where: { deprecatedNames[$0.name] != nil }) {
            throw PolicyError(.duplicateRule, "is both a rule and an old name of another rule", ruleName: clash.name)
        }

        var overridden: [String: PolicyCheck] = [:]
        for override in overrides {
            if overridden[override.name] != nil {
                let earlier = lines[override.name].map { " (first at line \($0))" } ?? ""
                throw PolicyError(
                    .duplicateRule, "is overridden twice\(earlier)", ruleName: override.name, line: override.line)
            }
            let check = try Self.parse(override.rule, name: override.name, line: override.line)
            overridden[override.name] = check
            lines[override.name] = override.line
            if checks[override.name] == nil { order.append(override.name) }
            checks[override.name] = check
            texts[override.name] = override.rule
        }

        // oslo's _handle_deprecated_rule: an old name's override stands for the renamed rule unless the
        // new name is overridden too, or the old name merely aliases the new one.
        var overriddenNames = Set(overridden.keys)
        for rule in defaults where overridden[rule.name] == nil {
            for old in rule.deprecatedNames {
                guard let check = overridden[old], check != .rule(rule.name) else { continue }
                checks[rule.name] = check
                texts[rule.name] = texts[old]
                lines[rule.name] = lines[old]
                overriddenNames.insert(rule.name)
                break
            }
        }

        let referenced = Set(checks.values.flatMap(\.referencedRules))
        let defaultNames = Set(defaults.map(\.name))
        for override in overrides
        where !defaultNames.contains(override.name) && deprecatedNames[override.name] == nil
            && !referenced.contains(override.name)
        {
            throw PolicyError(
                .unknownRule, "is not a known rule, and no rule references it (is the name misspelt?)",
                ruleName: override.name, line: override.line)
        }

        for name in order {
            for reference in checks[name]!.referencedRules where checks[reference] == nil {
                throw PolicyError(
                    .undefinedReference, "references rule:\(reference), which is not defined", ruleName: name,
                    line: lines[name])
            }
        }

        if let cycle = Self.firstCycle(in: checks, order: order) {
            // Name an override in the cycle when there is one: that is the line the operator must fix.
            let culprit = cycle.first { lines[$0] != nil } ?? cycle[0]
            throw PolicyError(
                .cyclicReference,
                "is part of a cycle of rule references: " + (cycle + [cycle[0]]).joined(separator: " -> "),
                ruleName: culprit, line: lines[culprit])
        }

        self.defaults = defaults
        self.overriddenNames = overriddenNames
        self.checks = checks
        self.texts = texts
        self.scopeTypes = scopeTypes
    }

    /// The names of every rule in force (defaults and overrides).
    public var ruleNames: Set<String> { Set(checks.keys) }

    /// The parsed rule in force under `name`.
    public subscript(name: String) -> PolicyCheck? { checks[name] }

    /// The rule text in force under `name`, as its default or override wrote it.
    public func ruleText(_ name: String) -> String? { texts[name] }

    /// Whether `credentials` pass the rule `ruleName` on `target`.
    ///
    /// A rule that is not defined is false (oslo.policy would fall back to its `default` rule); a rule
    /// whose default has scope types is false for a token of another scope, before its check runs.
    public func enforce(_ ruleName: String, target: [String: PolicyValue] = [:], credentials: Credentials) -> Bool {
        evaluator(for: credentials).enforce(ruleName, target: target)
    }

    /// Whether `credentials` may perform `action` setting `attributes`, as Neutron enforces a create or update.
    ///
    /// Neutron checks `rule:ACTION and rule:ACTION:ATTRIBUTE` for every attribute the request sets that
    /// has a policy (`create_port:binding:host_id`, `update_port:fixed_ips:ip_address`); attributes
    /// without a rule of their own are not checked, as Neutron checks only attributes with `enforce_policy`.
    public func enforce(
        _ action: String, attributes: some Sequence<String>, target: [String: PolicyValue],
        credentials: Credentials
    ) -> Bool {
        evaluator(for: credentials).firstDeniedRule(action, attributes: attributes, target: target) == nil
    }

    /// The first rule that denies `action` (or `ACTION:ATTRIBUTE`), for a `PolicyNotAuthorized` message;
    /// `nil` when every rule passes.
    public func firstDeniedRule(
        _ action: String, attributes: some Sequence<String> = [String](), target: [String: PolicyValue],
        credentials: Credentials
    ) -> String? {
        evaluator(for: credentials).firstDeniedRule(action, attributes: attributes, target: target)
    }

    /// These rules bound to `credentials`: the credential dictionary and `is_admin` computed once, for
    /// the many checks of one request.
    public func evaluator(for credentials: Credentials) -> PolicyEvaluator {
        PolicyEvaluator(rules: self, credentials: credentials)
    }

    private static func parse(_ text: String, name: String, line: Int?) throws(PolicyError) -> PolicyCheck {
        do {
            return try PolicyCheck(parsing: text)
        } catch {
            throw error.attributed(to: name, line: line)
        }
    }

    /// The first cycle of `rule:` references found walking `order`, as the names along it.
    private static func firstCycle(in checks: [String: PolicyCheck], order: [String]) -> [String]? {
        var done = Set<String>()
        var path: [String] = []
        func visit(_ name: String) -> [String]? {
            if let start = path.firstIndex(of: name) { return Array(path[start...]) }
            guard !done.contains(name), let check = checks[name] else { return nil }
            path.append(name)
            defer { path.removeLast() }
            for reference in check.referencedRules {
                if let cycle = visit(reference) { return cycle }
            }
            done.insert(name)
            return nil
        }
        for name in order {
            if let cycle = visit(name) { return cycle }
        }
        return nil
    }
}
