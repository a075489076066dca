/// Keystone v3 password credentials of Portwatch's own service user, project scoped.
///
/// Names or ids, as in a `clouds.yaml` `auth:` block; a name needs its domain (by name or id).
public struct PasswordCredentials: Sendable, Hashable {
    public var username: String?
    public var userID: String?
    public var password: String
    public var userDomainName: String?
    public var userDomainID: String?
    public var projectName: String?
    public var projectID: String?
    public var projectDomainName: String?
    public var projectDomainID: String?

    public init(
        username: String? = nil, userID: String? = nil, password: String, userDomainName: String? = nil,
        userDomainID: String? = nil, projectName: String? = nil, projectID: String? = nil,
        projectDomainName: String? = nil, projectDomainID: String? = nil
    ) {
        self.username = username
        self.userID = userID
        self.password = password
        self.userDomainName = userDomainName
        self.userDomainID = userDomainID
        self.projectName = projectName
        self.projectID = projectID
        self.projectDomainName = projectDomainName
        self.projectDomainID = projectDomainID
    }

    /// What is missing for a project-scoped password authentication, or nil when complete.
    public var problem: String? {
        if username == nil && userID == nil { return "a user name or id" }
        if userID == nil && userDomainName == nil && userDomainID == nil { return "the user's domain" }
        if projectName == nil && projectID == nil { return "a project name or id" }
        if projectID == nil && projectDomainName == nil && projectDomainID == nil { return "the project's domain" }
        return nil
    }

    /// The body of `POST /v3/auth/tokens`.
    var requestBody: [String: Any] {
        var user: [String: Any] = ["password": password]
        if let userID { user["id"] = userID }
        if let username { user["name"] = username }
        if let userDomainID {
            user["domain"] = ["id": userDomainID]
        } else if let userDomainName {
            user["domain"] = ["name": userDomainName]
        }
        var project: [String: Any] = [:]
        if let projectID { project["id"] = projectID }
        if let projectName { project["name"] = projectName }
        if let projectDomainID {
            project["domain"] = ["id": projectDomainID]
        } else if let projectDomainName {
            project["domain"] = ["name": projectDomainName]
        }
        return [
            "auth": [
                "identity": ["methods": ["password"], "password": ["user": user]],
                "scope": ["project": project],
            ]
        ]
    }
}
