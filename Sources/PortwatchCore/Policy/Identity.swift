/// Who is calling: the keystone-style request context.
public struct Identity: Sendable, Hashable {
    public var userID: String?
    public var projectID: String?
    public var roles: Set<String>
    /// The roles in the order keystone listed them (notifications report them in that order).
    public var roleList: [String]
    public var userName: String?
    public var projectName: String?
    /// The `x-openstack-request-id` of the request, `req-<uuid>`.
    public var requestID: String
    public var userDomainID: String?
    public var projectDomainID: String?
    /// The domain of a domain-scoped token.
    public var domainID: String?
    /// `all` for a system-scoped token (`OpenStack-System-Scope`).
    public var systemScope: String?
    /// The roles of a valid `X-Service-Token` sent with the request (empty without one).
    public var serviceRoles: [String] = []
    /// Keystone's `is_admin_project` of the token (`true` when Keystone does not say).
    public var isAdminProject = true
    /// The event source whose static credential the caller presented (Alertmanager's bearer token,
    /// an SDN controller's basic auth): such a caller reaches that source's ingestion endpoint and
    /// nothing else, whatever the rules say.
    public var eventSource: String?
    /// Neutron's `context.is_admin` as the rules in force decided it (`context_is_admin`), set by
    /// ``AccessPolicy``; nil for an identity no policy has looked at.
    public var contextIsAdmin: Bool?

    public init(
        userID: String?, projectID: String?, roles: [String], requestID: String,
        userName: String? = nil, projectName: String? = nil
    ) {
        self.userID = userID
        self.projectID = projectID
        self.roles = Set(roles)
        var seen = Set<String>()
        self.roleList = roles.filter { seen.insert($0).inserted }
        self.requestID = requestID
        self.userName = userName
        self.projectName = projectName
    }

    /// Neutron's noauth context: admin, in project `fake_project_id`.
    public static func noauth(requestID: String) -> Identity {
        var identity = noauthContext
        identity.requestID = requestID
        return identity
    }

    /// The noauth context built once (its role set is hashed once, not on every request).
    private static let noauthContext = Identity(
        userID: nil, projectID: "fake_project_id", roles: ["member", "reader", "admin"], requestID: "")

    /// The internal context of Portwatch's own changes (fault correlation).
    public static func system(requestID: String) -> Identity {
        Identity(
            userID: "portwatch", projectID: nil, roles: ["admin", "service"], requestID: requestID,
            userName: "portwatch")
    }

    /// A machine that presented the static credential `credential` of the event source `source`:
    /// no project, no roles.
    public static func eventSource(_ source: String, credential: String, requestID: String) -> Identity {
        var identity = Identity(
            userID: "source:\(source)/\(credential)", projectID: nil, roles: [], requestID: requestID,
            userName: credential)
        identity.eventSource = source
        return identity
    }

    /// Whether the roles include `admin`. Policy decisions (and notifications' `_context_is_admin`)
    /// follow ``contextIsAdmin``, what the rules in force say, when a policy has looked at the identity.
    public var isAdmin: Bool { roles.contains("admin") }
}
