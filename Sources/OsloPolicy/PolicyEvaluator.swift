import Synchronization

/// The rules in force applied to one caller: what a request checks many times, computed once.
///
/// oslo.policy builds the credential dictionary from the request context for every check; a list of a
/// thousand ports checks `get_port` a thousand times, so the evaluator builds it (and Neutron's
/// `is_admin`, from `context_is_admin`) when it is made and reuses it.
///
/// ```swift
/// let caller = rules.evaluator(for: Credentials(userID: "u1", projectID: "p1", roles: ["member", "reader"]))
/// caller.enforce("get_port", target: ["project_id": "p1", "network:project_id": "p1"])  // true
/// caller.verdictForAnyTarget("get_port:binding:host_id")  // false: decided by the roles alone
/// ```
public struct PolicyEvaluator: Sendable {
    /// The caller.
    public let credentials: Credentials
    /// Neutron's `context.is_admin`: given in the credentials, or `context_is_admin` evaluated with the
    /// credentials as the target, as neutron-lib derives it.
    public let isAdmin: Bool
    private let checks: [String: PolicyCheck]
    private let scopeTypes: [String: [String]]
    private let values: [String: PolicyValue]
    /// What ``firstDeniedRule(_:attributes:lazyTarget:)`` learnt of these credentials (shared by copies).
    private let anyTargetVerdicts = AnyTargetVerdicts()

    init(rules: PolicyRules, credentials: Credentials) {
        self.credentials = credentials
        checks = rules.checks
        scopeTypes = rules.scopeTypes
        if let given = credentials.isAdmin {
            isAdmin = given
        } else {
            let unprivileged = credentials.policyValues(isAdmin: false)
            var context = PolicyCheck.Context(target: unprivileged, credentials: unprivileged, rules: rules.checks)
            let check = rules.checks["context_is_admin"] ?? .role(PolicyTemplate(literal: "admin"))
            isAdmin = check.evaluate(&context)
        }
        values = credentials.policyValues(isAdmin: isAdmin)
    }

    /// Whether a rule of this name is in force.
    public func defines(_ ruleName: String) -> Bool { checks[ruleName] != nil }

    /// Whether the caller passes `ruleName` on `target`; see ``PolicyRules/enforce(_:target:credentials:)``.
    public func enforce(_ ruleName: String, target: [String: PolicyValue] = [:]) -> Bool {
        firstDeniedRule(ruleName, target: target) == nil
    }

    /// The first of `action` and `ACTION:ATTRIBUTE` (for each attribute with a rule of its own) that
    /// denies the caller on `target`, or `nil` when all pass.
    public func firstDeniedRule(
        _ action: String, attributes: some Sequence<String> = [String](), target: [String: PolicyValue]
    ) -> String? {
        guard inScope(action) else { return action }
        var context = PolicyCheck.Context(target: target, credentials: values, rules: checks)
        guard PolicyCheck.rule(action).evaluate(&context) else { return action }
        for attribute in attributes {
            let name = action + ":" + attribute
            if checks[name] != nil, !PolicyCheck.rule(name).evaluate(&context) { return name }
        }
        return nil
    }

    /// ``firstDeniedRule(_:attributes:target:)`` that builds the target only when the caller's
    /// credentials alone do not pass every rule (``verdictForAnyTarget(_:)``, remembered per action
    /// and attributes): an admin's update needs no dictionary of the port's attributes.
    public func firstDeniedRule(
        _ action: String, attributes: [String], lazyTarget: () -> [String: PolicyValue]
    ) -> String? {
        if passesEveryTarget(action, attributes) { return nil }
        return firstDeniedRule(action, attributes: attributes, target: lazyTarget())
    }

    /// Whether the credentials alone pass `action` and its attributes' rules, whatever the target.
    private func passesEveryTarget(_ action: String, _ attributes: [String]) -> Bool {
        let key = AnyTargetVerdicts.Key(action: action, attributes: attributes)
        if let known = anyTargetVerdicts.known.withLock({ $0[key] }) { return known }
        let passes =
            verdictForAnyTarget(action) == true
            && attributes.allSatisfy { attribute in
                let name = action + ":" + attribute
                return checks[name] == nil || verdictForAnyTarget(name) == true
            }
        anyTargetVerdicts.known.withLock { known in
            // Actions and attributes come from the API's own lists: a bound against surprises only.
            if known.count >= AnyTargetVerdicts.limit { known.removeAll() }
            known[key] = passes
        }
        return passes
    }

    /// neutron-lib's `_check_rule`: `ruleName` with the caller's own credentials as the target, as
    /// `check_is_advsvc`, `check_is_service_role` and `check_has_global_access` ask it.
    public func enforceOnCredentials(_ ruleName: String) -> Bool {
        guard inScope(ruleName) else { return false }
        var context = PolicyCheck.Context(target: values, credentials: values, rules: checks)
        return PolicyCheck.rule(ruleName).evaluate(&context)
    }

    /// The verdict of `ruleName` for every possible target, when the caller's credentials alone decide
    /// it; `nil` when it depends on the target.
    ///
    /// Checks that read the target (ownership, `field:`, substitutions) are unknown and combine as in
    /// three-valued logic: `true or unknown` is true, `false and unknown` is false. So an admin's
    /// `get_port` is true for every port without looking at one, and a member's
    /// `get_port:binding:host_id` false; a list checks each item only when this is `nil`.
    public func verdictForAnyTarget(_ ruleName: String) -> Bool? {
        guard inScope(ruleName) else { return false }
        var context = PolicyCheck.Context(target: [:], credentials: values, rules: checks)
        return PolicyCheck.rule(ruleName).verdictForAnyTarget(&context)
    }

    /// oslo checks the scope of the registered rule only, before any check runs.
    private func inScope(_ ruleName: String) -> Bool {
        guard let scopes = scopeTypes[ruleName], !scopes.isEmpty else { return true }
        return scopes.contains(credentials.tokenScope)
    }
}

/// Whether given credentials pass an action and its attributes' rules whatever the target, by action
/// and attributes: the credentials and the rules alone decide it, so it holds for the evaluator's life.
final class AnyTargetVerdicts: Sendable {
    struct Key: Hashable {
        let action: String
        let attributes: [String]
    }

    static let limit = 1024
    let known = Mutex<[Key: Bool]>([:])
}

extension PolicyCheck {
    /// ``evaluate(_:)`` without a target: the verdict when no check that reads the target decides it.
    func verdictForAnyTarget(_ context: inout Context) -> Bool? {
        switch self {
        case .allow, .deny:
            return evaluate(&context)
        case .rule(let name):
            guard let check = context.rules[name], !context.evaluating.contains(name) else { return false }
            context.evaluating.append(name)
            defer { context.evaluating.removeLast() }
            return check.verdictForAnyTarget(&context)
        case .role(let template):
            return template.substitutes ? nil : evaluate(&context)
        case .generic(let generic):
            return generic.match.substitutes ? nil : evaluate(&context)
        case .owner, .field:
            return nil
        case .not(let check):
            return check.verdictForAnyTarget(&context).map { !$0 }
        case .and(let checks):
            var verdict: Bool? = true
            for check in checks {
                switch check.verdictForAnyTarget(&context) {
                case false?: return false
                case nil: verdict = nil
                case true?: break
                }
            }
            return verdict
        case .or(let checks):
            var verdict: Bool? = false
            for check in checks {
                switch check.verdictForAnyTarget(&context) {
                case true?: return true
                case nil: verdict = nil
                case false?: break
                }
            }
            return verdict
        }
    }
}

extension PolicyTemplate {
    /// Whether rendering reads the target.
    var substitutes: Bool {
        segments.contains { if case .substitution = $0 { true } else { false } }
    }
}
