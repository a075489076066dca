/// Who is asking: the request context as oslo.context's `to_policy_values()` hands it to the enforcer.
///
/// Checks see these as credential keys: `user_id`, `user_domain_id`, `project_id`, `project_domain_id`,
/// `domain_id`, `system_scope` (and `system`, which oslo.policy copies from it), `roles`, `is_admin`,
/// `is_admin_project`, `service_user_id`, `service_project_id`, `service_roles`, `tenant_id` (the project,
/// for policy files written for older Neutron), and every key of ``extra``.
///
/// Roles are taken as Keystone puts them in the token, with implied roles already expanded; a
/// context built from bare headers can expand them with ``expandingImpliedRoles(_:)``.
///
/// ```swift
/// let member = Credentials(userID: "u1", projectID: "p1", roles: ["member", "reader"])
/// ```
public struct Credentials: Sendable, Hashable {
    /// The user, `user_id`.
    public var userID: String?
    /// The user's domain, `user_domain_id`.
    public var userDomainID: String?
    /// The project of a project-scoped token, `project_id`.
    public var projectID: String?
    /// The project's domain, `project_domain_id`.
    public var projectDomainID: String?
    /// The domain of a domain-scoped token, `domain_id`; a rule with scope types sees the token as domain-scoped.
    public var domainID: String?
    /// `all` for a system-scoped token, `system_scope`.
    public var systemScope: String?
    /// The token's roles, compared case-insensitively by `role:` checks.
    public var roles: [String]
    /// Neutron's `context.is_admin`; `nil` lets ``PolicyRules`` derive it from `context_is_admin`, as neutron-lib does.
    public var isAdmin: Bool?
    /// `is_admin_project`: oslo.context's default is `true`.
    public var isAdminProject: Bool
    /// The user of an `X-Service-Token`, `service_user_id`.
    public var serviceUserID: String?
    /// The project of an `X-Service-Token`, `service_project_id`.
    public var serviceProjectID: String?
    /// The roles of an `X-Service-Token`, `service_roles`.
    public var serviceRoles: [String]
    /// Further credential keys, reachable by generic checks (`token.project.id:%(project_id)s` walks nested objects).
    ///
    /// A key that names one of the standard keys above is ignored: the typed property wins.
    public var extra: [String: PolicyValue]

    /// A request context.
    public init(
        userID: String? = nil, projectID: String? = nil, domainID: String? = nil, roles: [String] = [],
        isAdmin: Bool? = nil, systemScope: String? = nil, serviceRoles: [String] = [],
        userDomainID: String? = nil, projectDomainID: String? = nil, isAdminProject: Bool = true,
        serviceUserID: String? = nil, serviceProjectID: String? = nil, extra: [String: PolicyValue] = [:]
    ) {
        self.userID = userID
        self.projectID = projectID
        self.domainID = domainID
        self.roles = roles
        self.isAdmin = isAdmin
        self.systemScope = systemScope
        self.serviceRoles = serviceRoles
        self.userDomainID = userDomainID
        self.projectDomainID = projectDomainID
        self.isAdminProject = isAdminProject
        self.serviceUserID = serviceUserID
        self.serviceProjectID = serviceProjectID
        self.extra = extra
    }

    /// Keystone's default role implications since 2024.2: admin implies manager, manager implies member,
    /// member implies reader (`keystone-manage bootstrap` creates them).
    public static let keystoneImpliedRoles: [String: [String]] = [
        "admin": ["manager"], "manager": ["member"], "member": ["reader"],
    ]

    /// These credentials with every role that a role implies added, as Keystone does when it issues a token.
    ///
    /// Policy checks see only the roles in the token, so `role:reader` fails for a token that lists only
    /// `member` unless the implications were expanded.
    public func expandingImpliedRoles(_ implications: [String: [String]] = keystoneImpliedRoles) -> Credentials {
        var expanded = self
        var seen = Set(roles.map { $0.lowercased() })
        var pending = roles
        while let role = pending.popLast() {
            for implied in implications[role.lowercased()] ?? [] where seen.insert(implied.lowercased()).inserted {
                expanded.roles.append(implied)
                pending.append(implied)
            }
        }
        return expanded
    }

    /// The token's scope as oslo.policy derives it for scope types: system, then domain, else project.
    var tokenScope: String {
        if let systemScope, !systemScope.isEmpty { return "system" }
        if let domainID, !domainID.isEmpty { return "domain" }
        return "project"
    }

    /// The credential dictionary the checks read, with `is_admin` as given.
    ///
    /// A `nil` property is left out rather than stored as `None`: oslo would compare `str(None)` with a
    /// target's `None` and let an unscoped token "own" a resource without a project.
    func policyValues(isAdmin: Bool) -> [String: PolicyValue] {
        var values = extra
        func set(_ key: String, _ value: String?) {
            if let value { values[key] = .string(value) } else { values.removeValue(forKey: key) }
        }
        set("user_id", userID)
        set("user_domain_id", userDomainID)
        set("project_id", projectID)
        set("tenant_id", projectID)
        set("project_domain_id", projectDomainID)
        set("domain_id", domainID)
        set("system_scope", systemScope)
        set("system", systemScope.flatMap { $0.isEmpty ? nil : $0 })
        set("service_user_id", serviceUserID)
        set("service_project_id", serviceProjectID)
        values["roles"] = .list(roles.map(PolicyValue.string))
        values["service_roles"] = .list(serviceRoles.map(PolicyValue.string))
        values["is_admin"] = .bool(isAdmin)
        values["is_admin_project"] = .bool(isAdminProject)
        return values
    }
}
