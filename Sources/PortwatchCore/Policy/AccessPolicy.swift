import OsloPolicy

/// The policy decisions of one request: the rules in force applied to its caller.
///
/// Every allow or deny in Portwatch comes from an oslo.policy rule named as Neutron names it
/// (`get_port`, `update_port:data_plane_status`, `create_network:shared`) or as Portwatch names its
/// own (`create_data_plane_event`, `update_topology`, `get_webhook`): Neutron's new defaults and
/// Portwatch's (``OsloPolicy/PolicyDefaults``), with an operator's policy file on top. A denial is
/// Neutron's `PolicyNotAuthorized`, naming the rule Neutron would name.
///
/// Build one per request, from the rules in force when the request arrived, and pass it to every
/// decision of that request:
///
/// ```swift
/// let access = AccessPolicy(identity, rules: activePolicy.rules)
/// try access.authorize("update_topology")
/// ```
public struct AccessPolicy: Sendable {
    /// The caller.
    public let identity: Identity
    /// What the rules decide for the caller's credentials whatever the request, shared by its
    /// requests (``ActivePolicy/access(for:)`` keeps it).
    let caller: Caller
    /// The rules, bound to the caller's credentials.
    public var rules: PolicyEvaluator { caller.rules }
    /// Neutron's `context.is_admin`: the caller passes `context_is_admin` (`role:admin` by default).
    public var isAdmin: Bool { caller.rules.isAdmin }
    /// Whether the caller reads other projects' resources at all, as Neutron's database queries let
    /// `is_admin`, `context_is_advsvc`, `service_api` and `context_with_global_access` callers do;
    /// everyone else reaches only their own project's resources (and ports on their networks).
    public var hasGlobalAccess: Bool { caller.hasGlobalAccess }

    /// The decisions of `identity` under `rules` (Portwatch's defaults unless a policy file changed them).
    public init(_ identity: Identity, rules: PolicyRules = AccessPolicy.defaultRules) {
        self.init(identity, caller: Caller(rules, credentials: identity.policyCredentials))
    }

    init(_ identity: Identity, caller: Caller) {
        var identity = identity
        identity.contextIsAdmin = caller.rules.isAdmin
        self.identity = identity
        self.caller = caller
    }

    /// The decisions that depend on the caller's credentials alone, computed once for a caller: the
    /// project scope, and the read rules of ports and networks where the roles decide them.
    ///
    /// A class: every request of the caller shares it, and copying an ``AccessPolicy`` is one retain.
    final class Caller: Sendable {
        let rules: PolicyEvaluator
        let hasGlobalAccess: Bool
        let ports: PortReading
        let networks: NetworkReading
        let seesEveryPolicedAttribute: Bool

        /// The decisions of `rules` for `credentials`, with Keystone's implied roles expanded.
        convenience init(_ rules: PolicyRules, credentials: Credentials) {
            self.init(rules.evaluator(for: credentials.expandingImpliedRoles()))
        }

        init(_ rules: PolicyEvaluator) {
            self.rules = rules
            hasGlobalAccess =
                rules.isAdmin || rules.enforceOnCredentials("context_is_advsvc")
                || rules.enforceOnCredentials("service_api") || rules.enforceOnCredentials("context_with_global_access")
            ports = PortReading(rules, hasGlobalAccess: hasGlobalAccess, rule: "get_port")
            networks = NetworkReading(rules)
            seesEveryPolicedAttribute =
                AccessPolicy.policedPortAttributes.allSatisfy { rules.verdictForAnyTarget("get_port:" + $0) == true }
                && AccessPolicy.policedNetworkAttributes.allSatisfy {
                    rules.verdictForAnyTarget("get_network:" + $0) == true
                }
        }
    }

    /// Portwatch's default rules, with no policy file.
    public static let defaultRules: PolicyRules = {
        do {
            return try PolicyRules()
        } catch {
            // The defaults are compiled in and loaded by every test run: this is a build defect.
            fatalError("Portwatch's default policy does not load: \(error)")
        }
    }()

    /// Whether the caller passes `rule` on `target`.
    public func allows(_ rule: String, target: [String: PolicyValue] = [:]) -> Bool {
        rules.enforce(rule, target: target)
    }

    /// Nothing when the caller passes `rule` on `target`; else `rule:RULE is disallowed by policy`.
    public func authorize(_ rule: String, target: [String: PolicyValue] = [:]) throws(NeutronError) {
        guard allows(rule, target: target) else { throw .policyNotAuthorized(PolicyMatch(rule).description) }
    }

    /// Nothing when the caller passes every rule of `match` on `target`; else Neutron's 403 naming the
    /// whole match, `(rule:update_port and rule:update_port:data_plane_status) is disallowed by policy`,
    /// whichever part denied.
    public func authorize(_ match: PolicyMatch, target: [String: PolicyValue]) throws(NeutronError) {
        guard rules.firstDeniedRule(match.action, attributes: match.attributeRules, target: target) == nil else {
            throw .policyNotAuthorized(match.description)
        }
    }

    /// Whether the caller may name a project other than its own: admin, or `context_can_set_project_id`
    /// (neutron-lib's rule for it).
    public var canSetProjectID: Bool { isAdmin || rules.enforceOnCredentials("context_can_set_project_id") }

    /// neutron-lib's `_validate_privileges`: a `project_id` (or `tenant_id`) in a create or update
    /// body other than the caller's needs ``canSetProjectID``.
    public func checkProjectPrivileges(_ requested: String?) throws(NeutronError) {
        guard let requested, requested != identity.projectID, !canSetProjectID else { return }
        throw .badRequest(
            "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user."
        )
    }

    /// The project a created resource belongs to: the caller's, or the one the body names when the
    /// caller may set it (``checkProjectPrivileges(_:)``).
    public func owningProject(_ requested: String?) throws(NeutronError) -> String {
        if let requested {
            try checkProjectPrivileges(requested)
            return requested
        }
        guard let project = identity.projectID else {
            throw .badRequest("Running without keystone AuthN requires that project_id is specified")
        }
        return project
    }

    /// Whether a project-owned resource is within the caller's reach before any rule is asked: global
    /// access, or the caller's own project (the 404 of another project's resource does not say it exists).
    func reaches(project: String?, orProject other: String? = nil) -> Bool {
        guard !hasGlobalAccess else { return true }
        guard let mine = identity.projectID else { return false }
        return mine == project || mine == other
    }
}

extension Identity {
    /// The credentials oslo.policy checks, roles as the identity lists them; the decisions expand
    /// Keystone's implied roles (admin implies manager, member and reader), since a proxy's `X-Roles`
    /// may list `admin` alone where Keystone's token would list the implied roles too.
    public var policyCredentials: Credentials {
        Credentials(
            userID: userID, projectID: projectID, domainID: domainID, roles: roleList, systemScope: systemScope,
            serviceRoles: serviceRoles, userDomainID: userDomainID, projectDomainID: projectDomainID,
            isAdminProject: isAdminProject)
    }
}
